package control

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// The janitor removes what ECS forgets: STOPPED tasks once they have been
// stopped for longer than Config.StoppedTaskRetention (default one hour,
// ECS's minimum visibility), with their tags, and clientToken records past
// their expiry. It also stops tasks left wanting to run on an instance that
// is deregistered (a forced deregistration interrupted by a crash, or a
// launch that committed just before a deregistration). The server runs it
// with RunJanitor; Sweep is one pass.

// deleteChunk is how many tasks (each a condition and three deletes:
// record, summary, tags) or tokens one janitor commit removes, within
// store.MaxOps.
const deleteChunk = 40

// SweepStats counts what one janitor pass did.
type SweepStats struct {
	TasksDeleted, TokensDeleted, OrphansStopped int
}

// RunJanitor runs Sweep every interval (a quarter of the retention, at
// most five minutes, when interval is 0) until ctx ends. Errors are logged
// and the next pass tries again.
func (s *Service) RunJanitor(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = min(s.retention/4, 5*time.Minute)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			st, err := s.Sweep(ctx)
			if err != nil && ctx.Err() == nil {
				s.log.Warn("janitor pass failed", "err", err)
			}
			if st != (SweepStats{}) {
				s.log.Info("janitor pass", "tasks_deleted", st.TasksDeleted, "tokens_deleted", st.TokensDeleted, "orphans_stopped", st.OrphansStopped)
			}
		}
	}
}

// Sweep runs one janitor pass over every cluster.
func (s *Service) Sweep(ctx context.Context) (SweepStats, error) {
	var st SweepStats
	cutoff := s.now().Add(-s.retention)
	for name := range s.states() {
		old, orphans := s.sweepCandidates(name, cutoff)
		if len(orphans) > 0 {
			recs, err := s.changeTasks(ctx, name, orphans, CauseInstanceGone, false, func(rec *taskRecord) bool {
				return s.markStopped(rec, ecsmodel.TaskStopCodeTerminationnotice, "The container instance of the task was deregistered.")
			})
			if err != nil {
				return st, err
			}
			st.OrphansStopped += len(recs)
		}
		for len(old) > 0 {
			chunk := old[:min(len(old), deleteChunk)]
			old = old[len(chunk):]
			n, err := s.deleteTasks(ctx, name, chunk)
			if err != nil {
				return st, err
			}
			st.TasksDeleted += n
		}
	}
	n, err := s.deleteExpiredTokens(ctx)
	st.TokensDeleted = n
	return st, err
}

// sweepTask is a task the janitor deletes, at the revision it read.
type sweepTask struct {
	id  string
	rev int64
}

// sweepCandidates lists the cluster's committed tasks STOPPED before
// cutoff, and the ids of committed tasks that have not stopped on an
// instance that is deregistered or unknown. It walks the index's lists
// (the STOPPED one, and those of instances that are gone), not every task
// of the cluster under its lock. A record without an instance, which
// berth never writes, is not an orphan.
func (s *Service) sweepCandidates(cluster string, cutoff time.Time) (old []sweepTask, orphans []string) {
	cs := s.state(cluster)
	// A task that stopped has desired status STOPPED (finishStop and
	// markStopped set both), so only that list holds old ones; it is in
	// id order, which the deletes keep. It may hold most of a big
	// cluster, so the walk lets go of the lock every sweepWalkChunk
	// entries (launches wait for it) and resumes after the last id seen;
	// a candidate that changes meanwhile fails its delete's condition.
	after := ""
	for {
		cs.mu.Lock()
		n, more := 0, false
		if l := cs.listed.byDesired[statusStopped]; l != nil {
			for e := range l.after(after) {
				if n == sweepWalkChunk {
					more = true
					break
				}
				n++
				after = e.id
				if !e.live() && e.stoppedSince().Before(cutoff) {
					old = append(old, sweepTask{id: e.id, rev: e.rev})
				}
			}
		}
		if !more {
			orphans = cs.orphans()
			cs.mu.Unlock()
			break
		}
		cs.mu.Unlock()
	}
	slices.Sort(orphans)
	return old, orphans
}

// sweepWalkChunk is how many entries of the STOPPED list the janitor
// examines per hold of the cluster lock (a variable for tests).
var sweepWalkChunk = 4096

// orphans lists the ids of the committed tasks that have not stopped on
// instances that are deregistered or unknown. Called with cs.mu held.
func (cs *clusterState) orphans() []string {
	var ids []string
	for k, l := range cs.listed.byInstance {
		if inst := cs.insts[k.instanceID]; inst != nil && inst.base.Status != ecs.InstanceInactive {
			continue
		}
		for e := range l.after("") {
			if e.live() {
				ids = append(ids, e.id)
			}
		}
	}
	return ids
}

// deleteTasks deletes tasks and their tags on the condition that each is
// unchanged since the index read it; tasks that changed are left for a
// later pass.
func (s *Service) deleteTasks(ctx context.Context, cluster string, tasks []sweepTask) (int, error) {
	for len(tasks) > 0 {
		b := store.Batch{}
		for _, t := range tasks {
			// The summary changes in every commit that changes the record,
			// and the index's revision is the summary's (see loadIndex).
			sum := taskSummaryKey(cluster, t.id)
			b.Conds = append(b.Conds, store.Cond{Key: sum, Kind: store.Unchanged, Revision: t.rev})
			b.Ops = append(b.Ops, store.Op{Key: taskKey(cluster, t.id), Delete: true}, store.Op{Key: sum, Delete: true},
				store.Op{Key: taskTagsKey(cluster, t.id), Delete: true})
		}
		rev, err := s.store.Commit(ctx, b)
		var ce *store.ConflictError
		if errors.As(err, &ce) {
			tasks = slices.DeleteFunc(tasks, func(t sweepTask) bool {
				return slices.ContainsFunc(ce.Failed, func(c store.Cond) bool { return c.Key == taskSummaryKey(cluster, t.id) })
			})
			continue
		}
		if err != nil {
			return 0, err
		}
		cs := s.state(cluster)
		cs.mu.Lock()
		for _, t := range tasks {
			cs.removeTask(t.id, rev)
		}
		cs.mu.Unlock()
		return len(tasks), nil
	}
	return 0, nil
}

// deleteExpiredTokens deletes the clientToken records past their expiry.
func (s *Service) deleteExpiredTokens(ctx context.Context) (int, error) {
	kvs, err := listAll(ctx, s.store, prefixTokens)
	if err != nil {
		return 0, err
	}
	now := s.now()
	var expired []store.KV
	for _, kv := range kvs {
		rec, err := decode[tokenRecord](kv)
		if err != nil {
			return 0, err
		}
		if !now.Before(rec.ExpiresAt) {
			expired = append(expired, kv)
		}
	}
	n := 0
	for len(expired) > 0 {
		chunk := expired[:min(len(expired), deleteChunk)]
		expired = expired[len(chunk):]
		b := store.Batch{}
		for _, kv := range chunk {
			b.Conds = append(b.Conds, store.Cond{Key: kv.Key, Kind: store.Unchanged, Revision: kv.ModRevision})
			b.Ops = append(b.Ops, store.Op{Key: kv.Key, Delete: true})
		}
		_, err := s.store.Commit(ctx, b)
		var ce *store.ConflictError
		if errors.As(err, &ce) {
			continue // reused meanwhile; the next pass looks again
		}
		if err != nil {
			return n, err
		}
		n += len(chunk)
	}
	return n, nil
}
