package control

import (
	"time"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// clusterRecord is stored at /clusters/<name>. The counters of the Cluster
// shape (registered instances, running and pending tasks, services) are zero
// here and computed from the cluster's in-memory index when a cluster is
// described; its tags live under /tags/cluster/<name>.
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

// instanceRecord is a container instance, stored at
// /instances/<cluster>/<id>. Instance holds the description and state
// fields (containerInstanceArn, ec2InstanceId, capacityProviderName,
// attributes, registeredResources, registeredAt, versionInfo, status,
// agentConnected, version). remainingResources and the task counters are
// left empty: they are derived from the tasks, through the cluster's
// in-memory index, when the instance is described.
type instanceRecord struct {
	Cluster  string                     `json:"cluster"`
	ID       string                     `json:"id"`
	Instance ecsmodel.ContainerInstance `json:"instance"`
	// Custom names the attributes set through PutAttributes: the custom
	// attributes that count toward the limit of 10 per resource.
	// Attributes registered by the agent or derived by berth do not count.
	Custom []string `json:"custom,omitempty"`
}

// ec2IDRecord is stored at /ec2ids/<cluster>/<ec2-instance-id>.
type ec2IDRecord struct {
	ID string `json:"id"`
}

// tagsRecord is stored at /tags/<type>/<resource>.
type tagsRecord struct {
	Tags []ecsmodel.Tag `json:"tags"`
}

// taskRecord is stored at /tasks/<cluster>/<id>: the Task shape as
// DescribeTasks returns it (without tags, which live under
// /tags/task/<cluster>/<id>), and what berth keeps about the task besides.
type taskRecord struct {
	Task ecsmodel.Task `json:"task"`
	// InstanceID is the container instance the task was placed on.
	InstanceID string `json:"instanceId"`
	// Family and Revision name the task definition.
	Family   string `json:"family"`
	Revision int32  `json:"revision"`
	// ServiceName is the service that started the task; "" for RunTask
	// and StartTask.
	ServiceName string `json:"serviceName,omitempty"`
	// Alloc is what the task reserved on its instance. It is held while
	// the desired status is RUNNING; the index gives it back as soon as
	// the desired status becomes STOPPED.
	Alloc taskAlloc `json:"alloc"`
	// HostPorts are the host ports placement assigned, one per port
	// mapping of each container, for the agent and for networkBindings.
	HostPorts []hostPortAssignment `json:"hostPorts,omitempty"`
	// ReferenceID, NetworkConfiguration and VolumeConfigurations are kept
	// as the request gave them; the Task shape has no members for them.
	ReferenceID          string                             `json:"referenceId,omitempty"`
	NetworkConfiguration *ecsmodel.NetworkConfiguration     `json:"networkConfiguration,omitempty"`
	VolumeConfigurations []ecsmodel.TaskVolumeConfiguration `json:"volumeConfigurations,omitempty"`
}

// taskAlloc is the stored form of a placement.Allocation.
type taskAlloc struct {
	Group    string   `json:"group"`
	CPU      int64    `json:"cpu"`
	Memory   int64    `json:"memory"`
	Ports    []uint16 `json:"ports,omitempty"`
	PortsUDP []uint16 `json:"portsUdp,omitempty"`
	GPUIDs   []string `json:"gpuIds,omitempty"`
}

// hostPortAssignment binds one port mapping of a container to a host port.
// For awsvpc tasks HostPort is the container port, not reserved on the
// instance (the task has its own network interface); for network mode none
// it is 0.
type hostPortAssignment struct {
	Container     string                     `json:"container"`
	ContainerPort int32                      `json:"containerPort"`
	HostPort      int32                      `json:"hostPort"`
	Protocol      ecsmodel.TransportProtocol `json:"protocol"`
}

// tokenRecord is stored at /tokens/<cluster>/<escaped token>: the outcome
// of the RunTask call that first used a clientToken.
type tokenRecord struct {
	// Hash identifies the request (see requestHash).
	Hash string `json:"hash"`
	// TaskARNs are the tasks the call created, Failures its failures.
	TaskARNs []string           `json:"taskArns"`
	Failures []ecsmodel.Failure `json:"failures,omitempty"`
	// ExpiresAt is when the token may be used for a new request.
	ExpiresAt time.Time `json:"expiresAt"`
}

// capacityProviderRecord is stored at /capacity-providers/<name>; its tags
// live under /tags/capacity-provider/<name>.
type capacityProviderRecord struct {
	Provider ecsmodel.CapacityProvider `json:"capacityProvider"`
	// Clusters are the clusters the provider is associated with
	// (PutClusterCapacityProviders, CreateCluster), sorted. Every change of
	// a cluster's providers rewrites the records of the providers it adds
	// or removes, so DeleteCapacityProvider's read of this record is a
	// condition that a concurrent association breaks.
	Clusters []string `json:"clusters,omitempty"`
}
