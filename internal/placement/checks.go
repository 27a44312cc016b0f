package placement

import "github.com/berth-io/berth/internal/placement/expr"

// stage is a feasibility check's place in the pipeline; a later stage is
// "closer" to success when choosing the instance a failure names.
type stage uint8

const (
	stageAgent stage = iota
	stageAttribute
	stageCPU
	stageMemory
	stageGPU
	stagePorts
	stagePortsUDP
	stageDistinct
	stageMemberOf
	numStages
)

// stageReasons gives each stage's failure reason.
var stageReasons = [numStages]Reason{
	ReasonAgent, ReasonAttribute, ReasonCPU, ReasonMemory, ReasonGPU,
	ReasonPorts, ReasonPortsUDP, ReasonDistinctInstance, ReasonMemberOf,
}

// checker is one feasibility check. Feasible must not change the node.
type checker interface {
	// Name is a short name for logs and tests.
	Name() string
	// Feasible reports whether the node passes, and the reason when not.
	Feasible(n *node) (ok bool, reason Reason)
	// stage is the check's pipeline position.
	stage() stage
	// closeness says how near a node that failed this check came to
	// passing; larger is nearer.
	closeness(n *node) int64
}

// agentCheck rejects nodes whose agent is disconnected.
type agentCheck struct{}

func (agentCheck) Name() string { return "agent" }
func (agentCheck) Feasible(n *node) (bool, Reason) {
	if n.connected {
		return true, ""
	}
	return false, ReasonAgent
}
func (agentCheck) stage() stage          { return stageAgent }
func (agentCheck) closeness(*node) int64 { return 0 }

// attributeCheck requires attributes (and values, when given).
type attributeCheck struct{ attrs []Attribute }

func (attributeCheck) Name() string { return "attribute" }
func (c attributeCheck) Feasible(n *node) (bool, Reason) {
	if c.closeness(n) == int64(len(c.attrs)) {
		return true, ""
	}
	return false, ReasonAttribute
}
func (attributeCheck) stage() stage { return stageAttribute }

// closeness is the number of required attributes the node has.
func (c attributeCheck) closeness(n *node) int64 {
	var have int64
	for _, a := range c.attrs {
		if v, ok := n.attrs[a.Name]; ok && (a.Value == "" || v == a.Value) {
			have++
		}
	}
	return have
}

// cpuCheck requires remaining CPU.
type cpuCheck struct{ need int64 }

func (cpuCheck) Name() string { return "cpu" }
func (c cpuCheck) Feasible(n *node) (bool, Reason) {
	if n.remCPU >= c.need {
		return true, ""
	}
	return false, ReasonCPU
}
func (cpuCheck) stage() stage            { return stageCPU }
func (cpuCheck) closeness(n *node) int64 { return n.remCPU }

// memoryCheck requires remaining memory.
type memoryCheck struct{ need int64 }

func (memoryCheck) Name() string { return "memory" }
func (c memoryCheck) Feasible(n *node) (bool, Reason) {
	if n.remMem >= c.need {
		return true, ""
	}
	return false, ReasonMemory
}
func (memoryCheck) stage() stage            { return stageMemory }
func (memoryCheck) closeness(n *node) int64 { return n.remMem }

// gpuCheck requires free GPUs.
type gpuCheck struct{ need int }

func (gpuCheck) Name() string { return "gpu" }
func (c gpuCheck) Feasible(n *node) (bool, Reason) {
	if n.freeGPUs() >= c.need {
		return true, ""
	}
	return false, ReasonGPU
}
func (gpuCheck) stage() stage            { return stageGPU }
func (gpuCheck) closeness(n *node) int64 { return int64(n.freeGPUs()) }

// portsCheck requires the static host ports to be free and enough free
// ephemeral ports for the dynamic ones, for one protocol.
type portsCheck struct {
	proto   int
	static  []uint16
	dynamic int
}

