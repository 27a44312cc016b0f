package placement

import (
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/berth-io/berth/internal/placement/expr"
)

// resource names a binpack dimension.
type resource uint8

const (
	resCPU resource = iota
	resMemory
)

// node is the engine's mutable record of one instance.
type node struct {
	id, arn, status, provider string
	connected                 bool
	agentVersion, ec2ID       string
	registeredAt              time.Time
	attrs                     map[string]string

	regCPU, regMem int64
	remCPU, remMem int64
	ports          [2]portState // indexed by protoTCP, protoUDP
	gpus           []string     // registered GPU ids, sorted
	usedGPU        map[string]struct{}
	running        int
	groups         map[string]int // task count per group; no zero entries

	pools   []*pool // the pools the node is in (ACTIVE nodes only)
	pos     []int32 // position in the denseSet of each slot
	memo    []uint8 // memberOf results per memo id: 0 unknown, 1 true, 2 false
	memoGen uint32
}

var _ expr.Target = (*node)(nil)

// newNode builds a node from a validated Instance.
func newNode(in *Instance) *node {
	n := &node{
		id: in.ID, arn: in.ARN, status: in.Status, provider: in.CapacityProvider,
		connected: in.AgentConnected, agentVersion: in.AgentVersion, ec2ID: in.EC2InstanceID,
		registeredAt: in.RegisteredAt, attrs: maps.Clone(in.Attributes),
		regCPU: in.Registered.CPU, regMem: in.Registered.Memory,
		remCPU: in.Usage.RemainingCPU, remMem: in.Usage.RemainingMemory,
		gpus:    slices.Sorted(slices.Values(in.Registered.GPUIDs)),
		usedGPU: make(map[string]struct{}, len(in.Usage.GPUIDs)),
		running: in.Usage.RunningTasks, groups: cloneGroups(in.Usage.TaskGroups),
	}
	if n.attrs == nil {
		n.attrs = map[string]string{}
	}
	n.ports[protoTCP] = newPortState(in.Registered.Ports, in.Usage.Ports)
	n.ports[protoUDP] = newPortState(in.Registered.PortsUDP, in.Usage.PortsUDP)
	for _, id := range in.Usage.GPUIDs {
		n.usedGPU[id] = struct{}{}
	}
	return n
}

// rem returns the remaining amount of a resource.
func (n *node) rem(r resource) int64 {
	if r == resCPU {
		return n.remCPU
	}
	return n.remMem
}

// attr returns an attribute's value, "" when absent.
func (n *node) attr(name string) string { return n.attrs[name] }

// freeGPUs is the number of registered GPUs no task holds.
func (n *node) freeGPUs() int { return len(n.gpus) - len(n.usedGPU) }

// setPos records the node's position in the set of a slot.
func (n *node) setPos(slot int, i int) {
	if slot >= len(n.pos) {
		n.pos = append(n.pos, make([]int32, slot+1-len(n.pos))...)
	}
	n.pos[slot] = int32(i)
}

// Attribute implements expr.Target.
func (n *node) Attribute(name string) (string, bool) {
	v, ok := n.attrs[name]
	return v, ok
}

// AgentConnected implements expr.Target.
func (n *node) AgentConnected() bool { return n.connected }

// AgentVersion implements expr.Target.
func (n *node) AgentVersion() string { return n.agentVersion }

// EC2InstanceID implements expr.Target.
func (n *node) EC2InstanceID() string { return n.ec2ID }

// RegisteredAt implements expr.Target.
func (n *node) RegisteredAt() time.Time { return n.registeredAt }

// RunningTasksCount implements expr.Target.
func (n *node) RunningTasksCount() int { return n.running }

// HasTaskGroup implements expr.Target.
func (n *node) HasTaskGroup(group string) bool { return n.groups[group] > 0 }

// TaskGroups implements expr.Target.
func (n *node) TaskGroups() iter.Seq[string] { return maps.Keys(n.groups) }
