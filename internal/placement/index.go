package placement

// The pool indexes. Each is created lazily by the first Place that needs
// it, filled from the pool's nodes once (O(n)), and from then on kept up to
// date incrementally by pool.join, leave, resourcesChanged and
// groupChanged.

// orderedIndex orders a pool's nodes by a remaining resource, optionally
// partitioned by the value of an attribute (for "spread attribute:x, then
// binpack"). Nodes lacking the attribute form the "" partition.
type orderedIndex struct {
	res     resource
	attr    string // "" = a single partition
	slot    int
	parts   map[string]*treap
	lastUse uint64
}

func (x *orderedIndex) partOf(n *node, create bool) *treap {
	v := ""
	if x.attr != "" {
		v = n.attr(x.attr)
	}
	t := x.parts[v]
	if t == nil && create {
		t = &treap{slot: x.slot, seed: uint64(len(x.parts)) + 1}
		x.parts[v] = t
	}
	return t
}

func (x *orderedIndex) add(n *node) { x.partOf(n, true).add(n, n.rem(x.res)) }

func (x *orderedIndex) remove(n *node) { x.removeKey(n, n.rem(x.res)) }

func (x *orderedIndex) removeKey(n *node, key int64) {
	t := x.partOf(n, false)
	t.remove(n, key)
	if t.root == nil && x.attr != "" {
		delete(x.parts, n.attr(x.attr))
	}
}

func (x *orderedIndex) move(n *node, old, now int64) {
	if old == now {
		return
	}
	t := x.partOf(n, false)
	t.remove(n, old)
	t.add(n, now)
}

// attrSets groups a pool's nodes by the value of one attribute (the
// candidate sets per availability zone, for instance). Nodes lacking the
// attribute are in the "" set, together with nodes whose value is "".
type attrSets struct {
	attr    string
	slot    int
	byValue map[string]*denseSet
	lastUse uint64
}

func (a *attrSets) add(n *node) {
	v := n.attr(a.attr)
	s := a.byValue[v]
	if s == nil {
		s = &denseSet{slot: a.slot}
		a.byValue[v] = s
	}
	s.add(n)
}

func (a *attrSets) remove(n *node) {
	v := n.attr(a.attr)
	s := a.byValue[v]
	s.remove(n)
	if s.len() == 0 {
		delete(a.byValue, v)
	}
}

// groupIndex holds what spread needs for one task group.
type groupIndex struct {
	group   string
	buckets *countBuckets  // nil until a spread instanceId rule needs it
	values  []*valueCounts // one per spread attribute in use
	lastUse uint64
}

// countBuckets buckets a pool's nodes by their number of tasks of one group
// (spread instanceId).
type countBuckets struct {
	slot    int
	byCount []*denseSet
}

func (b *countBuckets) add(n *node, count int) {
	for len(b.byCount) <= count {
		b.byCount = append(b.byCount, &denseSet{slot: b.slot})
	}
	b.byCount[count].add(n)
}

func (b *countBuckets) remove(n *node, count int) { b.byCount[count].remove(n) }

// valueCounts counts a group's tasks per value of one attribute, over the
// pool's nodes (spread attribute:<name>).
type valueCounts struct {
	attr   string
	counts map[string]int
}

func (v *valueCounts) add(n *node, delta int) {
	if delta == 0 {
		return
	}
	key := n.attr(v.attr)
	if c := v.counts[key] + delta; c != 0 {
		v.counts[key] = c
	} else {
		delete(v.counts, key)
	}
}
