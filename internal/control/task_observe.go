package control

import (
	"context"
	"slices"
	"sync"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// TaskChangeCause says what changed a task.
type TaskChangeCause string

// Causes of task changes.
const (
	// CauseLaunched: RunTask or StartTask created the task.
	CauseLaunched TaskChangeCause = "Launched"
	// CauseStopRequested: StopTask set its desired status to STOPPED.
	CauseStopRequested TaskChangeCause = "StopRequested"
	// CauseStateReported: ApplyTaskStateChange recorded what the agent
	// reported.
	CauseStateReported TaskChangeCause = "StateReported"
	// CauseInstanceGone: its container instance was deregistered (or was
	// found deregistered by the janitor) and the task was marked STOPPED.
	CauseInstanceGone TaskChangeCause = "InstanceGone"
)

// TaskChange is one committed change of a task, as observers receive it.
type TaskChange struct {
	Cause TaskChangeCause
	// Cluster is the cluster name; ContainerInstanceArn the task's
	// instance.
	Cluster              string
	ContainerInstanceArn string
	// Task is the task as stored after the change (without tags).
	Task ecsmodel.Task
	// Family and Revision name its task definition.
	Family   string
	Revision int32
	// HostPorts are the host ports placement assigned, per container and
	// port mapping (see hostPortAssignment in records.go). The overrides
	// are in Task.Overrides and the GPU ids in Task.Containers[].GpuIds.
	HostPorts []HostPort
}

// HostPort is a host port assignment of one port mapping of a container.
type HostPort struct {
	Container     string
	ContainerPort int32
	HostPort      int32
	Protocol      ecsmodel.TransportProtocol
}

// observers holds the registered observer functions.
type observers struct {
	mu  sync.RWMutex
	fns map[int]func([]TaskChange)
	seq int
}

// ObserveTasks registers fn to be called after every committed change of
// tasks: RunTask and StartTask (the tasks launched), StopTask, task state
// changes applied with ApplyTaskStateChange and tasks stopped because
// their instance was deregistered. fn runs synchronously on the goroutine
// that made the change, after the commit and the index update, with the
// tasks of one commit; it must not block (queue the work) and must not
// modify the changes. The returned function unregisters fn.
func (s *Service) ObserveTasks(fn func([]TaskChange)) (cancel func()) {
	o := &s.observers
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fns == nil {
		o.fns = map[int]func([]TaskChange){}
	}
	o.seq++
	id := o.seq
	o.fns[id] = fn
	return func() {
		o.mu.Lock()
		defer o.mu.Unlock()
		delete(o.fns, id)
	}
}

// notify hands committed task records to the observers.
func (s *Service) notify(cause TaskChangeCause, cluster string, recs []*taskRecord) {
	if len(recs) == 0 {
		return
	}
	o := &s.observers
	o.mu.RLock()
	fns := make([]func([]TaskChange), 0, len(o.fns))
	for _, fn := range o.fns {
		fns = append(fns, fn)
	}
	o.mu.RUnlock()
	if len(fns) == 0 {
		return
	}
	changes := make([]TaskChange, len(recs))
	for i, rec := range recs {
		changes[i] = taskChange(cause, cluster, rec)
	}
	for _, fn := range fns {
		fn(changes)
	}
}

// taskChange builds the TaskChange of a record.
func taskChange(cause TaskChangeCause, cluster string, rec *taskRecord) TaskChange {
	c := TaskChange{
		Cause: cause, Cluster: cluster, ContainerInstanceArn: rec.Task.ContainerInstanceArn,
		Task: rec.Task, Family: rec.Family, Revision: rec.Revision,
	}
	for _, h := range rec.HostPorts {
		c.HostPorts = append(c.HostPorts, HostPort(h))
	}
	return c
}

// TasksOnInstance returns every task placed on a container instance that
// has not stopped (last status other than STOPPED), at its current
// version, as the agent channel needs for its snapshot on connection.
// instance is the instance ARN or id.
func (s *Service) TasksOnInstance(ctx context.Context, cluster, instance string) ([]TaskChange, error) {
	name, err := s.readActiveCluster(ctx, cluster)
	if err != nil {
		return nil, err
	}
	id, ok, err := s.instanceID(name, instance)
	if err != nil || !ok {
		return nil, err
	}
	ids := s.liveTasksOn(name, id)
	keys := make([]string, len(ids))
	for i, tid := range ids {
		keys[i] = taskKey(name, tid)
	}
	kvs, _, err := s.store.GetMany(ctx, keys) // one snapshot; records decoded at most once (task cache)
	if err != nil {
		return nil, err
	}
	var out []TaskChange
	for _, kv := range kvs {
		if kv.ModRevision == 0 { // deleted since the index listed it
			continue
		}
		rec, err := s.cache.record(kv)
		if err != nil {
			return nil, err
		}
		if rec.Task.LastStatus != statusStopped {
			out = append(out, taskChange(CauseLaunched, name, rec))
		}
	}
	return out, nil
}

// liveTasksOn lists the ids of the committed tasks on an instance that
// have not stopped, sorted. It walks the instance's own lists, not the
// cluster's tasks, since every agent that connects asks for its snapshot
// (10,000 agents reconnecting to a million tasks would otherwise scan ten
// billion entries under the cluster lock). Launches still in flight are
// left out: their commit reaches the agent through the observers, and a
// deregistration changes the instance record their commit is conditioned
// on.
func (s *Service) liveTasksOn(cluster, instanceID string) []string {
	cs := s.state(cluster)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	var ids []string
	for desired := range cs.listed.byDesired { // the few desired statuses in use
		l := cs.listed.byInstance[instanceStatus{instanceID, desired}]
		if l == nil {
			continue
		}
		for e := range l.after("") {
			if e.live() {
				ids = append(ids, e.id)
			}
		}
	}
	slices.Sort(ids)
	return ids
}
