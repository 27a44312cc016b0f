package boltstore

import (
	"errors"
	"fmt"
	"testing"

	"github.com/berth-io/berth/internal/store"
)

// commitPuts commits n single-put batches under prefix and returns their
// revisions.
func commitPuts(t *testing.T, s *Store, prefix string, n int) []int64 {
	t.Helper()
	revs := make([]int64, n)
	for i := range n {
		rev, err := s.Commit(t.Context(), store.Batch{Ops: []store.Op{putOp(fmt.Sprintf("%s%03d", prefix, i), "v")}})
		if err != nil {
			t.Fatalf("Commit = %v", err)
		}
		revs[i] = rev
	}
	return revs
}

// TestWatchRingEvicts checks that a watch from a revision whose events
// left the ring fails with ErrCompacted, and that one from the ring's
// horizon replays what is left.
func TestWatchRingEvicts(t *testing.T) {
	const history = 4
	s := openTemp(t, Options{WatchHistory: history, NoSync: true})
	rev0, _ := s.Revision(t.Context())
	revs := commitPuts(t, s, "k/", 6) // the ring keeps the last 4
	tests := []struct {
		fromRev   int64
		wantErr   error
		wantFirst int64
	}{
		{fromRev: rev0, wantErr: store.ErrCompacted},
		{fromRev: revs[0], wantErr: store.ErrCompacted},
		{fromRev: revs[1], wantFirst: revs[2]},
		{fromRev: revs[4], wantFirst: revs[5]},
	}
	for _, tc := range tests {
		ch, err := s.Watch(t.Context(), "k/", tc.fromRev)
		if tc.wantErr != nil {
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("Watch from %d: got %v, want %v", tc.fromRev, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Watch from %d = %v", tc.fromRev, err)
		}
		if ev := <-ch; ev.KV.ModRevision != tc.wantFirst {
			t.Errorf("Watch from %d: first event at %d, want %d", tc.fromRev, ev.KV.ModRevision, tc.wantFirst)
		}
	}
}

// TestSlowWatcherIsClosed leaves a watcher unread while many more events
// than the ring holds are committed: commits go on, and the watcher's
// channel delivers a gap-free prefix of the events and is then closed
// although its context is live.
func TestSlowWatcherIsClosed(t *testing.T) {
	const history, commits = 8, 200
	s := openTemp(t, Options{WatchHistory: history, NoSync: true})
	ch, err := s.Watch(t.Context(), "k/", 0)
	if err != nil {
		t.Fatalf("Watch = %v", err)
	}
	revs := commitPuts(t, s, "k/", commits)
	n := 0
	for ev := range ch {
		if ev.KV.ModRevision != revs[n] {
			t.Fatalf("event %d: revision %d, want %d", n, ev.KV.ModRevision, revs[n])
		}
		n++
	}
	if n >= commits {
		t.Fatalf("slow watcher got all %d events, want its channel closed early", n)
	}
}

// TestCompactFuture checks that compacting past the current revision is
// refused.
func TestCompactFuture(t *testing.T) {
	s := openTemp(t, Options{NoSync: true})
	rev, _ := s.Revision(t.Context())
	if err := s.Compact(t.Context(), rev+1); err == nil {
		t.Fatalf("Compact(%d) at revision %d: got nil, want an error", rev+1, rev)
	}
}

// TestCloseEndsWatches checks that Close closes open watch channels.
func TestCloseEndsWatches(t *testing.T) {
	s, err := Open(t.TempDir()+"/berth.db", Options{NoSync: true})
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	ch, err := s.Watch(t.Context(), "", 0)
	if err != nil {
		t.Fatalf("Watch = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	for range ch {
	}
}
