package control

import (
	"maps"
	"slices"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/placement"
)

// instEntry is the index entry of one container instance.
type instEntry struct {
	// rev is the store revision of the instance record applied last.
	rev int64
	// base is the instance as placement sees it, without its usage.
	base placement.Instance
	// used sums the allocations the instance's tasks hold, including
	// launches not committed yet.
	used usage
	// running counts the committed tasks with desired status RUNNING and
	// pending those with last status PENDING (ECS's definitions of
	// runningTasksCount and pendingTasksCount).
	running, pending int32
}

// usage is the sum of allocations held on an instance. Ports and GPUs are
// counted, not flagged, so that a release always undoes its reserve even
// when the index was out of step (see applyTask).
type usage struct {
	cpu, mem int64
	tcp, udp map[uint16]int
	gpus     map[string]int
	groups   map[string]int
	n        int
}

func newUsage() usage {
	return usage{tcp: map[uint16]int{}, udp: map[uint16]int{}, gpus: map[string]int{}, groups: map[string]int{}}
}

// add counts an allocation in (sign 1) or out (sign -1).
func (u *usage) add(a *placement.Allocation, sign int) {
	u.cpu += int64(sign) * a.CPU
	u.mem += int64(sign) * a.Memory
	u.n += sign
	bump(u.groups, a.TaskGroup, sign)
	for _, p := range a.Ports {
		bump(u.tcp, p, sign)
	}
	for _, p := range a.PortsUDP {
		bump(u.udp, p, sign)
	}
	for _, g := range a.GPUIDs {
		bump(u.gpus, g, sign)
	}
}

func bump[K comparable](m map[K]int, k K, sign int) {
	if n := m[k] + sign; n > 0 {
		m[k] = n
	} else {
		delete(m, k)
	}
}

// placementInstance is the instance with its usage as placement.Upsert
// takes it. Usage is clamped to what is registered, so an instance that
// re-registered with less than its tasks hold shows nothing free rather
// than failing validation: remaining CPU and memory never go below zero,
// and ports now reserved or GPUs no longer registered are left out.
func (e *instEntry) placementInstance() placement.Instance {
	in := e.base
	reg := &in.Registered
	in.Usage = placement.Usage{
		RemainingCPU:    min(max(reg.CPU-e.used.cpu, 0), reg.CPU),
		RemainingMemory: min(max(reg.Memory-e.used.mem, 0), reg.Memory),
		RunningTasks:    e.used.n,
		TaskGroups:      maps.Clone(e.used.groups),
	}
	for p := range e.used.tcp {
		if !slices.Contains(reg.Ports, p) {
			in.Usage.Ports = append(in.Usage.Ports, p)
		}
	}
	for p := range e.used.udp {
		if !slices.Contains(reg.PortsUDP, p) {
			in.Usage.PortsUDP = append(in.Usage.PortsUDP, p)
		}
	}
	for g := range e.used.gpus {
		if slices.Contains(reg.GPUIDs, g) {
			in.Usage.GPUIDs = append(in.Usage.GPUIDs, g)
		}
	}
	return in
}

// applyInstance applies an instance record committed at rev, unless the
// entry already has a newer one.
func (cs *clusterState) applyInstance(rec *instanceRecord, rev int64) {
	e := cs.insts[rec.ID]
	if e != nil && rev <= e.rev {
		return
	}
	if e == nil {
		e = &instEntry{used: newUsage()}
		cs.insts[rec.ID] = e
	}
	if isLive(e.base.Status) {
		cs.live--
	}
	e.rev = rev
	e.base = toPlacementInstance(rec)
	if isLive(e.base.Status) {
		cs.live++
	}
	cs.upsert(rec.ID, e)
}

// upsert gives placement the instance with its current usage. It can only
// fail for an id that is not 32 hex characters, which berth never makes;
// such an instance stays out of placement.
func (cs *clusterState) upsert(id string, e *instEntry) {
	if err := cs.place.Upsert(e.placementInstance()); err != nil {
		cs.place.Remove(id)
	}
}

// hold counts an allocation on an instance and reserves it in placement
// (Place and PlaceOn reserve themselves; then reserved is true). If
// placement refuses it (the index was rebuilt from tasks that no longer
// fit, e.g. after a re-registration with less memory), the instance is
// upserted with the clamped usage instead.
func (cs *clusterState) hold(id string, a *placement.Allocation, reserved bool) bool {
	e := cs.insts[id]
	if e == nil {
		return false
	}
	e.used.add(a, 1)
	if !reserved {
		if err := cs.place.Reserve(id, *a); err != nil {
			cs.upsert(id, e)
		}
	}
	return true
}

// release gives back an allocation held on an instance.
func (cs *clusterState) release(id string, a *placement.Allocation) {
	e := cs.insts[id]
	if e == nil {
		return
	}
	e.used.add(a, -1)
	if err := cs.place.Release(id, *a); err != nil {
		cs.upsert(id, e)
	}
}

// instUse is what the index says about an instance's tasks, for views.
type instUse struct {
	cpu, mem         int64 // used
	tcp, udp         []int32
	gpus             []string // held
	running, pending int32
	groups           []string
}

// instanceUse reads the usage of an instance; zero for an unknown one.
func (s *Service) instanceUse(cluster, id string) instUse {
	cs := s.state(cluster)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	e := cs.insts[id]
	if e == nil {
		return instUse{}
	}
	u := instUse{cpu: e.used.cpu, mem: e.used.mem, running: e.running, pending: e.pending}
	for p := range e.used.tcp {
		u.tcp = append(u.tcp, int32(p))
	}
	for p := range e.used.udp {
		u.udp = append(u.udp, int32(p))
	}
	u.gpus = slices.Collect(maps.Keys(e.used.gpus))
	u.groups = slices.Sorted(maps.Keys(e.used.groups))
	return u
}

// toPlacementInstance converts an instance record.
func toPlacementInstance(rec *instanceRecord) placement.Instance {
	ci := &rec.Instance
	c := capacityOf(ci.RegisteredResources)
	in := placement.Instance{
		ID:               rec.ID,
		ARN:              ci.ContainerInstanceArn,
		Status:           ci.Status,
		AgentConnected:   ci.AgentConnected,
		EC2InstanceID:    ci.Ec2InstanceId,
		RegisteredAt:     ci.RegisteredAt.Time,
		CapacityProvider: ci.CapacityProviderName,
		Attributes:       make(map[string]string, len(ci.Attributes)),
		Registered: placement.Resources{
			CPU: c.cpu, Memory: c.memory,
			Ports: toPorts(c.tcp), PortsUDP: toPorts(c.udp),
			GPUIDs: slices.Clone(c.gpus),
		},
	}
	if ci.VersionInfo != nil {
		in.AgentVersion = ci.VersionInfo.AgentVersion
	}
	for _, a := range ci.Attributes {
		in.Attributes[a.Name] = a.Value
	}
	return in
}

func toPorts(ps []int32) []uint16 {
	out := make([]uint16, len(ps))
	for i, p := range ps {
		out[i] = uint16(p)
	}
	return out
}

// isLive reports whether an instance status counts as registered: ACTIVE
// or DRAINING.
func isLive(status string) bool {
	return status == ecs.InstanceActive || status == ecs.InstanceDraining
}

// liveInstances counts the cluster's ACTIVE and DRAINING instances.
func (cs *clusterState) liveInstances() int { return cs.live }
