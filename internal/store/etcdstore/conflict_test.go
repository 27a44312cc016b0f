package etcdstore

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/berth-io/berth/internal/store"
)

func absent(key string) store.Cond { return store.Cond{Key: key, Kind: store.Absent} }
func exists(key string) store.Cond { return store.Cond{Key: key, Kind: store.Exists} }
func unchanged(key string, rev int64) store.Cond {
	return store.Cond{Key: key, Kind: store.Unchanged, Revision: rev}
}

func fmtKV(kv store.KV) string {
	return fmt.Sprintf("{%s=%q create=%d mod=%d}", kv.Key, kv.Value, kv.CreateRevision, kv.ModRevision)
}

// TestConflictCurrentValues checks that a failed Txn names exactly the
// failed conditions, in batch order, with their keys' values as etcd
// compared them: from the Else reads, and from the second read when the
// condition keys are too long to repeat in the request.
func TestConflictCurrentValues(t *testing.T) {
	s := openStore(t)
	long := func(c byte) string { return strings.Repeat(string(c), store.MaxKeyBytes-1) }
	r1 := commit(t, s, ops(put("a", "1"), put("b", "2"), put("gone", "g"), put(long('x'), "big")))
	r2 := commit(t, s, ops(put("a", "1b"), del("gone")))
	a := store.KV{Key: "a", Value: []byte("1b"), CreateRevision: r1, ModRevision: r2}
	b := store.KV{Key: "b", Value: []byte("2"), CreateRevision: r1, ModRevision: r1}
	x := store.KV{Key: long('x'), Value: []byte("big"), CreateRevision: r1, ModRevision: r1}

	// manyLong is 30 Absent conditions on 32 KiB keys, the first of which
	// exists: within Batch.Check's 1 MiB, but not twice over.
	manyLong := []store.Cond{absent(long('x'))}
	for c := byte('A'); len(manyLong) < 30; c++ {
		manyLong = append(manyLong, absent(long(c)))
	}

	tests := []struct {
		name        string
		conds       []store.Cond
		failed      []int // indexes into conds
		current     []store.KV
		readInElse  bool
		wantWritten bool
	}{
		{"stale revision", []store.Cond{unchanged("a", r1)}, []int{0}, []store.KV{a}, true, false},
		{"two on one key, one fails", []store.Cond{exists("a"), unchanged("a", r1), unchanged("a", r2)}, []int{1}, []store.KV{a}, true, false},
		{"absent and exists", []store.Cond{absent("b"), exists("missing"), absent("missing"), exists("gone")}, []int{0, 1, 3},
			[]store.KV{b, {Key: "missing"}, {Key: "gone"}}, true, false},
		{"long condition keys", manyLong, []int{0}, []store.KV{x}, false, false},
		{"all hold", []store.Cond{unchanged("a", r2), absent("gone"), exists("b")}, nil, nil, true, true},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := fmt.Sprintf("target/%d", i)
			b := store.Batch{Conds: tc.conds, Ops: []store.Op{put(target, "x")}}
			if got := s.plan(b).readInElse; got != tc.readInElse {
				t.Fatalf("plan: readInElse got %v, want %v", got, tc.readInElse)
			}
			rev0 := revision(t, s)
			rev, err := s.Commit(t.Context(), b)
			if tc.wantWritten {
				if err != nil || rev != rev0+1 {
					t.Fatalf("Commit: got (%d, %v), want (%d, nil)", rev, err, rev0+1)
				}
				return
			}
			var ce *store.ConflictError
			if !errors.As(err, &ce) {
				t.Fatalf("Commit: got %v, want *store.ConflictError", err)
			}
			if len(ce.Failed) != len(tc.failed) || len(ce.Current) != len(tc.failed) {
				t.Fatalf("conflict: got %d failed and %d current, want %d of each", len(ce.Failed), len(ce.Current), len(tc.failed))
			}
			for j, idx := range tc.failed {
				if ce.Failed[j] != tc.conds[idx] {
					t.Errorf("Failed[%d]: got %+v, want %+v", j, ce.Failed[j], tc.conds[idx])
				}
				got, want := ce.Current[j], tc.current[j]
				if got.Key != want.Key || !bytes.Equal(got.Value, want.Value) || got.CreateRevision != want.CreateRevision || got.ModRevision != want.ModRevision {
					t.Errorf("Current[%d]: got %s, want %s", j, fmtKV(got), fmtKV(want))
				}
			}
			if _, ok, _ := s.Get(t.Context(), target); ok {
				t.Errorf("Get(%q) after a conflict: got a value, want absent", target)
			}
			if got := revision(t, s); got != rev0 {
				t.Errorf("Revision() after a conflict: got %d, want %d", got, rev0)
			}
		})
	}
}

// TestOpLimit checks that a batch of 129 operations or conditions fails
// with store.ErrTooManyOps, naming the counts, before reaching etcd, and
// that the limit is etcd's: the member takes a Txn of 128 puts and refuses
// one of 129.
func TestOpLimit(t *testing.T) {
	s := openStore(t)
	many := func(n int) store.Batch {
		var b store.Batch
		for i := range n {
			b.Ops = append(b.Ops, put(fmt.Sprintf("op/%03d", i), "v"))
			b.Conds = append(b.Conds, absent(fmt.Sprintf("cond/%03d", i)))
		}
		return b
	}
	tests := []struct {
		name  string
		batch store.Batch
		want  string
	}{
		{"129 operations", store.Batch{Ops: many(store.MaxOps + 1).Ops}, "0 conditions and 129 operations, the limit is 128 each"},
		{"129 conditions", store.Batch{Conds: many(store.MaxOps + 1).Conds, Ops: many(1).Ops}, "129 conditions and 1 operations, the limit is 128 each"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rev0 := revision(t, s)
			_, err := s.Commit(t.Context(), tc.batch)
			if !errors.Is(err, store.ErrTooManyOps) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Commit: got %v, want ErrTooManyOps saying %q", err, tc.want)
			}
			if errors.Is(err, ErrOutcomeUnknown) {
				t.Fatalf("Commit: got %v, want a definite error", err)
			}
			if got := revision(t, s); got != rev0 {
				t.Fatalf("Revision(): got %d, want %d", got, rev0)
			}
		})
	}

	t.Run("etcd agrees", func(t *testing.T) {
		raw := rawClient(t)
		rawPuts := func(n int) []clientv3.Op {
			o := make([]clientv3.Op, n)
			for i := range o {
				o[i] = clientv3.OpPut(fmt.Sprintf("%sraw/%03d", s.Prefix(), i), "v")
			}
			return o
		}
		if _, err := raw.Txn(t.Context()).Then(rawPuts(store.MaxOps)...).Commit(); err != nil {
			t.Fatalf("raw Txn of %d puts: got %v, want success", store.MaxOps, err)
		}
		_, err := raw.Txn(t.Context()).Then(rawPuts(store.MaxOps + 1)...).Commit()
		if !errors.Is(err, rpctypes.ErrTooManyOps) {
			t.Fatalf("raw Txn of %d puts: got %v, want %v", store.MaxOps+1, err, rpctypes.ErrTooManyOps)
		}
		if !notApplied(err) {
			t.Fatalf("notApplied(%v) = false, want true", err)
		}
	})
}
