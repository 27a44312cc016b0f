package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/berth-io/berth/internal/store"
)

// testConditions checks every condition kind, passing and failing, against
// a key that exists, one that was deleted and one that never existed.
func testConditions(t *testing.T, s store.Store) {
	revPresent := commit(t, s, ops(put("present", "p"), put("gone", "g")))
	commit(t, s, ops(del("gone")))
	presentKV := store.KV{Key: "present", Value: []byte("p"), CreateRevision: revPresent, ModRevision: revPresent}

	tests := []struct {
		name string
		cond store.Cond
		ok   bool
	}{
		{"absent: never existed", absent("missing"), true},
		{"absent: deleted", absent("gone"), true},
		{"absent: exists", absent("present"), false},
		{"unchanged: same revision", unchanged("present", revPresent), true},
		{"unchanged: older revision", unchanged("present", revPresent-1), false},
		{"unchanged: newer revision", unchanged("present", revPresent+1), false},
		{"unchanged: 0 on a missing key", unchanged("missing", 0), true},
		{"unchanged: 0 on an existing key", unchanged("present", 0), false},
		{"unchanged: revision on a deleted key", unchanged("gone", revPresent), false},
		{"exists: exists", exists("present"), true},
		{"exists: never existed", exists("missing"), false},
		{"exists: deleted", exists("gone"), false},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := fmt.Sprintf("target/%d", i)
			rev0 := revision(t, s)
			rev, err := s.Commit(t.Context(), store.Batch{Conds: []store.Cond{tc.cond}, Ops: []store.Op{put(target, "x")}})
			if tc.ok {
				if err != nil {
					t.Fatalf("Commit with %+v: got %v, want success", tc.cond, err)
				}
				wantKV(t, s, target, "x", rev, rev)
				return
			}
			current := store.KV{Key: tc.cond.Key}
			if tc.cond.Key == "present" {
				current = presentKV
			}
			wantConflict(t, err, []store.Cond{tc.cond}, []store.KV{current})
			wantAbsent(t, s, target)
			if got := revision(t, s); got != rev0 {
				t.Fatalf("Revision() after a failed batch: got %d, want %d", got, rev0)
			}
		})
	}
}

// testFailedBatchWritesNothing checks that one failed condition among
// passing ones stops the whole batch, and that the error names only the
// failed conditions with their keys' current values.
func testFailedBatchWritesNothing(t *testing.T, s store.Store) {
	rev1 := commit(t, s, ops(put("present", "old"), put("other", "o")))
	rev0 := revision(t, s)
	failed := []store.Cond{unchanged("present", rev1+100), exists("missing")}
	b := store.Batch{
		Conds: []store.Cond{absent("missing"), failed[0], exists("other"), failed[1]},
		Ops:   []store.Op{put("present", "new"), put("fresh", "f"), del("other")},
	}
	_, err := s.Commit(t.Context(), b)
	wantConflict(t, err, failed, []store.KV{
		{Key: "present", Value: []byte("old"), CreateRevision: rev1, ModRevision: rev1},
		{Key: "missing"},
	})
	wantKV(t, s, "present", "old", rev1, rev1)
	wantKV(t, s, "other", "o", rev1, rev1)
	wantAbsent(t, s, "fresh")
	if got := revision(t, s); got != rev0 {
		t.Fatalf("Revision() after a failed batch: got %d, want %d", got, rev0)
	}
}

// testLimits checks the batch limits every backend shares (etcd's), each
// just past the limit and at it.
func testLimits(t *testing.T, s store.Store) {
	manyOps := func(n int) []store.Op {
		o := make([]store.Op, n)
		for i := range o {
			o[i] = put(fmt.Sprintf("many/%03d", i), "v")
		}
		return o
	}
	manyConds := func(n int) []store.Cond {
		c := make([]store.Cond, n)
		for i := range c {
			c[i] = absent(fmt.Sprintf("cond/%03d", i))
		}
		return c
	}
	longKey := strings.Repeat("k", store.MaxKeyBytes+1)
	bigValue := string(make([]byte, store.MaxBatchBytes))
	tests := []struct {
		name    string
		batch   store.Batch
		wantErr error // nil: the batch commits
	}{
		{"duplicate key", ops(put("d", "1"), del("d")), store.ErrDuplicateKey},
		{"too many operations", store.Batch{Ops: manyOps(store.MaxOps + 1)}, store.ErrTooManyOps},
		{"too many conditions", store.Batch{Conds: manyConds(store.MaxOps + 1), Ops: manyOps(1)}, store.ErrTooManyOps},
		{"empty key", ops(put("", "v")), store.ErrInvalidKey},
		{"empty condition key", store.Batch{Conds: []store.Cond{absent("")}, Ops: manyOps(1)}, store.ErrInvalidKey},
		{"key too long", ops(put(longKey, "v")), store.ErrInvalidKey},
		{"batch too large", ops(put("big", bigValue)), store.ErrBatchTooLarge},
		{"operations at the limit", store.Batch{Ops: manyOps(store.MaxOps)}, nil},
		{"conditions at the limit", store.Batch{Conds: manyConds(store.MaxOps), Ops: []store.Op{put("at-limit", "v")}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rev0 := revision(t, s)
			rev, err := s.Commit(t.Context(), tc.batch)
			if tc.wantErr == nil {
				if err != nil || rev != rev0+1 {
					t.Fatalf("Commit: got (%d, %v), want (%d, nil)", rev, err, rev0+1)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Commit: got error %v, want %v", err, tc.wantErr)
			}
			if got := revision(t, s); got != rev0 {
				t.Fatalf("Revision() after a rejected batch: got %d, want %d", got, rev0)
			}
		})
	}
}

// testCanceledContext checks that a commit with an ended context is
// refused and writes nothing.
func testCanceledContext(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rev0 := revision(t, s)
	if _, err := s.Commit(ctx, ops(put("k", "v"))); !errors.Is(err, context.Canceled) {
		t.Fatalf("Commit with a canceled context: got %v, want context.Canceled", err)
	}
	wantAbsent(t, s, "k")
	if got := revision(t, s); got != rev0 {
		t.Fatalf("Revision(): got %d, want %d", got, rev0)
	}
}

// testClosed checks that every call after Close returns ErrClosed, and
// that Close is idempotent.
func testClosed(t *testing.T, s store.Store) {
	commit(t, s, ops(put("k", "v")))
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	ctx := t.Context()
	calls := []struct {
		name string
		call func() error
	}{
		{"Get", func() error { _, _, err := s.Get(ctx, "k"); return err }},
		{"GetMany", func() error { _, _, err := s.GetMany(ctx, []string{"k"}); return err }},
		{"List", func() error { _, _, err := s.List(ctx, "", store.ListOptions{}); return err }},
		{"Commit", func() error { _, err := s.Commit(ctx, ops(put("k", "w"))); return err }},
		{"Watch", func() error { _, err := s.Watch(ctx, "", 0); return err }},
		{"Revision", func() error { _, err := s.Revision(ctx); return err }},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s after Close: got %v, want ErrClosed", c.name, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close() = %v, want nil", err)
	}
}
