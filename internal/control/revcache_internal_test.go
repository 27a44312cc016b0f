package control

import (
	"fmt"
	"sync"
	"testing"
)

// cacheOp is one step of a revCache table test: a put, or a get and what
// it must answer.
type cacheOp struct {
	put     bool
	key     string
	rev     int64
	val     string // put: the value; get: the value wanted on a hit
	cost    int64  // put only; 0 means 1
	wantHit bool   // get only
}

func cachePut(key string, rev int64, val string) cacheOp {
	return cacheOp{put: true, key: key, rev: rev, val: val}
}
func cacheHit(key string, rev int64, val string) cacheOp {
	return cacheOp{key: key, rev: rev, val: val, wantHit: true}
}
func cacheMiss(key string, rev int64) cacheOp { return cacheOp{key: key, rev: rev} }

func TestRevCache(t *testing.T) {
	big := int64(revCacheShards) << 10 // 1 KiB per shard
	tests := []struct {
		name   string
		budget int64
		ops    []cacheOp
	}{
		{"hit at the revision put", big, []cacheOp{cachePut("k", 5, "a"), cacheHit("k", 5, "a")}},
		{"miss on an unknown key", big, []cacheOp{cachePut("k", 5, "a"), cacheMiss("other", 5)}},
		{"miss on a newer revision", big, []cacheOp{cachePut("k", 5, "a"), cacheMiss("k", 6)}},
		{"miss on an older revision", big, []cacheOp{cachePut("k", 5, "a"), cacheMiss("k", 4)}},
		{"newer revision replaces", big, []cacheOp{cachePut("k", 5, "a"), cachePut("k", 7, "b"), cacheHit("k", 7, "b"), cacheMiss("k", 5)}},
		{"older revision does not replace", big, []cacheOp{cachePut("k", 7, "b"), cachePut("k", 5, "a"), cacheHit("k", 7, "b"), cacheMiss("k", 5)}},
		{"same revision keeps the first", big, []cacheOp{cachePut("k", 5, "a"), cachePut("k", 5, "b"), cacheHit("k", 5, "a")}},
		{"value over a shard's budget is not cached", big, []cacheOp{{put: true, key: "k", rev: 1, val: "a", cost: big/revCacheShards + 1}, cacheMiss("k", 1)}},
		{"value of a shard's budget is cached", big, []cacheOp{{put: true, key: "k", rev: 1, val: "a", cost: big / revCacheShards}, cacheHit("k", 1, "a")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newRevCache[string](tc.budget)
			for i, op := range tc.ops {
				if op.put {
					cost := op.cost
					if cost == 0 {
						cost = 1
					}
					c.put(op.key, op.rev, op.val, cost)
					continue
				}
				got, hit := c.get(op.key, op.rev)
				if hit != op.wantHit || (hit && got != op.val) {
					t.Fatalf("step %d: get(%q, %d): got (%q, %v), want (%q, %v)", i, op.key, op.rev, got, hit, op.val, op.wantHit)
				}
			}
		})
	}
}

// TestRevCacheBound fills a cache far past its budget: the total cost
// never exceeds it, and an entry hit between every put survives.
func TestRevCacheBound(t *testing.T) {
	const cost = 100
	tests := []struct {
		name   string
		budget int64
		puts   int
	}{
		{"one entry per shard", revCacheShards * cost, 10_000},
		{"ten entries per shard", 10 * revCacheShards * cost, 10_000},
		{"budget not a multiple of the cost", 10*revCacheShards*cost + 7*revCacheShards, 10_000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newRevCache[int](tc.budget)
			c.put("hot", 1, -1, cost)
			for i := range tc.puts {
				c.put(fmt.Sprintf("cold/%d", i), int64(i+1), i, cost)
				if _, ok := c.get("hot", 1); !ok && tc.budget/revCacheShards >= 2*cost {
					t.Fatalf("after %d puts: the entry hit after every put was evicted", i+1)
				}
				if _, total := c.stats(); total > tc.budget {
					t.Fatalf("after %d puts: got total cost %d, want at most %d", i+1, total, tc.budget)
				}
			}
			entries, total := c.stats()
			if maxEntries := int(tc.budget / cost); entries > maxEntries || total != int64(entries)*cost {
				t.Fatalf("got %d entries costing %d, want at most %d entries costing %d each", entries, total, maxEntries, cost)
			}
			if entries < int(tc.budget/cost)/2 {
				t.Fatalf("got %d entries, want the budget used (at least %d)", entries, int(tc.budget/cost)/2)
			}
		})
	}
}

// TestRevCacheEvictsOldestUnused streams entries that are never hit
// through a full cache, as launches do with the records their reports
// read a moment later: whatever the number of puts, the most recent ones
// are still cached, and an older one goes first.
func TestRevCacheEvictsOldestUnused(t *testing.T) {
	const perShard = 50
	tests := []struct {
		name   string
		puts   int
		recent int // how many of the last puts must all be cached
	}{
		// A quarter of the capacity: keys spread over the shards unevenly,
		// but never four times their share.
		{"twice over", 2 * perShard * revCacheShards, perShard * revCacheShards / 4},
		{"ten times over", 10 * perShard * revCacheShards, perShard * revCacheShards / 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newRevCache[int](perShard * revCacheShards)
			for i := range tc.puts {
				c.put(fmt.Sprintf("task/%d", i), 1, i, 1)
			}
			missing := 0
			for i := tc.puts - tc.recent; i < tc.puts; i++ {
				if _, ok := c.get(fmt.Sprintf("task/%d", i), 1); !ok {
					missing++
				}
			}
			if missing > 0 {
				t.Errorf("got %d of the last %d puts evicted, want none", missing, tc.recent)
			}
		})
	}
}

// TestRevCacheConcurrent has callers put and get overlapping keys at
// rising revisions (run it with -race): a hit always carries the value of
// the revision asked for.
func TestRevCacheConcurrent(t *testing.T) {
	c := newRevCache[string](revCacheShards * 20 * 10)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for g := range 32 {
		wg.Go(func() {
			for i := range 2000 {
				key := fmt.Sprintf("k%d", (g+i)%50)
				rev := int64(i / 10)
				want := fmt.Sprintf("%s@%d", key, rev)
				if v, ok := c.get(key, rev); ok && v != want {
					errs <- fmt.Errorf("get(%q, %d): got %q, want %q", key, rev, v, want)
					return
				}
				c.put(key, rev, want, 10)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if _, total := c.stats(); total > revCacheShards*20*10 {
		t.Fatalf("got total cost %d, want at most %d", total, revCacheShards*20*10)
	}
}
