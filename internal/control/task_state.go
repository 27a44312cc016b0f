package control

import (
	"context"
	"strings"
	"time"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// Limits the agent's reports are held to (the ECS agent trims to these).
const maxRuntimeIDLen = 255

// TaskStateChange is a change of a task that its agent reports. Zero
// fields leave the task as it is.
type TaskStateChange struct {
	// Cluster (name or ARN) and Task (id or ARN) name the task.
	Cluster, Task string
	// Status is the task's new last status (PENDING, RUNNING, STOPPED, ...).
	Status string
	// Reason becomes stoppedReason when the task stops (trimmed to 1024
	// characters); StopCode its stop code. A task that stops without a
	// stop code gets TaskFailedToStart if it never ran, else
	// EssentialContainerExited.
	Reason   string
	StopCode ecsmodel.TaskStopCode
	// Containers are changes of containers, by name.
	Containers []ContainerStateChange
	// Timestamps of the task's life; each is set once.
	PullStartedAt, PullStoppedAt, ExecutionStoppedAt time.Time
}

// ContainerStateChange is a change of one container of a task.
type ContainerStateChange struct {
	Name            string
	Status          string
	ExitCode        *int32
	Reason          string
	RuntimeID       string
	ImageDigest     string
	NetworkBindings []ecsmodel.NetworkBinding
}

// ApplyTaskStateChange records what an agent reports about a task. Statuses
// only move forward (ecs.TaskStatus order): an older or repeated status is
// ignored, so reports may be delivered more than once. Reaching RUNNING
// sets startedAt and connectivity; reaching STOPPED sets stoppedAt, the
// desired status STOPPED (freeing what the task held) and marks its
// containers STOPPED. The version rises by one when anything changed,
// observers are told, and the task is returned as stored.
func (s *Service) ApplyTaskStateChange(ctx context.Context, ch TaskStateChange) (*ecsmodel.Task, error) {
	var task *ecsmodel.Task
	errs := s.applyTaskStateChanges(ctx, ch.Cluster, []TaskStateChange{ch}, func(_ int, rec *taskRecord) {
		t := rec.Task
		task = &t
	})
	if errs[0] != nil {
		return nil, errs[0]
	}
	return task, nil
}

// ApplyTaskStateChanges records many reports of tasks of one cluster (name
// or ARN; the changes' Cluster fields are not read), each as
// ApplyTaskStateChange would, in order, and commits them together
// (changeChunk tasks per commit): one agent message's worth costs one
// cluster lookup and one commit instead of one of each per change. errs[i]
// is the error of changes[i], nil when it was applied.
func (s *Service) ApplyTaskStateChanges(ctx context.Context, cluster string, changes []TaskStateChange) (errs []error) {
	return s.applyTaskStateChanges(ctx, cluster, changes, nil)
}

// applyTaskStateChanges is ApplyTaskStateChanges; found, when not nil, is
// called with the index of each change whose task exists and the task's
// record after all the changes (shared: see taskCache).
func (s *Service) applyTaskStateChanges(ctx context.Context, cluster string, changes []TaskStateChange, found func(int, *taskRecord)) []error {
	errs := make([]error, len(changes))
	next := make([]ecs.TaskStatus, len(changes))
	for i := range changes {
		next[i], errs[i] = checkStateChange(&changes[i])
	}
	name, err := s.readActiveCluster(ctx, cluster)
	if err != nil {
		return fillErrors(errs, err)
	}
	byTask := map[string][]int{} // task id → indexes of its valid changes, in order
	var ids []string
	for i := range changes {
		if errs[i] != nil {
			continue
		}
		id, ok := s.taskID(name, changes[i].Task)
		if !ok {
			errs[i] = errTaskNotFound()
			continue
		}
		if _, seen := byTask[id]; !seen {
			ids = append(ids, id)
		}
		byTask[id] = append(byTask[id], i)
	}
	recs, err := s.changeTasks(ctx, name, ids, CauseStateReported, false, func(rec *taskRecord) bool {
		changed := false
		for _, i := range byTask[taskIDOf(rec)] {
			if s.applyChange(rec, &changes[i], next[i]) {
				changed = true
			}
		}
		return changed
	})
	if err != nil {
		for _, idx := range byTask {
			for _, i := range idx {
				errs[i] = err
			}
		}
		return errs
	}
	for _, rec := range recs {
		id := taskIDOf(rec)
		for _, i := range byTask[id] {
			if found != nil {
				found(i, rec)
			}
		}
		delete(byTask, id)
	}
	for _, idx := range byTask { // no record
		for _, i := range idx {
			errs[i] = errTaskNotFound()
		}
	}
	return errs
}

// checkStateChange checks the statuses of a reported change and returns
// the task status it reports (zero when none).
func checkStateChange(ch *TaskStateChange) (ecs.TaskStatus, error) {
	next, ok := ecs.ParseTaskStatus(ch.Status)
	if ch.Status != "" && !ok {
		return 0, ecs.InvalidParameter("Invalid task status %q.", ch.Status)
	}
	for _, c := range ch.Containers {
		if _, ok := ecs.ParseTaskStatus(c.Status); c.Status != "" && !ok {
			return 0, ecs.InvalidParameter("Invalid status %q for container %s.", c.Status, c.Name)
		}
	}
	return next, nil
}

// fillErrors sets every nil error of errs to err and returns errs.
func fillErrors(errs []error, err error) []error {
	for i := range errs {
		if errs[i] == nil {
			errs[i] = err
		}
	}
	return errs
}

// taskIDOf is the id of a record's task: the last part of its ARN.
func taskIDOf(rec *taskRecord) string {
	arn := rec.Task.TaskArn
	return arn[strings.LastIndexByte(arn, '/')+1:]
}

// applyChange applies a reported change to a record and reports whether
// anything changed.
func (s *Service) applyChange(rec *taskRecord, ch *TaskStateChange, next ecs.TaskStatus) bool {
	t := &rec.Task
	now := s.timestamp()
	changed := false
	set := func(dst *ecsmodel.Time, v time.Time) {
		if dst.IsZero() && !v.IsZero() {
			*dst, changed = ecsmodel.NewTime(v), true
		}
	}
	set(&t.PullStartedAt, ch.PullStartedAt)
	set(&t.PullStoppedAt, ch.PullStoppedAt)
	set(&t.ExecutionStoppedAt, ch.ExecutionStoppedAt)
	for _, cc := range ch.Containers {
		for i := range t.Containers {
			if t.Containers[i].Name == cc.Name && applyContainer(&t.Containers[i], &cc) {
				changed = true
			}
		}
	}
	fillBindings(rec)
	cur, _ := ecs.ParseTaskStatus(t.LastStatus)
	if next > cur {
		changed = true
		t.LastStatus = next.String()
		if next >= ecs.StatusRunning && t.StartedAt.IsZero() && next < ecs.StatusStopped {
			t.StartedAt = now
			t.Connectivity, t.ConnectivityAt = ecsmodel.ConnectivityConnected, now
			setAttachments(t, "ATTACHED")
		}
		if next.Terminal() {
			s.finishStop(t, ch, cur, now)
		}
	}
	if changed {
		t.Version++
	}
	return changed
}

// finishStop completes a task that reached STOPPED.
func (s *Service) finishStop(t *ecsmodel.Task, ch *TaskStateChange, from ecs.TaskStatus, now ecsmodel.Time) {
	t.DesiredStatus = statusStopped
	if t.StopCode == "" {
		t.StopCode, t.StoppedReason = ch.StopCode, trim(ch.Reason, maxReasonLen)
		if t.StopCode == "" {
			t.StopCode = ecsmodel.TaskStopCodeEssentialcontainerexited
			if from < ecs.StatusRunning {
				t.StopCode = ecsmodel.TaskStopCodeTaskfailedtostart
			}
		}
	}
	if t.StoppingAt.IsZero() {
		t.StoppingAt = now
	}
	if t.ExecutionStoppedAt.IsZero() {
		t.ExecutionStoppedAt = now
	}
	t.StoppedAt = now
	for i := range t.Containers {
		t.Containers[i].LastStatus = statusStopped
	}
	setAttachments(t, "DELETED")
}

// applyContainer applies one container change; statuses only move forward.
func applyContainer(c *ecsmodel.Container, cc *ContainerStateChange) bool {
	changed := false
	cur, _ := ecs.ParseTaskStatus(c.LastStatus)
	if next, _ := ecs.ParseTaskStatus(cc.Status); next > cur {
		c.LastStatus, changed = next.String(), true
	}
	if cc.ExitCode != nil && (c.ExitCode == nil || *c.ExitCode != *cc.ExitCode) {
		c.ExitCode, changed = new(*cc.ExitCode), true
	}
	for _, f := range []struct {
		dst *string
		v   string
	}{{&c.Reason, trim(cc.Reason, maxReasonLen)}, {&c.RuntimeId, trim(cc.RuntimeID, maxRuntimeIDLen)}, {&c.ImageDigest, cc.ImageDigest}} {
		if f.v != "" && *f.dst != f.v {
			*f.dst, changed = f.v, true
		}
	}
	if cc.NetworkBindings != nil {
		c.NetworkBindings, changed = cc.NetworkBindings, true
	}
	return changed
}

// fillBindings gives the running containers of a bridge or host mode task
// that have no networkBindings (the agent reported none) the host ports
// placement assigned, as ECS shows them once a task runs.
func fillBindings(rec *taskRecord) {
	if rec.NetworkConfiguration != nil {
		return // awsvpc: the task's own interface, no host bindings
	}
	for i := range rec.Task.Containers {
		c := &rec.Task.Containers[i]
		if c.LastStatus != statusRunning || c.NetworkBindings != nil {
			continue
		}
		for _, h := range rec.HostPorts {
			if h.Container == c.Name && h.HostPort != 0 {
				c.NetworkBindings = append(c.NetworkBindings, ecsmodel.NetworkBinding{
					BindIP: "0.0.0.0", ContainerPort: new(h.ContainerPort), HostPort: new(h.HostPort), Protocol: h.Protocol,
				})
			}
		}
	}
}

// setAttachments sets the status of the task's ENI attachments.
func setAttachments(t *ecsmodel.Task, status string) {
	for i := range t.Attachments {
		if t.Attachments[i].Type == attachmentENI {
			t.Attachments[i].Status = status
		}
	}
}

// trim cuts s to at most n runes.
func trim(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// AgentConnected records whether the agent of a container instance has a
// live connection (the agent channel calls it): agentConnected changes and
// the instance's version rises. A disconnected instance gets no new tasks
// (placement's AGENT check). Unknown or deregistered instances are a
// ClientException; a cluster that is not ACTIVE is ClusterNotFound.
func (s *Service) AgentConnected(ctx context.Context, cluster, instance string, connected bool) error {
	var inst *instanceRecord
	changed := false
	rev, err := store.Update(ctx, s.store, func(tx *store.Tx) error {
		changed = false
		name, _, err := s.activeCluster(tx, cluster)
		if err != nil {
			return err
		}
		id, ok, err := s.instanceID(name, instance)
		if err != nil {
			return err
		}
		if ok {
			if inst, ok, err = txGet[instanceRecord](tx, instanceKey(name, id)); err != nil {
				return err
			}
		}
		if !ok || inst.Instance.Status == ecs.InstanceInactive {
			return ecs.ClientError("Container instance %s is not registered in cluster %s.", instance, name)
		}
		if inst.Instance.AgentConnected == connected {
			return nil
		}
		changed = true
		inst.Instance.AgentConnected = connected
		inst.Instance.Version++
		return txPut(tx, instanceKey(name, id), inst)
	})
	if err == nil && changed {
		s.indexInstance(inst, rev)
	}
	return err
}
