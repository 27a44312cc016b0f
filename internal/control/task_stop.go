package control

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// Stop texts and limits.
const (
	defaultStopReason = "Task stopped by user"
	maxReasonLen      = 1024 // what the agent keeps of a reason, too
	// changeChunk is how many tasks one commit of changeTasks changes: each
	// is a read (condition) and up to three writes (record, summary, tags),
	// within store.MaxOps.
	changeChunk = 40
)

// errTaskNotFound is ECS's error for a task StopTask cannot find.
func errTaskNotFound() error { return ecs.InvalidParameter("The referenced task was not found.") }

// taskID resolves a task reference within cluster: an id, a long ARN
// arn:...:task/<cluster>/<id> or an old short ARN arn:...:task/<id>. ok is
// false when ref cannot name a task of the cluster.
func (s *Service) taskID(cluster, ref string) (string, bool) {
	if !strings.HasPrefix(ref, "arn:") {
		return ref, validInstanceID(ref)
	}
	a, ok := s.ownARN(ref)
	if !ok || a.Type != ecs.TypeTask {
		return "", false
	}
	owner, id, long := strings.Cut(a.Resource, "/")
	if !long {
		return owner, validInstanceID(owner)
	}
	return id, owner == cluster && validInstanceID(id)
}

// StopTask asks a task to stop: its desired status becomes STOPPED, with
// stop code UserInitiated, stoppedReason the given reason ("Task stopped
// by user" by default) and stoppingAt now, and its version rises. What the
// task held on its instance is free from then on (ECS counts it free as
// soon as the task is stopping). As ECS documents, the task's tags are
// deleted. The task is returned; stopping a task that is already stopping
// or stopped returns it unchanged.
func (s *Service) StopTask(ctx context.Context, in *ecsmodel.StopTaskRequest) (*ecsmodel.StopTaskResponse, error) {
	if in.Task == "" {
		return nil, ecs.InvalidParameter("Task cannot be empty.")
	}
	if utf8.RuneCountInString(in.Reason) > maxReasonLen {
		return nil, ecs.InvalidParameter("Reason can have at most %d characters.", maxReasonLen)
	}
	cluster, err := s.readActiveCluster(ctx, in.Cluster)
	if err != nil {
		return nil, err
	}
	id, ok := s.taskID(cluster, in.Task)
	if !ok {
		return nil, errTaskNotFound()
	}
	reason := in.Reason
	if reason == "" {
		reason = defaultStopReason
	}
	recs, err := s.changeTasks(ctx, cluster, []string{id}, CauseStopRequested, true, func(rec *taskRecord) bool {
		t := &rec.Task
		if t.DesiredStatus == statusStopped {
			return false
		}
		t.DesiredStatus = statusStopped
		t.StopCode = ecsmodel.TaskStopCodeUserinitiated
		t.StoppedReason = reason
		t.StoppingAt = s.timestamp()
		t.Version++
		return true
	})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, errTaskNotFound()
	}
	return &ecsmodel.StopTaskResponse{Task: &recs[0].Task}, nil
}

// stopTasksOn marks every task of an instance that has not stopped as
// STOPPED (desired and last status), because the instance is gone.
func (s *Service) stopTasksOn(ctx context.Context, cluster, instanceID, reason string) error {
	ids := s.liveTasksOn(cluster, instanceID)
	_, err := s.changeTasks(ctx, cluster, ids, CauseInstanceGone, false, func(rec *taskRecord) bool {
		return s.markStopped(rec, ecsmodel.TaskStopCodeTerminationnotice, reason)
	})
	return err
}

// markStopped moves a task to STOPPED at once (there is no agent left to
// stop it): desired and last status STOPPED, every container STOPPED, the
// stop times set, the stop code and reason kept if the task already had
// them. It returns false for a task already STOPPED.
func (s *Service) markStopped(rec *taskRecord, code ecsmodel.TaskStopCode, reason string) bool {
	t := &rec.Task
	if t.LastStatus == statusStopped {
		return false
	}
	now := s.timestamp()
	t.DesiredStatus, t.LastStatus = statusStopped, statusStopped
	if t.StopCode == "" {
		t.StopCode, t.StoppedReason = code, reason
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
	t.Version++
	return true
}

// changeTasks applies change to the records of the given tasks of a
// cluster, changeChunk per commit; change reports whether it changed the
// record. Tasks without a record are skipped. With dropTags the changed
// tasks' tags are deleted in the same commit. Changed records are applied
// to the index and handed to the observers with cause. It returns every
// record found, changed or not, in the order of ids.
//
// change gets a copy of the record it may change as copyForChange allows.
// The changed records go into the task cache at their new revision, so
// neither change (after it returns) nor the caller may change them again.
func (s *Service) changeTasks(ctx context.Context, cluster string, ids []string, cause TaskChangeCause, dropTags bool, change func(*taskRecord) bool) ([]*taskRecord, error) {
	var all []*taskRecord
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), changeChunk)]
		ids = ids[len(chunk):]
		var found, changed []*taskRecord
		var keys []string // store key of each changed record
		var sizes []int   // encoded length of each changed record
		rev, err := store.Update(ctx, s.store, func(tx *store.Tx) error {
			found, changed, keys, sizes = nil, nil, nil, nil
			for _, id := range chunk {
				key := taskKey(cluster, id)
				rec, ok, err := s.txTaskForChange(tx, key)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
				found = append(found, rec)
				if !change(rec) {
					continue
				}
				val, err := encode(key, rec)
				if err != nil {
					return err
				}
				tx.Put(key, val)
				changed, keys, sizes = append(changed, rec), append(keys, key), append(sizes, len(val))
				op := taskSummaryOp(cluster, id, rec)
				tx.Put(op.Key, op.Value)
				if dropTags {
					tx.Delete(taskTagsKey(cluster, id))
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for i, rec := range changed {
			s.cache.remember(keys[i], rev, rec, sizes[i])
		}
		s.indexTasks(cluster, changed, rev)
		s.notify(cause, cluster, changed)
		all = append(all, found...)
	}
	return all, nil
}

// txTaskForChange reads the task record at key inside an Update, as a
// copy the caller may change (copyForChange). When the cache holds a
// revision of the record, the transaction assumes it is the current one
// instead of reading the store (the commit then fails as a conflict if it
// is not, and the next attempt reads the store); otherwise the record read
// is decoded, or taken from the cache when it holds that revision.
func (s *Service) txTaskForChange(tx *store.Tx, key string) (*taskRecord, bool, error) {
	if shared, rev, ok := s.cache.records.latest(key); ok && tx.Assume(key, rev) {
		return shared.copyForChange(), true, nil
	}
	kv, ok, err := tx.Get(key)
	if err != nil || !ok {
		return nil, false, err
	}
	if kv.ModRevision == 0 { // written earlier in this transaction
		rec, err := decode[taskRecord](kv)
		return rec, err == nil, err
	}
	shared, err := s.cache.record(kv)
	if err != nil {
		return nil, false, err
	}
	return shared.copyForChange(), true, nil
}
