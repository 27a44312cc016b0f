package control

import (
	"github.com/berth-io/berth/internal/ecsmodel"
)

// clusterRecord is stored at /clusters/<name>. The counters of the Cluster
// shape (registered instances, running and pending tasks, services) are zero
// here and computed from the alloc records when a cluster is described; its
// tags live under /tags/cluster/<name>.
type clusterRecord struct {
	Cluster ecsmodel.Cluster `json:"cluster"`
}

// familyRecord is stored at /families/<family>.
type familyRecord struct {
	// LastRevision is the highest revision ever registered; the next
	// registration gets LastRevision+1 even after deletions.
	LastRevision int32 `json:"lastRevision"`
	// LatestActive is the highest ACTIVE revision, 0 when none is ACTIVE.
	LatestActive int32 `json:"latestActive,omitempty"`
	// Active counts the ACTIVE revisions.
	Active int32 `json:"active"`
	// Existing counts the revisions not yet deleted (any status). A family
	// whose revisions were all deleted is not listed any more.
	Existing int32 `json:"existing"`
}

// taskDefRecord is stored at /taskdefs/<family>/<revision>; its tags live
// under /tags/task-definition/<family>/<revision>.
type taskDefRecord struct {
	TaskDefinition ecsmodel.TaskDefinition `json:"taskDefinition"`
}

// instanceRecord is the cold half of a container instance, stored at
// /instances/<cluster>/<id>. Instance holds the description fields
// (containerInstanceArn, ec2InstanceId, capacityProviderName, attributes,
// registeredResources, registeredAt, versionInfo); the fields that change
// with placement and state (status, agentConnected, version,
// remainingResources, task counts) are left empty and come from the
// allocRecord when the instance is described.
type instanceRecord struct {
	Cluster  string                     `json:"cluster"`
	ID       string                     `json:"id"`
	Instance ecsmodel.ContainerInstance `json:"instance"`
	// Custom names the attributes set through PutAttributes: the custom
	// attributes that count toward the limit of 10 per resource.
	// Attributes registered by the agent or derived by berth do not count.
	Custom []string `json:"custom,omitempty"`
}

// allocRecord is the hot half of a container instance, stored at
// /allocs/<cluster>/<id>: everything a placement decision reads and
// rewrites, in one record so that one "unchanged since" condition protects
// a placement against every concurrent change of the instance.
type allocRecord struct {
	// Status is ACTIVE, DRAINING or INACTIVE (deregistered).
	Status string `json:"status"`
	// AgentConnected is set at registration (berth has no agent channel
	// yet) and cleared at deregistration.
	AgentConnected bool `json:"agentConnected"`
	// Version rises by one with every change of the instance that ECS would
	// announce as a state change: registration, status, resources.
	Version int64 `json:"version"`
	// CPU and Memory are the remaining CPU units and MiB: registered minus
	// the reservations of the tasks placed here.
	CPU    int64 `json:"cpu"`
	Memory int64 `json:"memory"`
	// PortsTCP and PortsUDP are the host ports in use, sorted: the
	// registered reserved ports plus the static host ports of the tasks
	// placed here. This is what ECS reports as remaining PORTS.
	PortsTCP []int32 `json:"portsTcp,omitempty"`
	PortsUDP []int32 `json:"portsUdp,omitempty"`
	// GPUs are the ids of the GPUs not assigned to a task, sorted.
	GPUs []string `json:"gpus,omitempty"`
	// Running counts the tasks placed here with desired status RUNNING;
	// Pending those whose last status is PENDING (ECS's definitions).
	Running int32 `json:"running"`
	Pending int32 `json:"pending"`
}

// ec2IDRecord is stored at /ec2ids/<cluster>/<ec2-instance-id>.
type ec2IDRecord struct {
	ID string `json:"id"`
}

// tagsRecord is stored at /tags/<type>/<resource>.
type tagsRecord struct {
	Tags []ecsmodel.Tag `json:"tags"`
}

// taskRecord is stored at /tasks/<cluster>/<id>. The task work that follows
// extends it with what the task reserved on its instance; the cluster code
// here only reads the task's status.
type taskRecord struct {
	Task ecsmodel.Task `json:"task"`
}
