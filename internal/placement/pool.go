package placement

// Caps on the lazily built indexes of one pool; when a new index would pass
// the cap, the least recently used one of its kind is dropped (and rebuilt
// on demand later).
const (
	maxOrderedIndexes = 16
	maxAttrIndexes    = 16
	maxGroupIndexes   = 64
)

// pool is the candidate set of one capacity provider (or of all providers):
// the ACTIVE nodes Place considers, and the indexes built over them.
type pool struct {
	c        *Cluster
	provider string
	all      denseSet
	ordered  []*orderedIndex
	attrs    map[string]*attrSets
	groups   map[string]*groupIndex
	tick     uint64
}

func newPool(c *Cluster, provider string) *pool {
	return &pool{
		c: c, provider: provider, all: denseSet{slot: c.slots.get()},
		attrs: map[string]*attrSets{}, groups: map[string]*groupIndex{},
	}
}

// accepts reports whether an ACTIVE node belongs in the pool.
func (p *pool) accepts(n *node) bool {
	return p.provider == AnyCapacityProvider || n.provider == p.provider
}

// join adds a node to the pool and its indexes.
func (p *pool) join(n *node) {
	p.all.add(n)
	for _, x := range p.ordered {
		x.add(n)
	}
	for _, a := range p.attrs {
		a.add(n)
	}
	for g, gi := range p.groups {
		c := n.groups[g]
		if gi.buckets != nil {
			gi.buckets.add(n, c)
		}
		for _, v := range gi.values {
			v.add(n, c)
		}
	}
}

// leave removes a node from the pool and its indexes; the node must not
// have changed since join or the last change notification.
func (p *pool) leave(n *node) {
	p.all.remove(n)
	for _, x := range p.ordered {
		x.remove(n)
	}
	for _, a := range p.attrs {
		a.remove(n)
	}
	for g, gi := range p.groups {
		c := n.groups[g]
		if gi.buckets != nil {
			gi.buckets.remove(n, c)
		}
		for _, v := range gi.values {
			v.add(n, -c)
		}
	}
}

// resourcesChanged moves a node in the ordered indexes after its remaining
// CPU or memory changed from oldCPU, oldMem.
func (p *pool) resourcesChanged(n *node, oldCPU, oldMem int64) {
	for _, x := range p.ordered {
		if x.res == resCPU {
			x.move(n, oldCPU, n.remCPU)
		} else {
			x.move(n, oldMem, n.remMem)
		}
	}
}

// groupChanged updates the spread indexes after the node's task count of
// group g went from old to now.
func (p *pool) groupChanged(n *node, g string, old, now int) {
	gi := p.groups[g]
	if gi == nil {
		return
	}
	if gi.buckets != nil {
		gi.buckets.remove(n, old)
		gi.buckets.add(n, now)
	}
	for _, v := range gi.values {
		v.add(n, now-old)
	}
}

// orderedIndex returns the index of res partitioned by attr, building it
// if needed.
func (p *pool) orderedIndex(res resource, attr string) *orderedIndex {
	p.tick++
	for _, x := range p.ordered {
		if x.res == res && x.attr == attr {
			x.lastUse = p.tick
			return x
		}
	}
	if len(p.ordered) >= maxOrderedIndexes {
		lru := 0
		for i, x := range p.ordered {
			if x.lastUse < p.ordered[lru].lastUse {
				lru = i
			}
		}
		p.c.slots.put(p.ordered[lru].slot)
		p.ordered = append(p.ordered[:lru], p.ordered[lru+1:]...)
	}
	x := &orderedIndex{res: res, attr: attr, slot: p.c.slots.get(), parts: map[string]*treap{}, lastUse: p.tick}
	for _, n := range p.all.items {
		x.add(n)
	}
	p.ordered = append(p.ordered, x)
	return x
}

// attrSets returns the per-value node sets of attr, building them if needed.
func (p *pool) attrSets(attr string) *attrSets {
	p.tick++
	if a := p.attrs[attr]; a != nil {
		a.lastUse = p.tick
		return a
	}
	if len(p.attrs) >= maxAttrIndexes {
		var lru *attrSets
		for _, a := range p.attrs {
			if lru == nil || a.lastUse < lru.lastUse {
				lru = a
			}
		}
		p.c.slots.put(lru.slot)
		delete(p.attrs, lru.attr)
	}
	a := &attrSets{attr: attr, slot: p.c.slots.get(), byValue: map[string]*denseSet{}, lastUse: p.tick}
	for _, n := range p.all.items {
		a.add(n)
	}
	p.attrs[attr] = a
	return a
}

// group returns the spread index holder of group g, creating it if needed.
func (p *pool) group(g string) *groupIndex {
	p.tick++
	if gi := p.groups[g]; gi != nil {
		gi.lastUse = p.tick
		return gi
	}
	if len(p.groups) >= maxGroupIndexes {
		var lru *groupIndex
		for _, gi := range p.groups {
			if lru == nil || gi.lastUse < lru.lastUse {
				lru = gi
			}
		}
		if lru.buckets != nil {
			p.c.slots.put(lru.buckets.slot)
		}
		delete(p.groups, lru.group)
	}
	gi := &groupIndex{group: g, lastUse: p.tick}
	p.groups[g] = gi
	return gi
}

// countBuckets returns the spread instanceId buckets of a group.
func (p *pool) countBuckets(gi *groupIndex) *countBuckets {
	if gi.buckets == nil {
		gi.buckets = &countBuckets{slot: p.c.slots.get()}
		for _, n := range p.all.items {
			gi.buckets.add(n, n.groups[gi.group])
		}
	}
	return gi.buckets
}

// valueCounts returns a group's task counts per value of attr.
func (p *pool) valueCounts(gi *groupIndex, attr string) *valueCounts {
	for _, v := range gi.values {
		if v.attr == attr {
			return v
		}
	}
	v := &valueCounts{attr: attr, counts: map[string]int{}}
	for _, n := range p.all.items {
		v.add(n, n.groups[gi.group])
	}
	gi.values = append(gi.values, v)
	return v
}
