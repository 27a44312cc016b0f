package store

import (
	"context"
	"errors"
	"fmt"
)

// MaxOps is the most conditions, and separately the most operations, one
// batch may hold (etcd's default --max-txn-ops).
const MaxOps = 128

// MaxKeyBytes is the longest key, in bytes (bbolt's MaxKeySize; etcd has no
// smaller limit).
const MaxKeyBytes = 32 << 10

// MaxBatchBytes bounds the sum of the keys and values of one batch. It
// leaves headroom for framing under etcd's default 1.5 MiB request limit.
const MaxBatchBytes = 1 << 20

var (
	// ErrCompacted is returned by Watch when fromRev is older than the oldest
	// change the store still remembers.
	ErrCompacted = errors.New("store: revision compacted")
	// ErrTooManyOps is returned by Commit for a batch past MaxOps.
	ErrTooManyOps = errors.New("store: too many operations in one batch")
	// ErrDuplicateKey is returned by Commit for a batch that writes a key twice.
	ErrDuplicateKey = errors.New("store: key written twice in one batch")
	// ErrInvalidKey is returned by Commit for an empty key or one longer than
	// MaxKeyBytes, in a condition or an operation.
	ErrInvalidKey = errors.New("store: invalid key")
	// ErrBatchTooLarge is returned by Commit for a batch whose keys and
	// values add up to more than MaxBatchBytes.
	ErrBatchTooLarge = errors.New("store: batch too large")
	// ErrOutcomeUnknown is matched (errors.Is) by a Commit error when the
	// batch may or may not have been applied (a networked backend lost its
	// answer). Resolve it by reading a key only that batch creates (for
	// RunTask, its clientToken key) before retrying. boltstore never
	// returns it: a local transaction either committed or did not.
	ErrOutcomeUnknown = errors.New("store: commit outcome unknown, the batch may or may not have been applied")
	// ErrClosed is returned after Close.
	ErrClosed = errors.New("store: closed")
)

// KV is one key with its value and revisions.
type KV struct {
	Key            string
	Value          []byte
	CreateRevision int64
	ModRevision    int64
}

// CondKind says what a Cond checks.
type CondKind int

const (
	// Absent requires the key not to exist.
	Absent CondKind = iota
	// Unchanged requires the key's ModRevision to equal Revision (0 means
	// absent, so Unchanged with Revision 0 is the same as Absent).
	Unchanged
	// Exists requires the key to exist, whatever its revision.
	Exists
)

// Cond is one condition of a batch.
type Cond struct {
	Key      string
	Kind     CondKind
	Revision int64
}

// Op is one write of a batch: a put, or a delete when Delete is set.
type Op struct {
	Key    string
	Value  []byte
	Delete bool
}

// Batch is a set of conditions and writes applied all or nothing.
type Batch struct {
	Conds []Cond
	Ops   []Op
}

// Check enforces the limits every backend shares: at most MaxOps conditions
// and MaxOps operations, each key written once, keys non-empty and at most
// MaxKeyBytes, known condition kinds, and at most MaxBatchBytes of keys and
// values in all.
func (b *Batch) Check() error {
	if len(b.Conds) > MaxOps || len(b.Ops) > MaxOps {
		return fmt.Errorf("%w: %d conditions and %d operations, the limit is %d each", ErrTooManyOps, len(b.Conds), len(b.Ops), MaxOps)
	}
	size := 0
	for _, c := range b.Conds {
		if err := checkKey(c.Key); err != nil {
			return err
		}
		if c.Kind < Absent || c.Kind > Exists {
			return fmt.Errorf("store: condition on %q has unknown kind %d", c.Key, c.Kind)
		}
		size += len(c.Key)
	}
	seen := make(map[string]struct{}, len(b.Ops))
	for _, op := range b.Ops {
		if err := checkKey(op.Key); err != nil {
			return err
		}
		if _, dup := seen[op.Key]; dup {
			return fmt.Errorf("%w: %q", ErrDuplicateKey, op.Key)
		}
		seen[op.Key] = struct{}{}
		size += len(op.Key) + len(op.Value)
	}
	if size > MaxBatchBytes {
		return fmt.Errorf("%w: %d bytes of keys and values, the limit is %d", ErrBatchTooLarge, size, MaxBatchBytes)
	}
	return nil
}