func (c portsCheck) Name() string { return "ports-" + protoNames[c.proto] }
func (c portsCheck) Feasible(n *node) (bool, Reason) {
	if c.closeness(n) == int64(len(c.static)+c.dynamic) {
		return true, ""
	}
	if c.proto == protoUDP {
		return false, ReasonPortsUDP
	}
	return false, ReasonPorts
}
func (c portsCheck) stage() stage {
	if c.proto == protoUDP {
		return stagePortsUDP
	}
	return stagePorts
}

// closeness is how many of the task's ports the node could give it.
func (c portsCheck) closeness(n *node) int64 {
	s := &n.ports[c.proto]
	free, eph := 0, 0
	for _, p := range c.static {
		if !s.busy(p) {
			free++
			eph += isEphemeral(p)
		}
	}
	return int64(free + max(0, min(c.dynamic, s.freeEphemeral()-eph)))
}

// distinctCheck rejects nodes that already run a task of the group.
type distinctCheck struct{ group string }

func (distinctCheck) Name() string { return "distinct-instance" }
func (c distinctCheck) Feasible(n *node) (bool, Reason) {
	if n.groups[c.group] == 0 {
		return true, ""
	}
	return false, ReasonDistinctInstance
}
func (distinctCheck) stage() stage              { return stageDistinct }
func (c distinctCheck) closeness(n *node) int64 { return -int64(n.groups[c.group]) }

// memberOfCheck requires every memberOf expression to hold.
type memberOfCheck struct {
	exprs []*expr.Expr
	ids   []int // memo ids, -1 for uncached
	memo  *memoTable
}

func (memberOfCheck) Name() string { return "member-of" }
func (c memberOfCheck) Feasible(n *node) (bool, Reason) {
	for i, e := range c.exprs {
		if !c.memo.eval(n, e, c.ids[i]) {
			return false, ReasonMemberOf
		}
	}
	return true, ""
}
func (memberOfCheck) stage() stage { return stageMemberOf }

// closeness is the number of expressions that hold.
func (c memberOfCheck) closeness(n *node) int64 {
	var ok int64
	for i, e := range c.exprs {
		if c.memo.eval(n, e, c.ids[i]) {
			ok++
		}
	}
	return ok
}

// buildChecks returns the checks a demand needs, cheapest first; with
// constraints false only the resource and attribute checks (PlaceOn).
func buildChecks(d *Demand, memo *memoTable, constraints bool) []checker {
	checks := []checker{agentCheck{}}
	if len(d.RequiredAttributes) > 0 {
		checks = append(checks, attributeCheck{d.RequiredAttributes})
	}
	if d.CPU > 0 {
		checks = append(checks, cpuCheck{d.CPU})
	}
	if d.Memory > 0 {
		checks = append(checks, memoryCheck{d.Memory})
	}
	if d.GPUs > 0 {
		checks = append(checks, gpuCheck{d.GPUs})
	}
	var ports [2]portsCheck
	for _, m := range d.Ports {
		pc := &ports[protoIndex(m.Protocol)]
		if m.HostPort == 0 {
			pc.dynamic++
		} else {
			pc.static = append(pc.static, m.HostPort)
		}
	}
	for proto := range ports {
		if pc := ports[proto]; len(pc.static)+pc.dynamic > 0 {
			pc.proto = proto
			checks = append(checks, pc)
		}
	}
	if !constraints {
		return checks
	}
	mc := memberOfCheck{memo: memo}
	distinct := false
	for _, c := range d.Constraints {
		switch {
		case c.Type == DistinctInstance:
			distinct = true
		case c.Type == MemberOf && c.Expr != nil:
			mc.exprs = append(mc.exprs, c.Expr)
		}
	}
	// Numbering can restart the memo table half way, which invalidates the
	// ids taken before; a second pass then fits without restarting.
	for range 2 {
		gen := memo.gen
		mc.ids = mc.ids[:0]
		for _, e := range mc.exprs {
			mc.ids = append(mc.ids, memo.id(e))
		}
		if memo.gen == gen {
			break
		}
	}
	if distinct {
		checks = append(checks, distinctCheck{d.Group})
	}
	if len(mc.exprs) > 0 {
		checks = append(checks, mc)
	}
	return checks
}
