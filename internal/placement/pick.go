package placement

import (
	"cmp"
	"math"
	"slices"
)

// Sampling parameters of uniform: sets this small are scanned outright;
// larger ones are sampled this many times before falling back to a scan.
const (
	scanBelow = 8
	maxProbes = 16
)

// valueTier is one attribute value of a spread attribute rule.
type valueTier struct {
	value string
	count int
	set   *denseSet
}

// pick chooses the node for the next task, or nil when no node is
// feasible. It implements the rule in the package documentation: the
// feasible node whose scores under the rules are lexicographically
// smallest, ties broken uniformly at random. The first rule walks an index
// in score order, so only the best tier of nodes is examined.
func (r *run) pick() *node {
	if len(r.rules) == 0 {
		return r.uniform1(&r.p.all)
	}
	first, rest := &r.rules[0], r.rules[1:]
	switch first.kind {
	case ruleBinpack:
		return r.pickBinpack(first, rest)
	case ruleSpreadInstance:
		return r.pickSpreadInstance(first, rest)
	case ruleSpreadAttr:
		return r.pickSpreadAttr(first, rest)
	}
	return nil
}

// pickBinpack walks the buckets of remaining resource upwards from the
// task's need; the first bucket with a feasible node is the best tier.
func (r *run) pickBinpack(ru *rule, rest []rule) *node {
	t := ru.ordered.parts[""]
	if t == nil {
		return nil
	}
	for b := t.ceil(r.need(ru.res)); b != nil; b = t.next(b) {
		if n := r.within(&b.set, rest); n != nil {
			return n
		}
	}
	return nil
}

// pickSpreadInstance walks the nodes by their task count of the group,
// fewest first.
func (r *run) pickSpreadInstance(ru *rule, rest []rule) *node {
	for _, s := range ru.buckets.byCount {
		if s.len() == 0 {
			continue
		}
		if n := r.within(s, rest); n != nil {
			return n
		}
	}
	return nil
}

// pickSpreadAttr walks the attribute's values by the group's task count,
// fewest first; values with equal counts form one tier.
func (r *run) pickSpreadAttr(ru *rule, rest []rule) *node {
	tiers := r.tiers[:0]
	for v, s := range ru.sets.byValue {
		tiers = append(tiers, valueTier{value: v, count: ru.values.counts[v], set: s})
	}
	slices.SortFunc(tiers, func(a, b valueTier) int { return cmp.Compare(a.count, b.count) })
	r.tiers = tiers
	for i := 0; i < len(tiers); {
		j := i + 1
		for j < len(tiers) && tiers[j].count == tiers[i].count {
			j++
		}
		sets := r.sets[:0]
		for _, vt := range tiers[i:j] {
			sets = append(sets, vt.set)
		}
		r.sets = sets
		var n *node
		switch {
		case len(rest) == 0:
			n = r.uniform(sets)
		case rest[0].kind == ruleBinpack:
			n = r.binpackAcross(&rest[0], tiers[i:j], rest[1:])
		default:
			if feasible := r.feasibleIn(sets); len(feasible) > 0 {
				n = r.rank(feasible, rest)
			}
		}
		if n != nil {
			return n
		}
		i = j
	}
	return nil
}

// binpackAcross applies a binpack rule to a tier of attribute values using
// the ordered index partitioned by that attribute: it finds each value's
// best bucket, keeps those with the smallest key, and chooses among their
// feasible nodes.
func (r *run) binpackAcross(ru *rule, tier []valueTier, rest []rule) *node {
	need := r.need(ru.res)
	best := int64(math.MaxInt64)
	found := r.found[:0]
	for _, vt := range tier {
		t := ru.ordered.parts[vt.value]
		if t == nil {
			continue
		}
		for b := t.ceil(need); b != nil && b.key <= best; b = t.next(b) {
			if r.uniform1(&b.set) != nil {
				if b.key < best {
					best, found = b.key, found[:0]
				}
				found = append(found, &b.set)
				break
			}
		}
	}
	r.found = found
	if len(found) == 0 {
		return nil
	}
	if len(rest) == 0 {
		return r.uniform(found)
	}
	return r.rank(r.feasibleIn(found), rest)
}

// within chooses among the feasible nodes of one tier set.
func (r *run) within(s *denseSet, rest []rule) *node {
	if len(rest) == 0 {
		return r.uniform1(s)
	}
	r.one[0] = s
	if feasible := r.feasibleIn(r.one[:]); len(feasible) > 0 {
		return r.rank(feasible, rest)
	}
	return nil
}

// need is the task's demand of a binpack resource.
func (r *run) need(res resource) int64 {
	if res == resCPU {
		return r.d.CPU
	}
	return r.d.Memory
}

func (r *run) uniform1(s *denseSet) *node {
	r.one[0] = s
	return r.uniform(r.one[:])
}

// uniform returns a feasible node of the union of sets, each feasible node
// equally likely, or nil. It samples at random first (cheap when most
// nodes are feasible) and falls back to a scan; either way the choice is
// uniform over the feasible nodes.
func (r *run) uniform(sets []*denseSet) *node {
	total := 0
	for _, s := range sets {
		total += s.len()
	}
	if total == 0 {
		return nil
	}
	if total > scanBelow {
		for range maxProbes {
			i := r.intN(total)
			for _, s := range sets {
				if i < s.len() {
					if n := s.items[i]; r.feasible(n) {
						return n
					}
					break
				}
				i -= s.len()
			}
		}
	}
	feasible := r.feasibleIn(sets)
	if len(feasible) == 0 {
		return nil
	}
	return feasible[r.intN(len(feasible))]
}

// feasibleIn returns the feasible nodes of the sets, in a scratch slice
// valid until the next call.
func (r *run) feasibleIn(sets []*denseSet) []*node {
	out := r.nodes[:0]
	for _, s := range sets {
		for _, n := range s.items {
			if r.feasible(n) {
				out = append(out, n)
			}
		}
	}
	r.nodes = out
	return out
}

// rank applies rules to feasible nodes in order, keeping those with the
// lowest score under each, and picks one of the survivors at random. It
// reorders nodes.
func (r *run) rank(nodes []*node, rules []rule) *node {
	for i := range rules {
		if len(nodes) == 1 {
			break
		}
		ru := &rules[i]
		best, k := int64(math.MaxInt64), 0
		for _, n := range nodes {
			s := r.score(ru, n)
			if s < best {
				best, k = s, 0
			}
			if s == best {
				nodes[k] = n
				k++
			}
		}
		nodes = nodes[:k]
	}
	return nodes[r.intN(len(nodes))]
}

// score is a node's score under a rule; lower is better.
func (r *run) score(ru *rule, n *node) int64 {
	switch ru.kind {
	case ruleBinpack:
		return n.rem(ru.res)
	case ruleSpreadInstance:
		return int64(n.groups[r.d.Group])
	case ruleSpreadAttr:
		return int64(ru.values.counts[n.attr(ru.attr)])
	}
	return 0
}
