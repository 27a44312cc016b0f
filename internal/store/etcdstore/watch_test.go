package etcdstore

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/store"
)

// next reads one event from ch.
func next(t *testing.T, ch <-chan store.Event) store.Event {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatalf("watch channel closed, want an event")
		}
		return ev
	case <-time.After(patience):
		t.Fatalf("no event for %s", patience)
	}
	return store.Event{}
}

// TestWatchResumeAfterCompaction follows the recovery the contract asks
// of a watcher: it stops, the history it would resume from is compacted
// meanwhile, resuming fails with store.ErrCompacted, and List then Watch
// from the List's revision carries on without losing a change.
func TestWatchResumeAfterCompaction(t *testing.T) {
	s := openStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	ch, err := s.Watch(ctx, "w/", 0)
	if err != nil {
		t.Fatalf("Watch = %v", err)
	}
	r1 := commit(t, s, ops(put("w/1", "a")))
	if ev := next(t, ch); ev.KV.Key != "w/1" || ev.KV.ModRevision != r1 {
		t.Fatalf("first event: got %s, want w/1 at %d", fmtKV(ev.KV), r1)
	}
	cancel()
	last := r1

	commit(t, s, ops(put("w/2", "b")))
	r3 := commit(t, s, ops(put("w/3", "c"), del("w/1")))
	if err := s.Compact(t.Context(), r3); err != nil {
		t.Fatalf("Compact(%d) = %v", r3, err)
	}
	if _, err := s.Watch(t.Context(), "w/", last); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("Watch from %d after Compact(%d): got %v, want ErrCompacted", last, r3, err)
	}

	kvs, listRev, err := s.List(t.Context(), "w/", store.ListOptions{})
	if err != nil || len(kvs) != 2 || listRev != r3 {
		t.Fatalf("List: got %d keys at %d (err %v), want w/2 and w/3 at %d", len(kvs), listRev, err, r3)
	}
	ch, err = s.Watch(t.Context(), "w/", listRev)
	if err != nil {
		t.Fatalf("Watch from the List's revision %d = %v", listRev, err)
	}
	r4 := commit(t, s, ops(put("w/4", "d")))
	if ev := next(t, ch); ev.KV.Key != "w/4" || ev.KV.ModRevision != r4 {
		t.Fatalf("event after the re-list: got %s, want w/4 at %d", fmtKV(ev.KV), r4)
	}
}

// TestWatchCompactionBoundary checks where ErrCompacted starts: after
// Compact(rev), Watch from any revision below rev fails and Watch from rev
// or later works, as in boltstore. Compacting again to an older revision
// is a no-op; compacting to a future one is an error.
func TestWatchCompactionBoundary(t *testing.T) {
	s := openStore(t)
	var revs []int64
	for i := range 4 {
		revs = append(revs, commit(t, s, ops(put(fmt.Sprintf("b/%d", i), "v"))))
	}
	compacted := revs[2]
	if err := s.Compact(t.Context(), compacted); err != nil {
		t.Fatalf("Compact(%d) = %v", compacted, err)
	}
	tests := []struct {
		fromRev   int64
		compacted bool
	}{
		{compacted - 2, true},
		{compacted - 1, true},
		{compacted, false},
		{compacted + 1, false},
		{compacted + 100, false}, // the future: waits for it
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("from %+d", tc.fromRev-compacted), func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			_, err := s.Watch(ctx, "b/", tc.fromRev)
			if got := errors.Is(err, store.ErrCompacted); got != tc.compacted || (!tc.compacted && err != nil) {
				t.Fatalf("Watch from %d after Compact(%d): got %v, want compacted=%v", tc.fromRev, compacted, err, tc.compacted)
			}
		})
	}
	if err := s.Compact(t.Context(), revs[0]); err != nil {
		t.Fatalf("Compact(%d) after Compact(%d): got %v, want nil", revs[0], compacted, err)
	}
	if err := s.Compact(t.Context(), revision(t, s)+1000); err == nil {
		t.Fatalf("Compact to a future revision: got nil, want an error")
	}
}
