package placement

import "github.com/berth-io/berth/internal/placement/expr"

// maxMemo is how many distinct memberOf expressions have cached results at
// a time; past it the cache starts over.
const maxMemo = 64

// memoTable numbers the memberOf expressions whose results each node
// caches. Results of expressions that depend on tasks are never cached;
// the others change only when the instance is upserted, which clears the
// node's cache. Expressions are keyed by their source text.
type memoTable struct {
	ids map[string]int
	gen uint32 // bumped when ids starts over; nodes with an older gen drop their cache
}

// id returns the cache id of e, or -1 when e must not be cached.
func (m *memoTable) id(e *expr.Expr) int {
	if e.DependsOnTasks() {
		return -1
	}
	if id, ok := m.ids[e.String()]; ok {
		return id
	}
	if len(m.ids) >= maxMemo {
		clear(m.ids)
		m.gen++
	}
	id := len(m.ids)
	m.ids[e.String()] = id
	return id
}

// eval returns e's result for n, from n's cache when id >= 0.
func (m *memoTable) eval(n *node, e *expr.Expr, id int) bool {
	if id < 0 {
		return e.Eval(n)
	}
	if n.memoGen != m.gen {
		n.memo, n.memoGen = n.memo[:0], m.gen
	}
	if id < len(n.memo) && n.memo[id] != 0 {
		return n.memo[id] == 1
	}
	ok := e.Eval(n)
	for len(n.memo) <= id {
		n.memo = append(n.memo, 0)
	}
	n.memo[id] = 2
	if ok {
		n.memo[id] = 1
	}
	return ok
}
