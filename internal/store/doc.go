// Package store is the contract between berth's control plane and its
// durable state: a revisioned key-value store with conditional batch commits
// and watches, shaped so that both embedded bbolt (package boltstore) and an
// etcd cluster can implement it one to one.
//
// # Model
//
// The store holds keys (strings; '/'-separated paths) with opaque values.
// One store-wide revision rises with every committed batch. Each key carries
// CreateRevision (the revision of the batch that created this incarnation)
// and ModRevision (the batch that last wrote it), as etcd's keys do.
//
// # Reads and writes
//
// Reads (Get, GetMany, List) return revisions; GetMany reads many keys
// from one snapshot. Writes are explicit batches: conditions
// (key absent, key unchanged since revision R) plus puts and deletes, applied
// all or nothing in one commit (one etcd Txn, one bbolt transaction). A batch
// holds at most MaxOps conditions and MaxOps operations, and writes a key at
// most once: etcd's limits. A failed condition returns *ConflictError with
// the current values of the keys whose conditions failed, so the caller can
// retry without another round trip. Range reads never happen inside a
// commit: snapshot first, then commit with "unchanged since" conditions.
//
// Keys are non-empty and at most MaxKeyBytes; a batch carries at most
// MaxBatchBytes of keys and values (ErrInvalidKey, ErrBatchTooLarge). A
// batch that changes nothing does not raise the revision. A new store is at
// revision 1 or later, so revision 0 never names a state.
//
// Update is the closure-style helper on top (update.go): it records what
// the closure read with Tx.Get, turns each read into a condition, buffers
// Tx.Put and Tx.Delete, and reruns the closure on conflict, up to
// UpdateAttempts times. Tx.Require adds a condition of the caller's, such
// as "unchanged since my List snapshot"; its failure is returned at once.
// View is the read-only counterpart. There is deliberately no range read
// inside Update: etcd cannot check a range in a transaction.
//
// # Durability
//
// Commit returns only after the batch is durable (fsynced). Implementations
// coalesce concurrent commits into one fsync (group commit) so that many
// callers share its cost.
//
// # Watch
//
// Watch(prefix, fromRev) streams every change under prefix after fromRev.
// When fromRev is older than what the store still remembers it fails with
// ErrCompacted: list again, then watch from the list's revision. A watch
// channel that closes while its context is live means the same (the
// watcher fell behind). Backends whose history can be trimmed implement
// Compactor.
//
// # Conformance
//
// Package storetest holds the suite every backend passes.
//
// # Key schema
//
// The control plane owns the key layout; it is drawn in the package comment
// of internal/control (keys.go).
package store
