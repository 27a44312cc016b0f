package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/berth-io/berth/internal/store"
)

// wantKVs checks a GetMany answer against want, entry by entry.
func wantKVs(t *testing.T, keys []string, got, want []store.KV) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("GetMany(%q): got %d entries, want %d", keys, len(got), len(want))
	}
	for i := range want {
		if !sameKV(got[i], want[i]) {
			t.Errorf("GetMany entry %d: got %s, want %s", i, fmtKV(got[i]), fmtKV(want[i]))
		}
	}
}

// getMany calls GetMany and fails the test on error.
func getMany(t *testing.T, s store.Store, keys []string) ([]store.KV, int64) {
	t.Helper()
	kvs, rev, err := s.GetMany(t.Context(), keys)
	if err != nil {
		t.Fatalf("GetMany(%d keys) = %v", len(keys), err)
	}
	return kvs, rev
}

// testGetMany reads present, updated, deleted, never-written and repeated
// keys, in the order asked, with the revision of the read.
func testGetMany(t *testing.T, s store.Store) {
	r1 := commit(t, s, ops(put("a", "1"), put("b", "2"), put("c", "3")))
	r2 := commit(t, s, ops(put("b", "2b")))
	r3 := commit(t, s, ops(del("c")))
	a := store.KV{Key: "a", Value: []byte("1"), CreateRevision: r1, ModRevision: r1}
	b := store.KV{Key: "b", Value: []byte("2b"), CreateRevision: r1, ModRevision: r2}
	tests := []struct {
		name string
		keys []string
		want []store.KV
	}{
		{"none", nil, nil},
		{"one", []string{"a"}, []store.KV{a}},
		{"updated", []string{"b"}, []store.KV{b}},
		{"deleted", []string{"c"}, []store.KV{{Key: "c"}}},
		{"never written", []string{"zz"}, []store.KV{{Key: "zz"}}},
		{"request order", []string{"b", "zz", "a"}, []store.KV{b, {Key: "zz"}, a}},
		{"repeated", []string{"a", "c", "a"}, []store.KV{a, {Key: "c"}, a}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kvs, rev := getMany(t, s, tc.keys)
			wantKVs(t, tc.keys, kvs, tc.want)
			if rev != r3 {
				t.Errorf("GetMany(%q) revision: got %d, want %d", tc.keys, rev, r3)
			}
		})
	}
}

// testGetManyParts reads more keys than one batch may hold (etcd reads them
// in several Txns) and checks every answer is the right one, in order.
func testGetManyParts(t *testing.T, s store.Store) {
	var keys []string
	var want []store.KV
	var rev int64
	for part := range 3 {
		b := store.Batch{}
		for i := range store.MaxOps {
			b.Ops = append(b.Ops, put(fmt.Sprintf("p/%d/%03d", part, i), fmt.Sprintf("v%d.%d", part, i)))
		}
		rev = commit(t, s, b)
		// Newest first, each present key followed by a missing one.
		for i := len(b.Ops) - 1; i >= 0; i-- {
			op := b.Ops[i]
			keys = append(keys, op.Key, op.Key+"/missing")
			want = append(want, store.KV{Key: op.Key, Value: op.Value, CreateRevision: rev, ModRevision: rev}, store.KV{Key: op.Key + "/missing"})
		}
	}
	kvs, got := getMany(t, s, keys)
	wantKVs(t, nil, kvs, want)
	if got != rev {
		t.Errorf("GetMany revision: got %d, want %d", got, rev)
	}
}

// testGetManySnapshot reads two keys that every batch of a concurrent
// writer sets to the same value, with more than two batches' worth of keys
// between them: a read that is not one snapshot sees them differ, or sees
// a revision newer than the one it reports.
func testGetManySnapshot(t *testing.T, s store.Store) {
	keys := []string{"snap/first"}
	for i := range 2*store.MaxOps + 1 {
		keys = append(keys, fmt.Sprintf("snap/filler/%03d", i))
	}
	keys = append(keys, "snap/last")
	commit(t, s, ops(put("snap/first", "0"), put("snap/last", "0")))

	ctx, cancel := context.WithCancel(t.Context())
	var writes atomic.Int64
	var writer sync.WaitGroup
	var writeErr error
	stop := func() {
		cancel()
		writer.Wait()
	}
	defer stop()
	writer.Go(func() {
		for n := 1; ctx.Err() == nil; n++ {
			v := fmt.Sprint(n)
			if _, err := s.Commit(ctx, ops(put("snap/first", v), put("snap/last", v))); err != nil {
				if ctx.Err() == nil {
					writeErr = err
				}
				return
			}
			writes.Add(1)
		}
	})
	// Read until the writer has committed during at least ten reads.
	for reads, overlapped := 0, 0; overlapped < 10 && reads < 10000; reads++ {
		before := writes.Load()
		kvs, rev := getMany(t, s, keys)
		if writes.Load() != before {
			overlapped++
		}
		first, last := kvs[0], kvs[len(kvs)-1]
		if string(first.Value) != string(last.Value) || first.ModRevision != last.ModRevision {
			t.Fatalf("GetMany read %d: got first %s and last %s, want one batch's values", reads, fmtKV(first), fmtKV(last))
		}
		if last.ModRevision > rev {
			t.Fatalf("GetMany read %d: got %s at revision %d, want a ModRevision at most the read's revision", reads, fmtKV(last), rev)
		}
	}
	stop()
	if writeErr != nil {
		t.Fatalf("concurrent Commit = %v", writeErr)
	}
}

// testGetManyRefused checks what GetMany refuses before reading, and that
// its values are the caller's copies.
func testGetManyRefused(t *testing.T, s store.Store) {
	rev := commit(t, s, ops(put("k", "before"), put("l", "other")))
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		keys    []string
		wantErr error
	}{
		{"empty key", t.Context(), []string{"k", ""}, store.ErrInvalidKey},
		{"key too long", t.Context(), []string{strings.Repeat("k", store.MaxKeyBytes+1)}, store.ErrInvalidKey},
		{"canceled context", canceled, []string{"k"}, context.Canceled},
	}
	for _, tc := range tests {
		if _, _, err := s.GetMany(tc.ctx, tc.keys); !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: GetMany: got %v, want %v", tc.name, err, tc.wantErr)
		}
	}
	kvs, _ := getMany(t, s, []string{"k", "l"})
	copy(kvs[0].Value, "XXXXXX")
	kvs[0].Value = append(kvs[0].Value, "-appended"...)
	wantKV(t, s, "k", "before", rev, rev)
	wantKV(t, s, "l", "other", rev, rev)
}
