package control

import (
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/placement/expr"
)

// instanceTarget presents a described container instance to the cluster
// query language (ListContainerInstances filter, memberOf constraints).
type instanceTarget struct {
	ci *ecsmodel.ContainerInstance
	// groups are the task groups of the tasks on the instance, for
	// task:group (from the index; see instanceUse).
	groups []string
}

var _ expr.Target = instanceTarget{}

// Attribute returns the value of a named attribute; attributes are kept
// sorted by name.
func (t instanceTarget) Attribute(name string) (string, bool) {
	i, ok := slices.BinarySearchFunc(t.ci.Attributes, name, func(a ecsmodel.Attribute, n string) int {
		return strings.Compare(a.Name, n)
	})
	if !ok {
		return "", false
	}
	return t.ci.Attributes[i].Value, true
}

// AgentConnected reports the instance's agent connection.
func (t instanceTarget) AgentConnected() bool { return t.ci.AgentConnected }

// AgentVersion is the agent version the instance registered with.
func (t instanceTarget) AgentVersion() string {
	if t.ci.VersionInfo == nil {
		return ""
	}
	return t.ci.VersionInfo.AgentVersion
}

// EC2InstanceID is the instance's EC2 id.
func (t instanceTarget) EC2InstanceID() string { return t.ci.Ec2InstanceId }

// RegisteredAt is when the instance registered.
func (t instanceTarget) RegisteredAt() time.Time { return t.ci.RegisteredAt.Time }

// RunningTasksCount counts the instance's tasks with desired status RUNNING.
func (t instanceTarget) RunningTasksCount() int { return int(t.ci.RunningTasksCount) }

// HasTaskGroup reports whether a task of group runs on the instance.
func (t instanceTarget) HasTaskGroup(group string) bool { return slices.Contains(t.groups, group) }

// TaskGroups yields the distinct task groups on the instance.
func (t instanceTarget) TaskGroups() iter.Seq[string] { return slices.Values(t.groups) }
