package control

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// hexID is the 32-hex id of n; hexID sorts as n does.
func hexID(n int) string { return fmt.Sprintf("%032x", n) }

// listOp inserts (remove false) or removes one id from a taskList.
type listOp struct {
	id     string
	remove bool
}

// inserts returns an insertion of each of ns, in order.
func inserts(ns ...int) []listOp {
	out := make([]listOp, len(ns))
	for i, n := range ns {
		out[i] = listOp{id: hexID(n)}
	}
	return out
}

// removes returns a removal of each of ns, in order.
func removes(ns ...int) []listOp {
	out := inserts(ns...)
	for i := range out {
		out[i].remove = true
	}
	return out
}

// span returns from, from+step, ... below to.
func span(from, to, step int) []int {
	var out []int
	for n := from; n < to; n += step {
		out = append(out, n)
	}
	return out
}

// reversed returns ns backwards.
func reversed(ns []int) []int {
	out := slices.Clone(ns)
	slices.Reverse(out)
	return out
}

// shuffled returns ns in a random order fixed by seed.
func shuffled(seed uint64, ns []int) []int {
	out := slices.Clone(ns)
	rand.New(rand.NewPCG(seed, 0)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// timeOrdered returns 0..n-1 in batches of ten (one millisecond of ids)
// each in a random order.
func timeOrdered(n int) []int {
	var out []int
	for from := 0; from < n; from += 10 {
		out = append(out, shuffled(uint64(from), span(from, min(from+10, n), 1))...)
	}
	return out
}

// randomOps returns n inserts and removes of ids below 4n, at random.
func randomOps(seed uint64, n int) []listOp {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]listOp, n)
	for i := range out {
		out[i] = listOp{id: hexID(r.IntN(4 * n)), remove: r.IntN(3) == 0}
	}
	return out
}

// applyOps applies ops to l and to a model (a set), failing when l's
// answer differs from the model's, and returns the model's ids sorted.
func applyOps(t *testing.T, l *taskList, ops []listOp) []string {
	t.Helper()
	return applyOpsOn(t, l, nil, ops)
}

