// Package boltstore implements store.Store on one embedded bbolt file: the
// single-machine backend of berth.
//
// # Layout
//
// The file holds two top-level buckets. Update this tree, and add a
// migration in migrations.go, whenever it changes:
//
//	kv/                        every key of the store, in byte order
//	  <key> -> record          16-byte header, then the value:
//	                             [0:8]  CreateRevision (uint64, big endian)
//	                             [8:16] ModRevision    (uint64, big endian)
//	                             [16:]  value
//	meta/
//	  revision -> uint64 BE    store revision: 1 when new, +1 per batch that changes something
//	  schema   -> uint64 BE    layout version; see migrations.go
//
// Only the current value of a key is kept; bbolt has no history, so the
// revisions exist for conditions and for Watch.
//
// # Group commit
//
// One bbolt write transaction costs two fsyncs, whatever it holds. Commit
// hands its batch to a single committer goroutine, which takes every batch
// waiting (up to Options.MaxGroup) and applies them in one transaction, in
// arrival order. Each batch has its conditions checked against the
// transaction's state, which already includes the writes of the batches
// before it in the group; a batch whose conditions pass is applied and gets
// the next revision, and one whose conditions fail writes nothing and gets
// its *store.ConflictError, without disturbing the others. (Unlike bbolt's
// DB.Batch, a failing batch never makes the group re-run.) Everything that
// could make bbolt reject a write midway (key and value sizes) is checked
// before a batch is applied, so a batch is never half applied. Results are
// handed back after the transaction is fsynced. Batches without operations
// only check conditions, in a read transaction, and skip the committer.
//
// # Watch
//
// Committed events go into an in-memory ring of the last
// Options.WatchHistory events. Watch replays from the ring and then streams
// live events. A revision older than the ring's oldest (or older than the
// revision the file had when it was opened, or one dropped by Compact) is
// store.ErrCompacted. Each watcher has its own goroutine and a cursor into
// the ring, so a slow watcher never blocks a commit; a watcher whose cursor
// is overwritten because it fell more than WatchHistory events behind has
// its channel closed while its context is still live, which callers treat
// like ErrCompacted (list, then watch again).
//
// # Caveats
//
// The file is locked while open: a second Open of the same file, from this
// process or another, fails with ErrInUse after Options.LockTimeout.
package boltstore
