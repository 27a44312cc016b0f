package boltstore

import (
	"errors"
	"testing"

	"github.com/berth-io/berth/internal/store"
)

// groupResult is what one batch of a group should get: a revision offset
// from the store's revision before the group, or a conflict.
type groupResult struct {
	revOffset int64
	conflict  bool
}

func putOp(key, value string) store.Op { return store.Op{Key: key, Value: []byte(value)} }

// TestCommitGroup applies hand-made groups in one transaction, as the
// committer does when calls pile up, and checks that each batch is judged
// on the state left by the batches before it, that a conflicting batch
// fails alone, and that each applied batch gets its own revision.
func TestCommitGroup(t *testing.T) {
	tests := []struct {
		name  string
		group []store.Batch
		want  []groupResult
		keys  map[string]string // expected values after the group; "" means absent
	}{
		{
			name: "second writer of a new key conflicts with the first",
			group: []store.Batch{
				{Conds: []store.Cond{{Key: "x", Kind: store.Absent}}, Ops: []store.Op{putOp("x", "1")}},
				{Conds: []store.Cond{{Key: "x", Kind: store.Absent}}, Ops: []store.Op{putOp("x", "2"), putOp("y", "2")}},
				{Ops: []store.Op{putOp("z", "3")}},
				{Conds: []store.Cond{{Key: "x", Kind: store.Exists}}, Ops: []store.Op{putOp("w", "4")}},
			},
			want: []groupResult{{revOffset: 1}, {conflict: true}, {revOffset: 2}, {revOffset: 3}},
			keys: map[string]string{"x": "1", "y": "", "z": "3", "w": "4"},
		},
		{
			name: "every batch conflicts",
			group: []store.Batch{
				{Conds: []store.Cond{{Key: "x", Kind: store.Exists}}, Ops: []store.Op{putOp("x", "1")}},
				{Conds: []store.Cond{{Key: "y", Kind: store.Unchanged, Revision: 7}}, Ops: []store.Op{putOp("y", "1")}},
			},
			want: []groupResult{{conflict: true}, {conflict: true}},
			keys: map[string]string{"x": "", "y": ""},
		},
		{
			name: "a batch that changes nothing keeps the revision",
			group: []store.Batch{
				{Ops: []store.Op{{Key: "missing", Delete: true}}},
				{Ops: []store.Op{putOp("a", "1")}},
				{Ops: []store.Op{{Key: "a", Delete: true}}},
			},
			want: []groupResult{{revOffset: 0}, {revOffset: 1}, {revOffset: 2}},
			keys: map[string]string{"a": "", "missing": ""},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t, Options{})
			ctx := t.Context()
			rev0, _ := s.Revision(ctx)
			group := make([]*commitReq, len(tc.group))
			for i, b := range tc.group {
				group[i] = &commitReq{batch: b, done: make(chan commitResult, 1)}
			}
			s.commitGroup(group)
			var last int64
			for _, w := range tc.want {
				last = max(last, w.revOffset)
			}
			if rev, _ := s.Revision(ctx); rev != rev0+last {
				t.Errorf("Revision() after the group: got %d, want %d", rev, rev0+last)
			}
			for i, req := range group {
				res := <-req.done
				var ce *store.ConflictError
				switch want := tc.want[i]; {
				case want.conflict && !errors.As(res.err, &ce):
					t.Errorf("batch %d: got (%d, %v), want a conflict", i, res.rev, res.err)
				case !want.conflict && (res.err != nil || res.rev != rev0+want.revOffset):
					t.Errorf("batch %d: got (%d, %v), want (%d, nil)", i, res.rev, res.err, rev0+want.revOffset)
				}
			}
			for key, want := range tc.keys {
				kv, ok, err := s.Get(ctx, key)
				if got := string(kv.Value); err != nil || ok != (want != "") || got != want {
					t.Errorf("Get(%q): got (%q, %v, %v), want %q", key, got, ok, err, want)
				}
			}
		})
	}
}

// TestCommitGroupConflictReportsGroupState checks that a batch conflicting
// with an earlier batch of its group is told the value that batch wrote.
func TestCommitGroupConflictReportsGroupState(t *testing.T) {
	s := openTemp(t, Options{})
	rev0, _ := s.Revision(t.Context())
	first := &commitReq{batch: store.Batch{Ops: []store.Op{putOp("k", "first")}}, done: make(chan commitResult, 1)}
	second := &commitReq{batch: store.Batch{Conds: []store.Cond{{Key: "k", Kind: store.Absent}}, Ops: []store.Op{putOp("k", "second")}}, done: make(chan commitResult, 1)}
	s.commitGroup([]*commitReq{first, second})
	<-first.done
	res := <-second.done
	var ce *store.ConflictError
	if !errors.As(res.err, &ce) {
		t.Fatalf("second batch: got %v, want a conflict", res.err)
	}
	got := ce.Current[0]
	if string(got.Value) != "first" || got.ModRevision != rev0+1 || got.CreateRevision != rev0+1 {
		t.Fatalf("Current: got %+v, want value first at revision %d", got, rev0+1)
	}
}
