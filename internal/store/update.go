package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// UpdateAttempts is how many times Update runs its closure before it gives
// up and returns the last *ConflictError. Each failed attempt means another
// batch changed a key the closure read, so N callers contending on one key
// all succeed as long as N <= UpdateAttempts.
const UpdateAttempts = 16

// Retry backoff between attempts: a uniformly random pause in
// [0, min(retryBase<<(attempt-1), retryCap)), so that contending callers
// spread out instead of colliding again in the next group commit.
const (
	retryBase = 500 * time.Microsecond
	retryCap  = 20 * time.Millisecond
)

// Tx is the transaction handed to an Update closure. Reads go to the store
// (each key once per attempt) and become conditions of the commit; writes
// are buffered and committed together when the closure returns nil.
//
// Tx has no range read: etcd cannot check a range inside a transaction
// (its STM reads single keys), so a range read would silently escape the
// conflict check. Read ranges with Store.List before Update and pin what
// matters with Require(Cond{Kind: Unchanged, ...}).
type Tx struct {
	ctx      context.Context
	s        Store
	reads    map[string]read
	conds    []Cond // from reads, in read order
	explicit []Cond // from Require
	ops      []Op
	written  map[string]int  // key -> index in ops
	hints    map[string]read // current values from the last conflict
}

type read struct {
	kv KV
	ok bool
}

func newTx(ctx context.Context, s Store, hints map[string]read) *Tx {
	return &Tx{ctx: ctx, s: s, reads: map[string]read{}, written: map[string]int{}, hints: hints}
}

func (tx *Tx) remember(key string, kv KV, ok bool) read {
	r := read{kv: kv, ok: ok}
	tx.reads[key] = r
	if ok {
		tx.conds = append(tx.conds, Cond{Key: key, Kind: Unchanged, Revision: kv.ModRevision})
	} else {
		tx.conds = append(tx.conds, Cond{Key: key, Kind: Absent})
	}
	return r
}

// Get reads key. A key this transaction already wrote returns the buffered
// value with zero revisions (it is not committed yet); a deleted one is
// absent. Otherwise the first Get of a key reads the store and records that
// the key must be unchanged (or still absent) at commit; later Gets of the
// same key return the same answer.
func (tx *Tx) Get(key string) (KV, bool, error) {
	if i, ok := tx.written[key]; ok {
		op := tx.ops[i]
		if op.Delete {
			return KV{}, false, nil
		}
		return KV{Key: key, Value: op.Value}, true, nil
	}
	if r, ok := tx.reads[key]; ok {
		return r.kv, r.ok, nil
	}
	if h, ok := tx.hints[key]; ok {
		r := tx.remember(key, h.kv, h.ok)
		return r.kv, r.ok, nil
	}
	kv, ok, err := tx.s.Get(tx.ctx, key)
	if err != nil {
		return KV{}, false, err
	}
	r := tx.remember(key, kv, ok)
	return r.kv, r.ok, nil
}

// Assume records, without reading the store, that key holds a value at
// ModRevision rev: a caller that committed the key itself, and kept what
// it wrote, knows the value and saves the read. Like a Get, it becomes a
// condition of the commit (the key must still be at rev), so an
// assumption that is out of date, because another writer has changed or
// deleted the key since, fails the commit as a conflict, and the next
// attempt starts from the key's current state.
//
// Assume reports whether it recorded the assumption. It does nothing and
// reports false when this attempt has already read or written key, or
// when the last conflict reported key's current state: the caller then
// reads it with Get. A later Get of key in this attempt returns a KV with
// the revision and no Value.
func (tx *Tx) Assume(key string, rev int64) bool {
	if _, ok := tx.written[key]; ok {
		return false
	}
	if _, ok := tx.reads[key]; ok {
		return false
	}
	if _, ok := tx.hints[key]; ok {
		return false
	}
	tx.remember(key, KV{Key: key, ModRevision: rev}, true)
	return true
}

// Put buffers a write of key; a later Put or Delete of the same key in this
// transaction replaces it. value is kept, not copied: do not modify it
// afterwards.
func (tx *Tx) Put(key string, value []byte) {
	tx.write(Op{Key: key, Value: value})
}

// Delete buffers a delete of key.
func (tx *Tx) Delete(key string) {
	tx.write(Op{Key: key, Delete: true})
}

