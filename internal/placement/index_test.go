package placement

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// checkIndexes verifies every pool index against the nodes' current state.
func checkIndexes(t *testing.T, c *Cluster) {
	t.Helper()
	for prov, p := range c.pools {
		members := map[*node]bool{}
		for _, n := range c.nodes {
			if n.status == StatusActive && p.accepts(n) {
				members[n] = true
				if !slices.Contains(n.pools, p) {
					t.Fatalf("pool %q: node %s does not list the pool", prov, nameOf(n.id))
				}
			}
		}
		checkSet(t, "all", &p.all, members, func(*node) bool { return true })
		for _, x := range p.ordered {
			total := 0
			for v, tr := range x.parts {
				prev := int64(math.MinInt64)
				walk(tr.root, func(b *bucket) {
					if b.key <= prev && prev != math.MinInt64 {
						t.Fatalf("ordered index: keys out of order: %d after %d", b.key, prev)
					}
					prev = b.key
					if b.set.len() == 0 {
						t.Fatalf("ordered index: empty bucket %d", b.key)
					}
					for i, n := range b.set.items {
						if n.rem(x.res) != b.key || x.attr != "" && n.attr(x.attr) != v || !members[n] || n.pos[b.set.slot] != int32(i) {
							t.Fatalf("ordered index %d/%q: node %s misplaced in bucket %d of %q", x.res, x.attr, nameOf(n.id), b.key, v)
						}
						total++
					}
				})
			}
			if total != len(members) {
				t.Fatalf("ordered index %d/%q holds %d nodes, want %d", x.res, x.attr, total, len(members))
			}
		}
		for _, a := range p.attrs {
			total := 0
			for v, s := range a.byValue {
				checkSet(t, "attr "+a.attr+"="+v, s, members, func(n *node) bool { return n.attr(a.attr) == v })
				total += s.len()
			}
			if total != len(members) {
				t.Fatalf("attribute sets of %q hold %d nodes, want %d", a.attr, total, len(members))
			}
		}
		for g, gi := range p.groups {
			if gi.buckets != nil {
				total := 0
				for cnt, s := range gi.buckets.byCount {
					checkSet(t, "group count", s, members, func(n *node) bool { return n.groups[g] == cnt })
					total += s.len()
				}
				if total != len(members) {
					t.Fatalf("group %q buckets hold %d nodes, want %d", g, total, len(members))
				}
			}
			for _, vc := range gi.values {
				want := map[string]int{}
				for n := range members {
					if k := n.groups[g]; k > 0 {
						want[n.attr(vc.attr)] += k
					}
				}
				if len(want) != len(vc.counts) {
					t.Fatalf("group %q counts by %q = %v, want %v", g, vc.attr, vc.counts, want)
				}
				for v, k := range want {
					if vc.counts[v] != k {
						t.Fatalf("group %q counts by %q = %v, want %v", g, vc.attr, vc.counts, want)
					}
				}
			}
		}
	}
}

// checkSet verifies a denseSet's positions and that its members are pool
// members satisfying belongs.
func checkSet(t *testing.T, what string, s *denseSet, members map[*node]bool, belongs func(*node) bool) {
	t.Helper()
	seen := map[*node]bool{}
	for i, n := range s.items {
		if !members[n] || !belongs(n) || seen[n] || n.pos[s.slot] != int32(i) {
			t.Fatalf("set %s: node %s misplaced at %d", what, nameOf(n.id), i)
		}
		seen[n] = true
	}
	if what == "all" && len(seen) != len(members) {
		t.Fatalf("set all holds %d nodes, want %d", len(seen), len(members))
	}
}

func walk(b *bucket, f func(*bucket)) {
	if b == nil {
		return
	}
	walk(b.left, f)
	f(b)
	walk(b.right, f)
}

func TestTreapAgainstSortedKeys(t *testing.T) {
	r := rng(11)
	tr := &treap{slot: 0}
	nodes := make([]*node, 300)
	keys := make([]int64, len(nodes))
	in := make([]bool, len(nodes))
	for i := range nodes {
		nodes[i] = &node{}
	}
	for step := range 20000 {
		i := r.IntN(len(nodes))
		if in[i] {
			tr.remove(nodes[i], keys[i])
			in[i] = false
		} else {
			keys[i] = int64(r.IntN(50))
			tr.add(nodes[i], keys[i])
			in[i] = true
		}
		if step%97 != 0 {
			continue
		}
		want := map[int64]int{}
		for j := range nodes {
			if in[j] {
				want[keys[j]]++
			}
		}
		for q := int64(-1); q <= 51; q++ {
			var wantKey int64 = -1
			for k := range want {
				if k >= q && (wantKey < 0 || k < wantKey) {
					wantKey = k
				}
			}
			b := tr.ceil(q)
			switch {
			case wantKey < 0 && b != nil:
				t.Fatalf("ceil(%d) = %d, want none", q, b.key)
			case wantKey >= 0 && (b == nil || b.key != wantKey || b.set.len() != want[wantKey]):
				t.Fatalf("ceil(%d) = %v, want key %d with %d nodes", q, b, wantKey, want[wantKey])
			}
		}
	}
}

// TestIndexEviction uses more groups and attributes than the index caps,
// so least recently used indexes are dropped and rebuilt, and checks the
// choices and the remaining indexes stay right.
func TestIndexEviction(t *testing.T) {
	var ins []Instance
	for i := range 8 {
		opts := []instOpt{withAZ([]string{"x", "y"}[i%2]), withCPU(1 << 20), withMemory(int64(1<<20 + i*512))}
		for a := range maxOrderedIndexes + 2 {
			opts = append(opts, withAttr(fmt.Sprintf("a%d", a), fmt.Sprint((i+a)%3)))
		}
		ins = append(ins, instance(fmt.Sprintf("e%d", i), opts...))
	}
	c := newCluster(t, ins...)
	r := rng(9)
	place := func(d Demand) {
		t.Helper()
		want := expectedChoices(c, d)
		name, f := placeOne(t, c, d, r)
		if !slices.Contains(want, name) || len(want) == 0 {
			t.Fatalf("Place(%v, group %s) = %q (%v), want one of %v", d.Strategies, d.Group, name, f, want)
		}
		checkIndexes(t, c)
	}
	for round := range 2 {
		for g := range maxGroupIndexes + 6 {
			place(task(group(fmt.Sprintf("g%d", g)), strategies("spread instanceId", "spread attribute:ecs.availability-zone")))
		}
		for a := range maxOrderedIndexes + 2 {
			place(task(group(fmt.Sprintf("g%d", round)), strategies(fmt.Sprintf("spread attribute:a%d", a), "binpack memory")))
		}
	}
	p := c.pools[""]
	if len(p.groups) > maxGroupIndexes || len(p.ordered) > maxOrderedIndexes || len(p.attrs) > maxAttrIndexes {
		t.Errorf("indexes: %d group, %d ordered, %d attribute, want at most %d, %d, %d",
			len(p.groups), len(p.ordered), len(p.attrs), maxGroupIndexes, maxOrderedIndexes, maxAttrIndexes)
	}
}
