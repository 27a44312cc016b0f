package boltstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/berth-io/berth/internal/store"
)

// commitReq is one Commit call waiting for the committer.
type commitReq struct {
	batch store.Batch
	done  chan commitResult
}

type commitResult struct {
	rev int64
	err error
}

// Commit applies b atomically and durably; see the package comment for how
// concurrent calls share one transaction. Once the batch has been handed to
// the committer, Commit waits for its outcome even if ctx ends meanwhile
// (at most one transaction), so the answer is never ambiguous.
func (s *Store) Commit(ctx context.Context, b store.Batch) (rev int64, err error) {
	start := time.Now()
	defer func() { s.observeCommit(start, err) }()
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := b.Check(); err != nil {
		return 0, err
	}
	if len(b.Ops) == 0 {
		return s.checkOnly(ctx, b.Conds)
	}
	req := &commitReq{batch: b, done: make(chan commitResult, 1)}
	if err := s.handOver(ctx, req); err != nil {
		return 0, err
	}
	res := <-req.done
	return res.rev, res.err
}

// handOver queues req for the committer unless the store is closed or ctx
// ends first.
func (s *Store) handOver(ctx context.Context, req *commitReq) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return store.ErrClosed
	}
	select {
	case s.reqs <- req:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Store) observeCommit(start time.Time, err error) {
	result := resultOK
	var ce *store.ConflictError
	switch {
	case errors.As(err, &ce):
		result = resultConflict
	case err != nil:
		result = resultError
	}
	s.metrics.commits.WithLabelValues(result).Inc()
	s.metrics.commitSeconds.WithLabelValues(result).Observe(time.Since(start).Seconds())
}

// checkOnly evaluates the conditions of a batch without operations in a
// read transaction: nothing to write, nothing to fsync.
func (s *Store) checkOnly(ctx context.Context, conds []store.Cond) (rev int64, err error) {
	err = s.view(ctx, func(tx *bolt.Tx) error {
		if rev, err = readRevision(tx); err != nil {
			return err
		}
		conflict, err := checkConds(tx.Bucket(bucketKV), conds)
		if err != nil {
			return err
		}
		if conflict != nil {
			return conflict
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return rev, nil
}

// appendFillPercent is how full bbolt fills a page before it splits one
// in the commit's transactions. bbolt's default, a half, suits keys that
// arrive in random order; berth's busiest keys (task records and their
// summaries) have time-ordered ids and are appended at the end of their
// range, where a half-full split page never fills again. Nine tenths
// keeps pages of appended keys nine tenths full and leaves a little room
// for a record that grows when its task stops: a store of appended
// records needs fewer pages, a commit writes fewer, and a restart reads
// fewer.
const appendFillPercent = 0.9

// commitLoop is the committer goroutine: it takes the waiting batches, up
// to MaxGroup, and commits them in one transaction, until Close closes
// reqs and the queue is drained.
func (s *Store) commitLoop() {
	defer close(s.committerDone)
	group := make([]*commitReq, 0, s.opts.MaxGroup)
	for first := range s.reqs {
		group = append(group[:0], first)
	fill:
		for len(group) < s.opts.MaxGroup {
			select {
			case req, ok := <-s.reqs:
				if !ok {
					break fill
				}
				group = append(group, req)
			default:
				break fill
			}
		}
		s.commitGroup(group)
		clear(group)
	}
}

// commitGroup applies the batches of group in one bbolt transaction, each
// with its own conditions and revision, and hands every caller its result
// once the transaction is durable.
func (s *Store) commitGroup(group []*commitReq) {
	start := time.Now()
	results := make([]commitResult, len(group))
	var events []store.Event
	var rev int64
	err := s.db.Update(func(tx *bolt.Tx) error {
		kvb := tx.Bucket(bucketKV)
		kvb.FillPercent = appendFillPercent
		var err error
		if rev, err = readRevision(tx); err != nil {
			return err
		}
		base := rev
		for i, req := range group {
			conflict, err := checkConds(kvb, req.batch.Conds)
			if err != nil {
				return err
			}
			if conflict != nil {
				results[i].err = conflict
				continue
			}
			evs, err := applyOps(kvb, req.batch.Ops, rev+1)
			if err != nil {
				return err
			}
			if len(evs) > 0 {
				rev++
				events = append(events, evs...)
			}
			results[i].rev = rev
		}
		if rev == base {
			return nil
		}
		return tx.Bucket(bucketMeta).Put(keyRevision, encodeUint(rev))
	})
	s.metrics.txSeconds.Observe(time.Since(start).Seconds())
	s.metrics.groupSize.Observe(float64(len(group)))
	if err != nil {
		for i := range results {
			results[i] = commitResult{err: fmt.Errorf("boltstore: commit: %w", err)}
		}
	} else if len(events) > 0 {
		s.rev.Store(rev)
		s.hub.publish(events)
	}
	for i, req := range group {
		req.done <- results[i]
	}
}

// checkConds evaluates conds against the kv bucket as the transaction sees
// it, returning a ConflictError naming the failed ones and their keys'
// current state, or nil when all pass.
func checkConds(kvb *bolt.Bucket, conds []store.Cond) (*store.ConflictError, error) {
	var conflict *store.ConflictError
	for _, c := range conds {
		k := []byte(c.Key)
		rec := kvb.Get(k)
		var modRev int64
		if rec != nil {
			var err error
			if _, modRev, err = revisionsOf(k, rec); err != nil {
				return nil, err
			}
		}
		if condHolds(c, rec != nil, modRev) {
			continue
		}
		current := store.KV{Key: c.Key}
		if rec != nil {
			var err error
			if current, err = decodeRecord(k, rec); err != nil {
				return nil, err
			}
		}
		if conflict == nil {
			conflict = &store.ConflictError{}
		}
		conflict.Failed = append(conflict.Failed, c)
		conflict.Current = append(conflict.Current, current)
	}
	return conflict, nil
}

func condHolds(c store.Cond, exists bool, modRev int64) bool {
	switch c.Kind {
	case store.Absent:
		return !exists
	case store.Unchanged:
		return modRev == c.Revision
	case store.Exists:
		return exists
	}
	return false
}

// applyOps writes ops at revision rev and returns the events they caused:
// none for a delete of an absent key. Batch.Check has ruled out everything
// bbolt would reject, so an error here means the file is damaged and the
// whole transaction is abandoned.
func applyOps(kvb *bolt.Bucket, ops []store.Op, rev int64) ([]store.Event, error) {
	events := make([]store.Event, 0, len(ops))
	for _, op := range ops {
		k := []byte(op.Key)
		old := kvb.Get(k)
		if op.Delete {
			if old == nil {
				continue
			}
			if err := kvb.Delete(k); err != nil {
				return nil, err
			}
			events = append(events, store.Event{Type: store.EventDelete, KV: store.KV{Key: op.Key, ModRevision: rev}})
			continue
		}
		createRev := rev
		if old != nil {
			var err error
			if createRev, _, err = revisionsOf(k, old); err != nil {
				return nil, err
			}
		}
		rec := encodeRecord(createRev, rev, op.Value)
		if err := kvb.Put(k, rec); err != nil {
			return nil, err
		}
		events = append(events, store.Event{Type: store.EventPut, KV: store.KV{
			Key: op.Key, Value: rec[headerLen:], CreateRevision: createRev, ModRevision: rev,
		}})
	}
	return events, nil
}
