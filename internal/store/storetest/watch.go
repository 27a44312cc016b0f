package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/store"
)

// patience bounds how long the suite waits for an event before it reports
// it missing. It is a guard against hanging, not a speed check.
const patience = time.Minute

// watch starts a watch and fails the test on error.
func watch(t *testing.T, ctx context.Context, s store.Store, prefix string, fromRev int64) <-chan store.Event {
	t.Helper()
	ch, err := s.Watch(ctx, prefix, fromRev)
	if err != nil {
		t.Fatalf("Watch(%q, %d) = %v", prefix, fromRev, err)
	}
	return ch
}

// receive reads n events from ch.
func receive(t *testing.T, ch <-chan store.Event, n int) []store.Event {
	t.Helper()
	evs := make([]store.Event, 0, n)
	for len(evs) < n {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("watch channel closed after %d events, want %d", len(evs), n)
			}
			evs = append(evs, ev)
		case <-time.After(patience):
			t.Fatalf("no event for %s after %d events, want %d", patience, len(evs), n)
		}
	}
	return evs
}

// putEvent and delEvent build expected events.
func putEvent(key, value string, createRev, modRev int64) store.Event {
	return store.Event{Type: store.EventPut, KV: store.KV{Key: key, Value: []byte(value), CreateRevision: createRev, ModRevision: modRev}}
}

func delEvent(key string, modRev int64) store.Event {
	return store.Event{Type: store.EventDelete, KV: store.KV{Key: key, ModRevision: modRev}}
}

func wantEvents(t *testing.T, got, want []store.Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Type != want[i].Type || !sameKV(got[i].KV, want[i].KV) {
			t.Errorf("event %d: got %v %s, want %v %s", i, got[i].Type, fmtKV(got[i].KV), want[i].Type, fmtKV(want[i].KV))
		}
	}
}

// endMarker commits a marker under prefix and checks that it is the next
// event: nothing unexpected came before it.
func endMarker(t *testing.T, s store.Store, ch <-chan store.Event, prefix string) {
	t.Helper()
	rev := commit(t, s, ops(put(prefix+"~end", "")))
	wantEvents(t, receive(t, ch, 1), []store.Event{putEvent(prefix+"~end", "", rev, rev)})
}

// testWatchFromRevision replays history after a revision, filtered by
// prefix.
func testWatchFromRevision(t *testing.T, s store.Store) {
	rev0 := revision(t, s)
	r1 := commit(t, s, ops(put("a/1", "x")))
	r2 := commit(t, s, ops(put("b/1", "skip"), put("a/2", "y")))
	r3 := commit(t, s, ops(del("a/1"), put("a/2", "z")))
	tests := []struct {
		name    string
		fromRev int64
		want    []store.Event
	}{
		{"from the start", rev0, []store.Event{
			putEvent("a/1", "x", r1, r1), putEvent("a/2", "y", r2, r2), delEvent("a/1", r3), putEvent("a/2", "z", r2, r3),
		}},
		{"from the middle", r2, []store.Event{delEvent("a/1", r3), putEvent("a/2", "z", r2, r3)}},
		{"from the end", r3, nil},
	}
	chans := make([]<-chan store.Event, len(tests))
	for i, tc := range tests {
		chans[i] = watch(t, t.Context(), s, "a/", tc.fromRev)
	}
	// A marker after the history shows that nothing else is delivered.
	end := commit(t, s, ops(put("a/~end", "")))
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := append(tc.want, putEvent("a/~end", "", end, end))
			wantEvents(t, receive(t, chans[i], len(want)), want)
		})
	}
}

// testWatchLive checks that a watch from now sees later commits only.
func testWatchLive(t *testing.T, s store.Store) {
	commit(t, s, ops(put("l/old", "1")))
	ch := watch(t, t.Context(), s, "l/", 0)
	rev := commit(t, s, ops(put("l/new", "2")))
	wantEvents(t, receive(t, ch, 1), []store.Event{putEvent("l/new", "2", rev, rev)})
}

