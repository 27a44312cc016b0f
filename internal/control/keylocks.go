package control

import (
	"hash/maphash"
	"sync"
)

// keyLocks serializes in-process writers of the same hot record (a task
// definition family's revision counter) so that they queue instead of
// racing each other through optimistic retries, each lost race costing a
// wasted fsync. The store's conditions still guard correctness; this only
// removes contention that a single process can see coming. Striping bounds
// memory: unrelated keys may share a stripe, which only costs a little
// parallelism.
type keyLocks struct {
	seed    maphash.Seed
	stripes [256]sync.Mutex
}

func newKeyLocks() *keyLocks { return &keyLocks{seed: maphash.MakeSeed()} }

// lock locks the stripe of key and returns its unlock function.
func (l *keyLocks) lock(key string) (unlock func()) {
	m := &l.stripes[maphash.String(l.seed, key)%uint64(len(l.stripes))]
	m.Lock()
	return m.Unlock
}
