package expr

import (
	"iter"
	"time"
)

// Target is what an expression is evaluated against: one container
// instance. Implementations must return consistent answers for the duration
// of one Eval call.
type Target interface {
	// Attribute returns the value of the named attribute and whether the
	// instance has it. Name-only attributes (capabilities) have value "".
	Attribute(name string) (value string, ok bool)
	// AgentConnected reports whether the instance's agent is connected.
	AgentConnected() bool
	// AgentVersion is the agent's version, e.g. "1.86.3"; "" when unknown.
	AgentVersion() string
	// EC2InstanceID is the EC2 instance id; "" for external instances.
	EC2InstanceID() string
	// RegisteredAt is when the instance registered.
	RegisteredAt() time.Time
	// RunningTasksCount is the number of tasks with desired status RUNNING.
	RunningTasksCount() int
	// HasTaskGroup reports whether the instance runs a task of the group.
	HasTaskGroup(group string) bool
	// TaskGroups yields each distinct group of the instance's tasks once.
	TaskGroups() iter.Seq[string]
}