// testWatchResume stops a watch midway and resumes from the last revision
// it delivered: no event is lost or repeated.
func testWatchResume(t *testing.T, s store.Store) {
	rev0 := revision(t, s)
	var want []store.Event
	for i := range 5 {
		key := fmt.Sprintf("r/%d", i)
		rev := commit(t, s, ops(put(key, "v")))
		want = append(want, putEvent(key, "v", rev, rev))
	}
	ctx, cancel := context.WithCancel(t.Context())
	first := receive(t, watch(t, ctx, s, "r/", rev0), 2)
	cancel()
	wantEvents(t, first, want[:2])

	ch := watch(t, t.Context(), s, "r/", first[1].KV.ModRevision)
	wantEvents(t, receive(t, ch, 3), want[2:])
	endMarker(t, s, ch, "r/")
}

// testWatchCompacted checks ErrCompacted after a compaction, and that
// watching from the compaction revision still works.
func testWatchCompacted(t *testing.T, s store.Store) {
	c, ok := s.(store.Compactor)
	if !ok {
		t.Skip("backend does not implement store.Compactor")
	}
	rev0 := revision(t, s)
	var revs []int64
	for i := range 5 {
		revs = append(revs, commit(t, s, ops(put(fmt.Sprintf("c/%d", i), "v"))))
	}
	if err := c.Compact(t.Context(), revs[3]); err != nil {
		t.Fatalf("Compact(%d) = %v", revs[3], err)
	}
	if _, err := s.Watch(t.Context(), "c/", rev0); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("Watch from %d after Compact(%d): got %v, want ErrCompacted", rev0, revs[3], err)
	}
	ch := watch(t, t.Context(), s, "c/", revs[3])
	wantEvents(t, receive(t, ch, 1), []store.Event{putEvent("c/4", "v", revs[4], revs[4])})
}

// testWatchOrdering commits from several goroutines at once and checks
// that a watcher sees every batch once, in revision order, with each
// batch's events in its operation order.
func testWatchOrdering(t *testing.T, s store.Store) {
	const writers, each = 8, 10
	rev0 := revision(t, s)
	ch := watch(t, t.Context(), s, "o/", rev0)
	var mu sync.Mutex
	batches := map[int64][]string{} // revision -> keys in op order
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				keys := []string{fmt.Sprintf("o/%d/%d/b", w, i), fmt.Sprintf("o/%d/%d/a", w, i)}
				rev, err := s.Commit(t.Context(), ops(put(keys[0], "1"), put(keys[1], "2")))
				if err != nil {
					t.Errorf("Commit = %v", err)
					return
				}
				mu.Lock()
				batches[rev] = keys
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(batches) != writers*each {
		t.Fatalf("distinct commit revisions: got %d, want %d", len(batches), writers*each)
	}
	evs := receive(t, ch, 2*writers*each)
	last := rev0
	for i := 0; i < len(evs); i += 2 {
		rev := evs[i].KV.ModRevision
		if rev <= last {
			t.Fatalf("event %d: revision %d after %d, want increasing", i, rev, last)
		}
		last = rev
		keys, ok := batches[rev]
		if !ok {
			t.Fatalf("event %d: revision %d was not returned by any Commit", i, rev)
		}
		if evs[i].KV.Key != keys[0] || evs[i+1].KV.Key != keys[1] || evs[i+1].KV.ModRevision != rev {
			t.Fatalf("events %d-%d: got %s, %s, want %q then %q at revision %d", i, i+1, fmtKV(evs[i].KV), fmtKV(evs[i+1].KV), keys[0], keys[1], rev)
		}
	}
	endMarker(t, s, ch, "o/")
}

// testWatchEndsWithContext checks that ending the context closes the
// channel.
func testWatchEndsWithContext(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	ch := watch(t, ctx, s, "e/", 0)
	cancel()
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-time.After(patience):
			t.Fatalf("watch channel still open %s after its context ended", patience)
		}
	}
}
