package placement

import (
	"fmt"
	"iter"
	"time"

	"github.com/berth-io/berth/internal/placement/expr"
)

// StatusActive is the only container instance status that receives tasks.
// Any other status (DRAINING, INACTIVE, REGISTERING, ...) keeps an instance
// out of Place and makes PlaceOn report ReasonInactive.
const StatusActive = "ACTIVE"

// Instance is a container instance as the control plane knows it: identity,
// registered resources and the current allocations of its tasks. It is a
// plain value; Upsert copies what it needs.
type Instance struct {
	// ID is the 32-character lower-case hex container instance id. Required.
	ID string
	// ARN is the container instance ARN, reported in failures.
	ARN string
	// Status is ACTIVE, DRAINING, INACTIVE, ...
	Status string
	// AgentConnected reports whether the agent is connected.
	AgentConnected bool
	// AgentVersion is the agent version, e.g. "1.86.3".
	AgentVersion string
	// EC2InstanceID is the EC2 instance id; "" for external instances.
	EC2InstanceID string
	// RegisteredAt is when the instance registered.
	RegisteredAt time.Time
	// CapacityProvider names the instance's capacity provider; "" for none.
	CapacityProvider string
	// Attributes maps attribute names to values; name-only attributes
	// (capabilities) have the value "".
	Attributes map[string]string
	// Registered is what the agent registered.
	Registered Resources
	// Usage is what the instance's tasks hold now.
	Usage Usage
}

// Resources are the resources an instance registers.
type Resources struct {
	// CPU in CPU units (1024 per vCPU) and Memory in MiB.
	CPU, Memory int64
	// Ports and PortsUDP are the reserved host ports no task may use.
	Ports, PortsUDP []uint16
	// GPUIDs are the ids of the instance's GPUs.
	GPUIDs []string
}

// Usage is the sum of an instance's task allocations.
type Usage struct {
	// RemainingCPU and RemainingMemory are registered minus allocated;
	// each must be within [0, registered].
	RemainingCPU, RemainingMemory int64
	// Ports and PortsUDP are the host ports tasks hold (static and dynamic),
	// not including the reserved ones.
	Ports, PortsUDP []uint16
	// GPUIDs are the GPUs tasks hold.
	GPUIDs []string
	// RunningTasks is the number of tasks with desired status RUNNING.
	RunningTasks int
	// TaskGroups counts the instance's tasks per task group.
	TaskGroups map[string]int
}

// Target returns a view of the instance for evaluating cluster query
// expressions, e.g. a ListContainerInstances filter.
func (in *Instance) Target() expr.Target { return instanceTarget{in} }

// instanceTarget adapts *Instance to expr.Target.
type instanceTarget struct{ in *Instance }

func (t instanceTarget) Attribute(name string) (string, bool) {
	v, ok := t.in.Attributes[name]
	return v, ok
}
func (t instanceTarget) AgentConnected() bool           { return t.in.AgentConnected }
func (t instanceTarget) AgentVersion() string           { return t.in.AgentVersion }
func (t instanceTarget) EC2InstanceID() string          { return t.in.EC2InstanceID }
func (t instanceTarget) RegisteredAt() time.Time        { return t.in.RegisteredAt }
func (t instanceTarget) RunningTasksCount() int         { return t.in.Usage.RunningTasks }
func (t instanceTarget) HasTaskGroup(group string) bool { return t.in.Usage.TaskGroups[group] > 0 }
func (t instanceTarget) TaskGroups() iter.Seq[string] {
	return func(yield func(string) bool) {
		for g, n := range t.in.Usage.TaskGroups {
			if n > 0 && !yield(g) {
				return
			}
		}
	}
}

// validate checks the instance's internal consistency.
func (in *Instance) validate() error {
	if !isInstanceID(in.ID) {
		return fmt.Errorf("%w: id %q is not 32 lower-case hex characters", ErrInvalid, in.ID)
	}
	r, u := &in.Registered, &in.Usage
	switch {
	case r.CPU < 0 || r.Memory < 0:
		return fmt.Errorf("%w: negative registered resources", ErrInvalid)
	case u.RemainingCPU < 0 || u.RemainingCPU > r.CPU:
		return fmt.Errorf("%w: remaining CPU %d outside [0, %d]", ErrInvalid, u.RemainingCPU, r.CPU)
	case u.RemainingMemory < 0 || u.RemainingMemory > r.Memory:
		return fmt.Errorf("%w: remaining memory %d outside [0, %d]", ErrInvalid, u.RemainingMemory, r.Memory)
	case u.RunningTasks < 0:
		return fmt.Errorf("%w: negative running task count", ErrInvalid)
	}
	for g, n := range u.TaskGroups {
		if n < 0 {
			return fmt.Errorf("%w: negative task count for group %q", ErrInvalid, g)
		}
	}
	for proto, held := range [][]uint16{u.Ports, u.PortsUDP} {
		reserved := [][]uint16{r.Ports, r.PortsUDP}[proto]
		for i, p := range held {
			if containsPort(reserved, p) || containsPort(held[:i], p) {
				return fmt.Errorf("%w: host port %d/%s held twice or reserved", ErrInvalid, p, protoNames[proto])
			}
		}
	}
	for i, id := range u.GPUIDs {
		if !contains(r.GPUIDs, id) || contains(u.GPUIDs[:i], id) {
			return fmt.Errorf("%w: GPU %q not registered or held twice", ErrInvalid, id)
		}
	}
	return nil
}

func isInstanceID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func containsPort(ps []uint16, p uint16) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

func contains(ss []string, s string) bool {
	for _, t := range ss {
		if t == s {
			return true
		}
	}
	return false
}

// cloneGroups copies the positive task-group counts.
func cloneGroups(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for g, n := range m {
		if n > 0 {
			out[g] = n
		}
	}
	return out
}
