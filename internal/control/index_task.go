package control

import (
	"strings"
	"time"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/placement"
)

// Task statuses as strings.
var (
	statusPending = ecs.StatusPending.String()
	statusRunning = ecs.StatusRunning.String()
	statusStopped = ecs.StatusStopped.String()
)

// taskEntry is the index entry of one task: what ListTasks filters on, what
// the counters count, and the allocation the task holds. The functions of
// this file are the only ones that may add, drop or commit an entry or
// change its desired status or instance: they keep the cluster's lists
// (clusterState.listed) in step.
type taskEntry struct {
	id string
	// rev is the store revision of the task record applied last; 0 while
	// the launch that created the entry has not committed.
	rev       int64
	committed bool

	instanceID                         string
	family, startedBy, group, service  string
	launchType, provider               string
	desired, last                      string
	createdAt, stoppingAt, stoppedTime time.Time

	// held is the allocation the task holds on its instance; nil once it
	// has been given back (desired status STOPPED) or when the instance is
	// unknown.
	held *placement.Allocation
}

// live reports whether the task has not stopped yet.
func (e *taskEntry) live() bool {
	return e.last != statusStopped && e.last != ecs.StatusDeleted.String()
}

// stoppedSince is when the task stopped, for the janitor: stoppedAt, or
// when the stop was asked for, or when the task was created.
func (e *taskEntry) stoppedSince() time.Time {
	for _, t := range []time.Time{e.stoppedTime, e.stoppingAt} {
		if !t.IsZero() {
			return t
		}
	}
	return e.createdAt
}

// summarize copies what the entry keeps of a task (its summary).
func (e *taskEntry) summarize(sum *taskSummary) {
	e.instanceID = sum.instanceID
	e.family, e.startedBy, e.group, e.service = sum.family, sum.startedBy, sum.group, sum.service
	e.launchType, e.provider = sum.launchType, sum.provider
	e.desired, e.last = sum.desired, sum.last
	e.createdAt, e.stoppingAt, e.stoppedTime = sum.createdAt, sum.stoppingAt, sum.stoppedAt
}

// applyTask applies the summary of a task record committed at rev. A new
// entry (the task was loaded, not launched by this process) reserves the
// task's allocation if its desired status is RUNNING; an existing one gives
// its allocation back once the desired status is no longer RUNNING.
// Records older than the entry are ignored.
func (cs *clusterState) applyTask(sum *taskSummary, rev int64) {
	e := cs.tasks[sum.id]
	switch {
	case e != nil && e.committed && rev <= e.rev:
		return
	case e == nil:
		id := strings.Clone(sum.id) // not the key or ARN it may be part of
		e = &taskEntry{id: id}
		cs.tasks[id] = e
		if sum.desired == statusRunning {
			a := sum.alloc.allocation()
			if cs.hold(sum.instanceID, &a, false) {
				e.held = &a
			}
		}
	default:
		cs.count(e, -1)
	}
	listed, desired, instanceID := e.committed, e.desired, e.instanceID
	e.summarize(sum)
	e.rev, e.committed = rev, true
	cs.listed.update(e, listed, desired, instanceID)
	if e.held != nil && e.desired != statusRunning {
		cs.release(e.instanceID, e.held)
		e.held = nil
	}
	cs.count(e, 1)
}

// applyRecord applies a task record committed at rev (see applyTask).
func (cs *clusterState) applyRecord(rec *taskRecord, rev int64) {
	sum := summaryOf(rec)
	cs.applyTask(&sum, rev)
}

// count adds (sign 1) or removes (sign -1) a committed task's contribution
// to its instance's counters.
func (cs *clusterState) count(e *taskEntry, sign int32) {
	if e.committed {
		cs.insts[e.instanceID].countTask(e, sign)
	}
}

// countTask adds (sign 1) or removes (sign -1) a committed task's
// contribution to the counters of its instance, inst (nil for an unknown
// one: nothing to count).
func (inst *instEntry) countTask(e *taskEntry, sign int32) {
	if inst == nil {
		return
	}
	if e.desired == statusRunning {
		inst.running += sign
	}
	if e.last == statusPending {
		inst.pending += sign
	}
}

