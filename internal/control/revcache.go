package control

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// revCacheShards is how many independently locked parts a revCache has: a
// DescribeTasks of 100 tasks makes 100 lookups, which then rarely meet
// another caller's on one lock.
const revCacheShards = 32

// revCache maps a store key at one ModRevision to what was decoded from
// that record. A lookup names the revision it read, and an entry of any
// other revision is a miss, so a changed record is never served stale and
// nothing needs invalidating: revisions only grow, and a key deleted and
// created again gets a new one. Values are shared by every caller that
// hits them, so they must never be modified once put.
//
// The cache is bounded by the sum of its entries' costs (an estimate of
// their bytes), each shard holding at most its share; a full shard evicts
// with the CLOCK algorithm (an entry hit since the hand last passed gets
// one more turn). Hits take only a shard's read lock.
type revCache[V any] struct {
	seed   maphash.Seed
	shards [revCacheShards]revShard[V]
}

// revShard is one locked part of a revCache.
type revShard[V any] struct {
	mu      sync.RWMutex
	entries map[string]*revEntry[V]
	ring    []*revEntry[V] // every entry once, in no particular order
	hand    int            // the CLOCK hand, an index into ring
	cost    int64          // sum of the entries' costs
	budget  int64
	_       [64]byte // keeps neighbouring shards' locks off one cache line
}

// revEntry is one cached value. Only used changes after the entry is
// made.
type revEntry[V any] struct {
	key  string
	rev  int64
	val  V
	cost int64
	slot int         // index in the shard's ring; guarded by the shard lock
	used atomic.Bool // hit since the CLOCK hand last passed
}

// newRevCache returns a cache holding entries of at most budget total
// cost.
func newRevCache[V any](budget int64) *revCache[V] {
	c := &revCache[V]{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].entries = map[string]*revEntry[V]{}
		c.shards[i].budget = budget / revCacheShards
	}
	return c
}

func (c *revCache[V]) shard(key string) *revShard[V] {
	return &c.shards[maphash.String(c.seed, key)%revCacheShards]
}

// get returns the value cached for key at revision rev.
func (c *revCache[V]) get(key string, rev int64) (V, bool) {
	e := c.hit(key, rev)
	if e == nil {
		var zero V
		return zero, false
	}
	return e.val, true
}

// latest returns the newest value cached for key, whatever its revision,
// and that revision.
func (c *revCache[V]) latest(key string) (V, int64, bool) {
	e := c.hit(key, anyRevision)
	if e == nil {
		var zero V
		return zero, 0, false
	}
	return e.val, e.rev, true
}

// anyRevision makes hit take the entry of a key whatever its revision.
const anyRevision = -1

// hit returns the entry of key at revision rev (or any, for anyRevision)
// and marks it used, or returns nil.
func (c *revCache[V]) hit(key string, rev int64) *revEntry[V] {
	sh := c.shard(key)
	sh.mu.RLock()
	e, ok := sh.entries[key]
	sh.mu.RUnlock()
	if !ok || (rev != anyRevision && e.rev != rev) {
		return nil
	}
	if !e.used.Load() {
		e.used.Store(true)
	}
	return e
}

// put caches val for key at revision rev, replacing an entry of an older
// revision (a caller that read an older snapshot does not replace a newer
// entry). A value that costs more than a shard's budget is not cached.
func (c *revCache[V]) put(key string, rev int64, val V, cost int64) {
	sh := c.shard(key)
	if cost > sh.budget {
		return
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if old, ok := sh.entries[key]; ok {
		if old.rev >= rev {
			return
		}
		sh.remove(old)
	}
	for sh.cost+cost > sh.budget {
		sh.evictOne()
	}
	e := &revEntry[V]{key: key, rev: rev, val: val, cost: cost}
	sh.entries[key] = e
	sh.insert(e)
	sh.cost += cost
}

// insert puts a new entry into the ring just behind the CLOCK hand, where
// the hand comes last: the entry at the hand moves to the end of the ring,
// e takes its slot and the hand passes it. A new entry is thus examined
// only after every older one, so a stream of entries nobody has hit yet
// (task records a launch caches for the report that follows) is evicted
// oldest first, not newest first.
func (sh *revShard[V]) insert(e *revEntry[V]) {
	if sh.hand >= len(sh.ring) {
		sh.hand = 0
	}
	if len(sh.ring) == 0 {
		e.slot = 0
		sh.ring = append(sh.ring, e)
		return
	}
	displaced := sh.ring[sh.hand]
	displaced.slot = len(sh.ring)
	sh.ring = append(sh.ring, displaced)
	e.slot = sh.hand
	sh.ring[sh.hand] = e
	sh.hand++
}

// evictOne advances the CLOCK hand until it finds an entry not hit since
// its last pass, and removes it. The shard must not be empty.
func (sh *revShard[V]) evictOne() {
	for {
		if sh.hand >= len(sh.ring) {
			sh.hand = 0
		}
		e := sh.ring[sh.hand]
		if e.used.Swap(false) {
			sh.hand++
			continue
		}
		sh.remove(e)
		return
	}
}

// remove drops e, moving the last entry of the ring into its slot (the
// end holds the entries insert displaced, which are older than the ones
// the hand has just passed).
func (sh *revShard[V]) remove(e *revEntry[V]) {
	last := len(sh.ring) - 1
	moved := sh.ring[last]
	sh.ring[e.slot] = moved
	moved.slot = e.slot
	sh.ring[last] = nil
	sh.ring = sh.ring[:last]
	delete(sh.entries, e.key)
	sh.cost -= e.cost
}

// stats reports how many entries the cache holds and their total cost.
func (c *revCache[V]) stats() (entries int, cost int64) {
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.RLock()
		entries += len(sh.entries)
		cost += sh.cost
		sh.mu.RUnlock()
	}
	return entries, cost
}