func (tx *Tx) write(op Op) {
	if i, ok := tx.written[op.Key]; ok {
		tx.ops[i] = op
		return
	}
	tx.written[op.Key] = len(tx.ops)
	tx.ops = append(tx.ops, op)
}

// Require adds a condition the commit must satisfy, typically "unchanged
// since the snapshot" for a record read with Store.List before Update.
// When a Required condition fails, Update returns the *ConflictError at
// once instead of retrying: the closure's input came from outside it, so
// running it again would fail the same way. Take a fresh snapshot and call
// Update again.
func (tx *Tx) Require(c Cond) {
	tx.explicit = append(tx.explicit, c)
}

func (tx *Tx) batch() Batch {
	conds := make([]Cond, 0, len(tx.conds)+len(tx.explicit))
	conds = append(conds, tx.conds...)
	conds = append(conds, tx.explicit...)
	return Batch{Conds: conds, Ops: tx.ops}
}

// requiredFailed reports whether any failed condition is one the closure
// added with Require.
func (tx *Tx) requiredFailed(ce *ConflictError) bool {
	for _, f := range ce.Failed {
		for _, c := range tx.explicit {
			if f == c {
				return true
			}
		}
	}
	return false
}

// Update runs fn in a Tx and commits what it wrote, on the condition that
// nothing it read has changed since. On a conflict it reruns fn with fresh
// reads (the keys that conflicted start from the values the conflict
// reported, saving a round trip), up to UpdateAttempts times with a short
// jittered pause between attempts, then returns the last *ConflictError.
// fn must therefore be safe to run more than once, and must not keep
// anything from an attempt that failed.
//
// If fn returns an error, nothing is written and Update returns that error.
// A closure that writes nothing still commits its reads as conditions (a
// batch with no operations), so its reads are known to have been
// consistent; Update then returns the current revision. Batches are bound
// by the same limits as Commit: at most MaxOps keys read or Required, and
// MaxOps keys written.
func Update(ctx context.Context, s Store, fn func(tx *Tx) error) (rev int64, err error) {
	var hints map[string]read
	for attempt := 1; ; attempt++ {
		tx := newTx(ctx, s, hints)
		if err := fn(tx); err != nil {
			return 0, err
		}
		b := tx.batch()
		if len(b.Conds) == 0 && len(b.Ops) == 0 {
			return s.Revision(ctx)
		}
		rev, err := s.Commit(ctx, b)
		var ce *ConflictError
		if !errors.As(err, &ce) {
			return rev, err
		}
		if attempt == UpdateAttempts || tx.requiredFailed(ce) {
			return 0, err
		}
		hints = make(map[string]read, len(ce.Current))
		for _, kv := range ce.Current {
			if kv.ModRevision == 0 {
				hints[kv.Key] = read{kv: KV{}}
			} else {
				hints[kv.Key] = read{kv: kv, ok: true}
			}
		}
		if err := pause(ctx, attempt); err != nil {
			return 0, err
		}
	}
}

// pause sleeps for the jittered backoff after a failed attempt.
func pause(ctx context.Context, attempt int) error {
	limit := min(retryBase<<(attempt-1), retryCap)
	t := time.NewTimer(rand.N(limit))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ReadTx is the read-only transaction handed to a View closure. Its Gets
// are memoised, so reading a key twice returns the same answer.
//
// A ReadTx is not a snapshot: each first Get and each List sees the store
// as it is when called. When several reads must agree with each other, use
// Update, whose reads are checked at commit.
type ReadTx struct {
	ctx   context.Context
	s     Store
	reads map[string]read
}

// Get reads key, once per View.
func (tx *ReadTx) Get(key string) (KV, bool, error) {
	if r, ok := tx.reads[key]; ok {
		return r.kv, r.ok, nil
	}
	kv, ok, err := tx.s.Get(tx.ctx, key)
	if err != nil {
		return KV{}, false, err
	}
	tx.reads[key] = read{kv: kv, ok: ok}
	return kv, ok, nil
}

// List reads the keys under prefix, with the revision the result reflects.
func (tx *ReadTx) List(prefix string, opts ListOptions) ([]KV, int64, error) {
	return tx.s.List(tx.ctx, prefix, opts)
}

// View runs fn with a ReadTx on s and returns fn's error.
func View(ctx context.Context, s Store, fn func(tx *ReadTx) error) error {
	return fn(&ReadTx{ctx: ctx, s: s, reads: map[string]read{}})
}