// taskLoad adds a cluster's loaded tasks to its index in bulk, as New
// loads them (index_load.go): the index it builds is the one applyTask
// builds from the same summaries in the same order, but the work that can
// wait is done once at the end (finish): the task map is made at its
// final size, the lists are built whole (listsBuilder), and each instance
// goes to placement once with what its tasks hold, instead of a Reserve
// per task. The cluster must have no task entries when the load starts.
type taskLoad struct {
	cs *clusterState
	// slots numbers the instance ids met; insts is indexed by slot.
	slots map[string]int32
	insts []loadInst
	lists listsBuilder
}

// loadInst is an instance the loaded tasks name.
type loadInst struct {
	id    string
	entry *instEntry // nil when the cluster has no such instance
	held  bool       // a loaded task holds an allocation on it
}

func newTaskLoad(cs *clusterState) *taskLoad {
	return &taskLoad{cs: cs, slots: make(map[string]int32, len(cs.insts))}
}

// add adds the entry of a loaded task, whose id sorts after those added
// before. e is committed at its summary's revision and holds (e.held) its
// allocation when its desired status is RUNNING; add drops that when the
// instance is unknown, as applyTask does.
func (tl *taskLoad) add(e *taskEntry) {
	slot := int32(-1)
	var inst *instEntry
	if e.instanceID != "" {
		slot = tl.slot(e.instanceID)
		inst = tl.insts[slot].entry
	}
	if e.held != nil {
		if inst == nil {
			e.held = nil
		} else {
			inst.used.add(e.held, 1)
			tl.insts[slot].held = true
		}
	}
	inst.countTask(e, 1)
	tl.lists.add(e, slot)
}

// slot returns the number of an instance id, numbering it if new.
func (tl *taskLoad) slot(id string) int32 {
	if n, ok := tl.slots[id]; ok {
		return n
	}
	n := int32(len(tl.insts))
	tl.slots[id] = n
	tl.insts = append(tl.insts, loadInst{id: id, entry: tl.cs.insts[id]})
	return n
}

// finish puts the added entries in the cluster's index.
func (tl *taskLoad) finish() {
	cs := tl.cs
	cs.tasks = make(map[string]*taskEntry, len(tl.lists.entries))
	for _, e := range tl.lists.entries {
		cs.tasks[e.id] = e
	}
	cs.listed = tl.lists.build()
	for _, in := range tl.insts {
		if in.held {
			cs.upsert(in.id, in.entry)
		}
	}
}

// launchEntry registers the uncommitted entry of a task being launched,
// holding the allocation Place or PlaceOn reserved.
func (cs *clusterState) launchEntry(e *taskEntry, a placement.Allocation) {
	if cs.hold(e.instanceID, &a, true) {
		e.held = &a
	}
	cs.tasks[e.id] = e
}

// abandon drops the entry of a launch whose commit failed and releases
// what it held.
func (cs *clusterState) abandon(id string) {
	e := cs.tasks[id]
	if e == nil || e.committed {
		return
	}
	if e.held != nil {
		cs.release(e.instanceID, e.held)
	}
	delete(cs.tasks, id)
}

// commitLaunch marks the entries of a launch committed at rev, unless a
// later change reached them first.
func (cs *clusterState) commitLaunch(ids []string, rev int64) {
	for _, id := range ids {
		if e := cs.tasks[id]; e != nil && !e.committed {
			e.rev, e.committed = rev, true
			cs.count(e, 1)
			cs.listed.add(e)
		}
	}
}

// removeTask drops the entry of a task deleted at rev (by the janitor).
func (cs *clusterState) removeTask(id string, rev int64) {
	e := cs.tasks[id]
	if e == nil || rev < e.rev {
		return
	}
	cs.count(e, -1)
	if e.held != nil {
		cs.release(e.instanceID, e.held)
	}
	if e.committed {
		cs.listed.remove(id, e.desired, e.instanceID)
	}
	delete(cs.tasks, id)
}

// allocation converts the stored form.
func (a taskAlloc) allocation() placement.Allocation {
	return placement.Allocation{TaskGroup: a.Group, CPU: a.CPU, Memory: a.Memory, Ports: a.Ports, PortsUDP: a.PortsUDP, GPUIDs: a.GPUIDs}
}

// storedAlloc converts to the stored form.
func storedAlloc(a placement.Allocation) taskAlloc {
	return taskAlloc{Group: a.TaskGroup, CPU: a.CPU, Memory: a.Memory, Ports: a.Ports, PortsUDP: a.PortsUDP, GPUIDs: a.GPUIDs}
}
