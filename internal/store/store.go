package store

import (
	"context"
	"errors"
	"fmt"
)

// MaxOps is the most conditions, and separately the most operations, one
// batch may hold (etcd's default --max-txn-ops).
const MaxOps = 128

var (
	// ErrCompacted is returned by Watch when fromRev is older than the oldest
	// change the store still remembers.
	ErrCompacted = errors.New("store: revision compacted")
	// ErrTooManyOps is returned by Commit for a batch past MaxOps.
	ErrTooManyOps = errors.New("store: too many operations in one batch")
	// ErrDuplicateKey is returned by Commit for a batch that writes a key twice.
	ErrDuplicateKey = errors.New("store: key written twice in one batch")
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

// Check enforces the limits every backend shares.
func (b *Batch) Check() error {
	if len(b.Conds) > MaxOps || len(b.Ops) > MaxOps {
		return fmt.Errorf("%w: %d conditions and %d operations, the limit is %d each", ErrTooManyOps, len(b.Conds), len(b.Ops), MaxOps)
	}
	seen := make(map[string]struct{}, len(b.Ops))
	for _, op := range b.Ops {
		if _, dup := seen[op.Key]; dup {
			return fmt.Errorf("%w: %q", ErrDuplicateKey, op.Key)
		}
		seen[op.Key] = struct{}{}
	}
	return nil
}

// ConflictError reports the conditions of a batch that failed, with the
// current state of their keys (absent keys have a zero ModRevision and nil
// Value).
type ConflictError struct {
	Failed  []Cond
	Current []KV
}

func (e *ConflictError) Error() string {
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
	// List reads the keys under prefix in key order, and the store revision
	// the result reflects.
	List(ctx context.Context, prefix string, opts ListOptions) (kvs []KV, rev int64, err error)
	// Commit applies b atomically and durably, returning the new revision, or
	// a *ConflictError when a condition failed (nothing is written then).
	Commit(ctx context.Context, b Batch) (rev int64, err error)
	// Watch streams changes under prefix with revision > fromRev until ctx
	// ends; the channel is closed then. fromRev 0 means "from now".
	Watch(ctx context.Context, prefix string, fromRev int64) (<-chan Event, error)
	// Revision is the current store revision.
	Revision(ctx context.Context) (int64, error)
	// Close releases the store.
	Close() error
}
