package control

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/berth-io/berth/internal/store"
)

// keysStore returns a store holding keys, and a key before and after
// their prefix "/t/".
func keysStore(t *testing.T, keys []string) store.Store {
	t.Helper()
	st := openTestStore(t)
	all := append([]string{"/s/z", "/u/a"}, keys...)
	for start := 0; start < len(all); start += store.MaxOps {
		var b store.Batch
		for _, k := range all[start:min(start+store.MaxOps, len(all))] {
			b.Ops = append(b.Ops, store.Op{Key: k, Value: []byte("v")})
		}
		if _, err := st.Commit(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// timeIDs returns n keys under /t/<cluster>/ with task ids as berth makes
// them (creation milliseconds, then random digits), ten per millisecond.
func timeIDs(seed uint64, cluster string, n int) []string {
	r := rand.New(rand.NewPCG(seed, 3))
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("/t/%s/%012x%020x", cluster, 0x19a8c000000+i/10, r.Uint64()>>16)
	}
	return out
}

// randomIDs returns n keys under /t/c/ with random 32-digit ids.
func randomIDs(seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, 4))
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("/t/c/%016x%016x", r.Uint64(), r.Uint64())
	}
	return out
}

func TestStreamPagesListsEveryKeyOnce(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		keys []string
		even bool // ranges hold about as many keys each
	}{
		{"none", nil, false},
		{"one", []string{"/t/a"}, false},
		{"two", []string{"/t/a", "/t/b"}, false},
		{"task ids, one cluster", timeIDs(1, "default", 3000), true},
		{"task ids, many pages", timeIDs(2, "default", 12000), true},
		{"random ids", randomIDs(3, 3000), true},
		{"clusters", slices.Concat(timeIDs(4, "a", 700), timeIDs(5, "default", 700), timeIDs(6, "prod-7", 700), timeIDs(7, "zz", 700)), false},
		{"keys that extend the first", []string{"/t/a", "/t/aa", "/t/aaa", "/t/aaaa", "/t/ab", "/t/b"}, false},
		{"bytes below the digits", []string{"/t/\x00", "/t/\x01\x00", "/t/0", "/t/~", "/t/~~"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := keysStore(t, tc.keys)
			want := slices.Sorted(slices.Values(tc.keys))
			got, err := streamKeys(st)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("got %d keys, want %d (in order, each once)", len(got), len(want))
			}
			for _, n := range []int{2, 8, 64} {
				cuts, err := listRanges(ctx, st, "/t/", n)
				if err != nil {
					t.Fatal(err)
				}
				checkRanges(t, n, cuts, want, tc.even)
			}
		})
	}
}

// checkRanges fails unless cuts are at most n-1, increasing, each between
// the first and the last key, and, when even, leave no range with more
// than twice its share of keys.
func checkRanges(t *testing.T, n int, cuts, keys []string, even bool) {
	t.Helper()
	if len(cuts) > n-1 || !slices.IsSorted(cuts) || len(slices.Compact(slices.Clone(cuts))) != len(cuts) {
		t.Fatalf("n %d: got cuts %q, want at most %d increasing", n, cuts, n-1)
	}
	if len(cuts) > 0 && (cuts[0] < keys[0] || cuts[len(cuts)-1] >= keys[len(keys)-1]) {
		t.Fatalf("n %d: got cuts from %q to %q, want them from the first key %q to before the last %q", n, cuts[0], cuts[len(cuts)-1], keys[0], keys[len(keys)-1])
	}
	if !even {
		return
	}
	if len(cuts) != n-1 {
		t.Fatalf("n %d: got %d cuts, want %d", n, len(cuts), n-1)
	}
	from := 0
	for i := range n {
		to := len(keys)
		if i < len(cuts) {
			to, _ = slices.BinarySearch(keys, cuts[i]+"\x00") // keys up to and including the cut
		}
		if got, most := to-from, 2*len(keys)/n; got > most {
			t.Errorf("n %d, range %d: got %d keys, want at most %d of %d", n, i, got, most, len(keys))
		}
		from = to
	}
}

func TestRaiseProcsRestores(t *testing.T) {
	prev := runtime.GOMAXPROCS(0)
	for _, tc := range []struct {
		name string
		n    int
		want int
	}{
		{"raised", prev + 3, prev + 3},
		{"never lowered", 1, prev},
	} {
		t.Run(tc.name, func(t *testing.T) {
			restore := raiseProcs(tc.n)
			if got := runtime.GOMAXPROCS(0); got != tc.want {
				t.Errorf("got GOMAXPROCS %d while raised, want %d", got, tc.want)
			}
			restore()
			if got := runtime.GOMAXPROCS(0); got != prev {
				t.Errorf("got GOMAXPROCS %d after, want %d", got, prev)
			}
		})
	}
}

// errListFailed is the failure of failingLists.
var errListFailed = errors.New("list failed")

// failingLists is a store whose List calls fail from the failAt-th on
// (counting from 1; 0 never).
type failingLists struct {
	store.Store
	calls, failAt atomic.Int64
}

func (s *failingLists) List(ctx context.Context, prefix string, opts store.ListOptions) ([]store.KV, int64, error) {
	if n := s.calls.Add(1); s.failAt.Load() > 0 && n >= s.failAt.Load() {
		return nil, 0, errListFailed
	}
	return s.Store.List(ctx, prefix, opts)
}

// streamKeys lists the keys under /t/ through streamPages.
func streamKeys(st store.Store) ([]string, error) {
	var got []string
	keysOf := func() func([]store.KV) ([]string, error) {
		return func(kvs []store.KV) ([]string, error) {
			out := make([]string, len(kvs))
			for i, kv := range kvs {
				out[i] = kv.Key
			}
			return out, nil
		}
	}
	err := streamPages(context.Background(), st, "/t/", keysOf, func(keys []string) { got = append(got, keys...) })
	return got, err
}

func TestStreamPagesStopsAtAFailedList(t *testing.T) {
	st := &failingLists{Store: keysStore(t, timeIDs(8, "default", 12000))}
	if _, err := streamKeys(st); err != nil {
		t.Fatal(err)
	}
	lists := st.calls.Load() // the ranges' look-ups, then the pages
	for _, tc := range []struct {
		name   string
		failAt int64
	}{
		{"the first key", 1},
		{"finding the shared prefix", 3},
		{"finding the last key", 30},
		{"a page", lists - 5},
		{"the last page", lists},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st.calls.Store(0)
			st.failAt.Store(tc.failAt)
			if _, err := streamKeys(st); !errors.Is(err, errListFailed) {
				t.Errorf("got error %v, want %v", err, errListFailed)
			}
		})
	}
}
