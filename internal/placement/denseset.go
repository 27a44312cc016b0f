package placement

// denseSet is an unordered set of nodes with O(1) add, remove and
// access by position, for uniform random sampling. Every denseSet has a
// slot: the node remembers its position under that slot, so a node can be
// in at most one set per slot at a time. The sets of one index (the buckets
// of an ordered index, the per-value sets of an attribute) share a slot.
type denseSet struct {
	items []*node
	slot  int
}

func (s *denseSet) len() int { return len(s.items) }

func (s *denseSet) add(n *node) {
	n.setPos(s.slot, len(s.items))
	s.items = append(s.items, n)
}

func (s *denseSet) remove(n *node) {
	i := n.pos[s.slot]
	last := len(s.items) - 1
	moved := s.items[last]
	s.items[i] = moved
	moved.pos[s.slot] = i
	s.items[last] = nil
	s.items = s.items[:last]
}

// slotAllocator hands out slot numbers and takes back those of dropped
// indexes.
type slotAllocator struct {
	next int
	free []int
}

func (a *slotAllocator) get() int {
	if n := len(a.free); n > 0 {
		s := a.free[n-1]
		a.free = a.free[:n-1]
		return s
	}
	a.next++
	return a.next - 1
}

func (a *slotAllocator) put(s int) { a.free = append(a.free, s) }
