package boltstore

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/berth-io/berth/internal/store"
)

// Per-watcher tuning: the channel buffer, and how many events a watcher
// copies out of the ring (and how many ring slots it scans) per lock.
const (
	watchChanBuffer = 64
	watchChunk      = 256
	watchScan       = 4096
)

// hub is the in-memory ring of recent events that Watch replays and
// follows. Event number seq lives in ring[seq%len(ring)]; the ring holds
// seqs [head-size, head).
type hub struct {
	mu   sync.Mutex
	ring []store.Event
	head uint64
	size int
	// compacted is the oldest fromRev Watch accepts: every event with a
	// revision above it is still in the ring or yet to come.
	compacted int64
	// notify is closed and replaced on every publish, waking watchers.
	notify chan struct{}
	closed bool
	done   chan struct{}
}

func newHub(capacity int, rev int64) *hub {
	return &hub{
		ring:      make([]store.Event, capacity),
		compacted: rev,
		notify:    make(chan struct{}),
		done:      make(chan struct{}),
	}
}

// publish appends the events of committed batches, in revision order,
// evicting the oldest when the ring is full.
func (h *hub) publish(events []store.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ev := range events {
		slot := int(h.head % uint64(len(h.ring)))
		if h.size == len(h.ring) {
			h.compacted = max(h.compacted, h.ring[slot].KV.ModRevision)
			h.size--
		}
		h.ring[slot] = ev
		h.head++
		h.size++
	}
	close(h.notify)
	h.notify = make(chan struct{})
}

// compact raises the oldest revision Watch accepts to rev. The events stay
// in the ring, so running watchers are not disturbed.
func (h *hub) compact(rev int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.compacted = max(h.compacted, rev)
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	close(h.done)
	close(h.notify)
}

// start finds the seq of the first event with a revision above fromRev.
func (h *hub) start(fromRev int64) (uint64, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return 0, store.ErrClosed
	}
	if fromRev < h.compacted {
		return 0, fmt.Errorf("%w: watch from revision %d, the oldest still known is %d", store.ErrCompacted, fromRev, h.compacted)
	}
	oldest := h.head - uint64(h.size)
	i := sort.Search(h.size, func(i int) bool {
		return h.at(oldest+uint64(i)).KV.ModRevision > fromRev
	})
	return oldest + uint64(i), nil
}

func (h *hub) at(seq uint64) *store.Event {
	return &h.ring[seq%uint64(len(h.ring))]
}

// watcher follows the ring from its cursor for one Watch call.
type watcher struct {
	hub     *hub
	prefix  string
	fromRev int64
	cursor  uint64
	ch      chan store.Event
}

// next copies the next matching events from the ring and moves the cursor
// past them. behind reports that the cursor was overwritten; wait is the
// channel to wait on when there is nothing new, and closed tells that no
// more events will come.
func (w *watcher) next(buf []store.Event) (evs []store.Event, behind bool, wait <-chan struct{}, closed bool) {
	h := w.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if w.cursor < h.head-uint64(h.size) {
		return nil, true, nil, false
	}
	evs = buf[:0]
	for scanned := 0; w.cursor < h.head && scanned < watchScan && len(evs) < watchChunk; scanned++ {
		ev := h.at(w.cursor)
		w.cursor++
		if ev.KV.ModRevision <= w.fromRev || !strings.HasPrefix(ev.KV.Key, w.prefix) {
			continue
		}
		evs = append(evs, copyEvent(*ev))
	}
	return evs, false, h.notify, h.closed && w.cursor == h.head
}

// copyEvent gives each watcher its own value bytes.
func copyEvent(ev store.Event) store.Event {
	if ev.KV.Value != nil {
		ev.KV.Value = append([]byte(nil), ev.KV.Value...)
	}
	return ev
}

// run feeds the watcher's channel until ctx ends, the store closes, or the
// watcher falls behind the ring; then it closes the channel.
func (w *watcher) run(ctx context.Context, m *metrics) {
	m.watchers.Inc()
	defer m.watchers.Dec()
	defer close(w.ch)
	buf := make([]store.Event, 0, watchChunk)
	for {
		evs, behind, wait, closed := w.next(buf)
		if behind || closed {
			return
		}
		for _, ev := range evs {
			select {
			case w.ch <- ev:
			case <-ctx.Done():
				return
			case <-w.hub.done:
				return
			}
		}
		if len(evs) > 0 {
			continue
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return
		}
	}
}

// Watch streams the changes under prefix with a revision above fromRev;
// see store.Store. fromRev 0 means from the current revision.
func (s *Store) Watch(ctx context.Context, prefix string, fromRev int64) (<-chan store.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if fromRev < 0 {
		return nil, fmt.Errorf("boltstore: watch from negative revision %d", fromRev)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, store.ErrClosed
	}
	if fromRev == 0 {
		fromRev = s.rev.Load()
	}
	cursor, err := s.hub.start(fromRev)
	if err != nil {
		return nil, err
	}
	w := &watcher{hub: s.hub, prefix: prefix, fromRev: fromRev, cursor: cursor, ch: make(chan store.Event, watchChanBuffer)}
	go w.run(ctx, s.metrics)
	return w.ch, nil
}

// Compact makes Watch refuse revisions below rev with store.ErrCompacted,
// as etcd does after a compaction. bbolt keeps no history, so only the
// watch ring's horizon moves; running watchers carry on.
func (s *Store) Compact(ctx context.Context, rev int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return store.ErrClosed
	}
	if cur := s.rev.Load(); rev > cur {
		return fmt.Errorf("boltstore: compact to revision %d: the store is at revision %d", rev, cur)
	}
	s.hub.compact(rev)
	return nil
}