// CheckKeys applies the key rules of Batch.Check (non-empty, at most
// MaxKeyBytes) to the keys of a read such as GetMany.
func CheckKeys(keys []string) error {
	for _, k := range keys {
		if err := checkKey(k); err != nil {
			return err
		}
	}
	return nil
}

func checkKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("%w: empty key", ErrInvalidKey)
	case len(key) > MaxKeyBytes:
		return fmt.Errorf("%w: key of %d bytes, the limit is %d", ErrInvalidKey, len(key), MaxKeyBytes)
	}
	return nil
}

// ConflictError reports the conditions of a batch that failed, with the
// current state of their keys: Current[i] is the state of Failed[i].Key at
// the revision the batch was checked against (an absent key has its Key set,
// zero revisions and a nil Value).
type ConflictError struct {
	Failed  []Cond
	Current []KV
}

func (e *ConflictError) Error() string {
	if len(e.Failed) == 0 {
		return "store: condition failed"
	}
	return fmt.Sprintf("store: %d condition(s) failed, first on %q", len(e.Failed), e.Failed[0].Key)
}

// EventType is a put or a delete.
type EventType int

const (
	// EventPut is a created or updated key.
	EventPut EventType = iota
	// EventDelete is a deleted key; KV.Value is nil.
	EventDelete
)

// Event is one change delivered by Watch.
type Event struct {
	Type EventType
	KV   KV
}

// ListOptions bound a List.
type ListOptions struct {
	// StartAfter lists only keys greater than this one (for pagination).
	StartAfter string
	// Limit is the most keys returned; 0 means no limit.
	Limit int
}

// Store is implemented by every backend; storetest checks the contract.
type Store interface {
	// Get reads one key; ok is false when it does not exist.
	Get(ctx context.Context, key string) (kv KV, ok bool, err error)
	// GetMany reads keys from one snapshot of the store and returns the
	// revision of that snapshot: kvs[i] is the state of keys[i], and a key
	// that does not exist comes back as in ConflictError.Current, with its
	// Key set, zero revisions and a nil Value. Keys may repeat, and there
	// may be any number of them: a backend that bounds one read (etcd, at
	// MaxOps operations per Txn) reads in parts pinned to one revision. An
	// empty key or one longer than MaxKeyBytes fails with ErrInvalidKey
	// before anything is read (see CheckKeys). Values are the caller's, as
	// with Get; they may share one backing array, so a caller that keeps
	// one small value out of many large ones may want to copy it.
	GetMany(ctx context.Context, keys []string) (kvs []KV, rev int64, err error)
	// List reads the keys under prefix in key order, and the store revision
	// the result reflects.
	List(ctx context.Context, prefix string, opts ListOptions) (kvs []KV, rev int64, err error)
	// Commit applies b atomically and durably, returning the new revision, or
	// a *ConflictError when a condition failed (nothing is written then).
	// A batch that changes nothing (no operations, or only deletes of absent
	// keys) does not raise the revision; Commit returns the current one.
	// Errors from Batch.Check come back before anything is attempted.
	Commit(ctx context.Context, b Batch) (rev int64, err error)
	// Watch streams changes under prefix with revision > fromRev, in
	// revision order and, within a revision, in the batch's operation order,
	// until ctx ends; the channel is closed then. fromRev 0 means "from now".
	// It fails with ErrCompacted when fromRev is older than the store
	// remembers. A channel that closes while ctx is still live means the
	// watcher fell too far behind (or the store closed): treat it like
	// ErrCompacted, List again and watch from the List's revision.
	Watch(ctx context.Context, prefix string, fromRev int64) (<-chan Event, error)
	// Revision is the current store revision; a new store is at revision 1
	// or later, as in etcd, so 0 never names a state.
	Revision(ctx context.Context) (int64, error)
	// Close releases the store.
	Close() error
}

// Compactor is implemented by backends whose watch history can be trimmed
// on demand (both bbolt's in-memory ring and etcd's MVCC history). After
// Compact(rev), Watch with a fromRev well below rev fails with ErrCompacted,
// and Watch from rev or later still works. etcd keeps history until
// compacted, so the server calls it periodically.
type Compactor interface {
	Compact(ctx context.Context, rev int64) error
}