// applyOpsOn is applyOps on a list that holds the ids have.
func applyOpsOn(t *testing.T, l *taskList, have []string, ops []listOp) []string {
	t.Helper()
	model := map[string]bool{}
	for _, id := range have {
		model[id] = true
	}
	for _, op := range ops {
		var got bool
		if op.remove {
			got = l.remove(op.id)
		} else {
			got = l.insert(&taskEntry{id: op.id})
		}
		if want := model[op.id] == op.remove; got != want {
			t.Fatalf("%+v: got %v, want %v", op, got, want)
		}
		model[op.id] = !op.remove
	}
	var ids []string
	for id, in := range model {
		if in {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// checkList fails unless l holds exactly want (sorted) in well-formed
// blocks.
func checkList(t *testing.T, l *taskList, want []string) {
	t.Helper()
	var got []string
	for i, b := range l.blocks {
		if len(b) == 0 || len(b) > blockMax {
			t.Fatalf("block %d: got %d entries, want 1..%d", i, len(b), blockMax)
		}
		if i > 0 && len(b)+len(l.blocks[i-1]) <= blockMax/2 {
			t.Errorf("blocks %d and %d: got %d entries together, want more than %d", i-1, i, len(b)+len(l.blocks[i-1]), blockMax/2)
		}
		for _, e := range b {
			got = append(got, e.id)
		}
		if tail := b[len(b):cap(b)]; slices.ContainsFunc(tail, func(e *taskEntry) bool { return e != nil }) {
			t.Errorf("block %d: got entries kept past its length, want none", i)
		}
	}
	if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Fatalf("got ids out of order or repeated")
	}
	if !slices.Equal(got, want) {
		i := 0
		for i < min(len(got), len(want)) && got[i] == want[i] {
			i++
		}
		t.Fatalf("got %d ids, want %d, first difference at %d", len(got), len(want), i)
	}
	if l.len() != len(want) {
		t.Errorf("got len %d, want %d", l.len(), len(want))
	}
}

// checkAfter fails unless l.after yields the ids of want after each of a
// few positions: the start, each listed id and points between them, and
// past the end; and stops when told.
func checkAfter(t *testing.T, l *taskList, want []string) {
	t.Helper()
	pos := []string{"", "0", "~"}
	for i := 0; i < len(want); i += max(1, len(want)/50) {
		pos = append(pos, want[i], want[i]+"0", want[i][:31])
	}
	for _, p := range pos {
		var got []string
		for e := range l.after(p) {
			got = append(got, e.id)
		}
		i, found := slices.BinarySearch(want, p)
		if found {
			i++
		}
		if !slices.Equal(got, want[i:]) {
			t.Fatalf("after %q: got %d ids, want %d", p, len(got), len(want)-i)
		}
	}
	n := 0
	for range l.after("") {
		if n++; n == 3 {
			break
		}
	}
	if min(len(want), 3) != n {
		t.Errorf("got %d ids before the walk stopped, want %d", n, min(len(want), 3))
	}
}

func TestTaskList(t *testing.T) {
	all := span(0, 3000, 1)
	for _, tc := range []struct {
		name string
		ops  []listOp
	}{
		{"empty", nil},
		{"one", inserts(7)},
		{"ascending", inserts(all...)},
		{"descending", inserts(reversed(all)...)},
		{"time-ordered", inserts(timeOrdered(3000)...)},
		{"random", inserts(shuffled(1, all)...)},
		{"interleaved into full blocks", inserts(slices.Concat(span(0, 6000, 2), span(1, 6000, 2))...)},
		{"duplicates refused", inserts(5, 5, 1, 5, 1)},
		{"missing removes refused", slices.Concat(removes(3), inserts(1, 2), removes(3, 1, 1))},
		{"all removed in order", slices.Concat(inserts(all...), removes(all...))},
		{"all removed backwards", slices.Concat(inserts(all...), removes(reversed(all)...))},
		{"all removed at random", slices.Concat(inserts(all...), removes(shuffled(2, all)...))},
		{"every other removed", slices.Concat(inserts(all...), removes(span(0, 3000, 2)...))},
		{"all but every 100th removed", slices.Concat(inserts(all...), removes(slices.DeleteFunc(slices.Clone(all), func(n int) bool { return n%100 == 0 })...))},
		{"front removed, end appended", slices.Concat(inserts(all...), removes(span(0, 2000, 1)...), inserts(span(3000, 5000, 1)...))},
		{"random inserts and removes", randomOps(3, 20000)},
		{"random removes then refill", slices.Concat(inserts(all...), removes(shuffled(4, all)[:2900]...), inserts(shuffled(5, all)...))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &taskList{}
			want := applyOps(t, l, tc.ops)
			checkList(t, l, want)
			checkAfter(t, l, want)
		})
	}
}

// sortedEntries returns entries with the ids of ns, which must ascend.
func sortedEntries(ns []int) ([]*taskEntry, []string) {
	entries, ids := make([]*taskEntry, len(ns)), make([]string, len(ns))
	for i, n := range ns {
		ids[i] = hexID(n)
		entries[i] = &taskEntry{id: ids[i]}
	}
	return entries, ids
}

// TestSortedTaskList builds lists at once and checks them as built and
// after changes, which must not reach into the neighbouring blocks that
// share the array.
func TestSortedTaskList(t *testing.T) {
	for _, tc := range []struct {
		name string
		ns   []int // ascending
		ops  []listOp
	}{
		{"empty", nil, inserts(3, 1, 2)},
		{"one", []int{10}, slices.Concat(inserts(5, 15), removes(10))},
		{"one block less one", span(0, 2*(blockMax-1), 2), inserts(1, 2*blockMax)},
		{"one block", span(0, 2*blockMax, 2), inserts(1, 2*blockMax)},
		{"one block and one", span(0, 2*blockMax+2, 2), inserts(1, 2*blockMax+1, 4*blockMax)},
		{"many blocks, inserts between every id", span(0, 20*blockMax+14, 2), inserts(span(1, 20*blockMax+14, 2)...)},
		{"many blocks, removes", span(0, 20*blockMax+14, 2), removes(shuffled(8, span(0, 20*blockMax+14, 2))[:8*blockMax]...)},
		{"many blocks, appends", span(0, 10*blockMax, 1), inserts(span(10*blockMax, 13*blockMax, 1)...)},
		{"many blocks, random changes", span(0, 10*blockMax, 3), randomOps(9, 10*blockMax)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entries, ids := sortedEntries(tc.ns)
			l := sortedTaskList(entries)
			checkList(t, l, ids)
			checkAfter(t, l, ids)
			for i, b := range l.blocks {
				if want := min(blockMax, len(ids)-i*blockMax); len(b) != want {
					t.Fatalf("block %d: got %d entries, want %d", i, len(b), want)
				}
			}
			want := applyOpsOn(t, l, ids, tc.ops)
			checkList(t, l, want)
			checkAfter(t, l, want)
		})
	}
}

// fill is the share of the capacity of the blocks but the last (which the
// next insertions fill) that holds entries.
func fill(l *taskList) float64 {
	n, c := 0, 0
	for _, b := range l.blocks[:len(l.blocks)-1] {
		n, c = n+len(b), c+cap(b)
	}
	return float64(n) / float64(c)
}

func TestTaskListFill(t *testing.T) {
	const n = 20 * blockMax
	all := span(0, n, 1)
	for _, tc := range []struct {
		name string
		ops  []listOp
		want float64 // the least fill
	}{
		{"ascending", inserts(all...), 0.99},
		{"time-ordered", inserts(timeOrdered(n)...), 0.97},
		{"random", inserts(shuffled(6, all)...), 0.5},
		{"nine in ten removed at random", slices.Concat(inserts(all...), removes(shuffled(7, all)[:n*9/10]...)), 0.25},
		{"front removed, end appended", slices.Concat(inserts(all...), removes(span(0, n/2, 1)...), inserts(timeOrdered(2 * n)[n:]...)), 0.99},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &taskList{}
			applyOps(t, l, tc.ops)
			if got := fill(l); got < tc.want {
				t.Errorf("got blocks %.2f full, want at least %.2f", got, tc.want)
			}
		})
	}
}

// BenchmarkTaskListInsert inserts 100,000 time-ordered ids (ten per
// millisecond in any order) into an empty list.
func BenchmarkTaskListInsert(b *testing.B) {
	const n = 100_000
	entries := make([]*taskEntry, n)
	for i, k := range timeOrdered(n) {
		entries[i] = &taskEntry{id: hexID(k)}
	}
	for b.Loop() {
		l := &taskList{}
		for _, e := range entries {
			l.insert(e)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/insert")
}
