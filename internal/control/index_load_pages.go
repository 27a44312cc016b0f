package control

import (
	"context"
	"os"
	"runtime"
	"sort"
	"sync"

	"github.com/berth-io/berth/internal/store"
)

// Reading a prefix for the load
//
// The load (index_load.go) reads every key under a prefix, a page of
// listPage keys at a time, and decodes the pages on every core while the
// calling goroutine applies them in key order. With a cold page cache the
// reads dominate: the bbolt leaf pages of one prefix lie scattered over
// the file (a million task summaries sit on ~100,000 pages spread over all
// of a 2.5 GB file), and a single lister waits for one read at a time. So
// the keys are cut into ranges (listRanges, index_load_ranges.go) that
// listers read at once; the decoders take the earliest range's pages
// first, and the applier takes the ranges in order.

// loadPages lists every key under prefix and calls apply for every record
// in key order on the calling goroutine, the records decoded on up to
// GOMAXPROCS goroutines (each with its own decoder from newDecoder). It
// stops at the first error.
func loadPages[T any](ctx context.Context, st store.Store, prefix string, newDecoder func() func(store.KV) (*T, error), apply func(store.KV, *T)) error {
	type records struct {
		kvs  []store.KV
		recs []*T
	}
	newPageDecoder := func() func([]store.KV) (records, error) {
		decode := newDecoder()
		return func(kvs []store.KV) (records, error) {
			recs := make([]*T, len(kvs))
			for i, kv := range kvs {
				var err error
				if recs[i], err = decode(kv); err != nil {
					return records{}, err
				}
			}
			return records{kvs, recs}, nil
		}
	}
	return streamPages(ctx, st, prefix, newPageDecoder, func(p records) {
		for i, kv := range p.kvs {
			apply(kv, p.recs[i])
		}
	})
}

// loadPage is one page of keys on its way from a lister through a
// decoder to the applier; done is closed once out (or err) is set.
type loadPage[P any] struct {
	kvs  []store.KV
	out  P
	err  error
	done chan struct{}
}

// loadListers is how many goroutines list the pages of a load, each its
// own range of keys: with a cold page cache, the load waits for reads of
// pages scattered over the file, and several at once go faster.
const loadListers = 8

// rangeBuffer is how many listed pages of a range may wait for the
// applier to reach it (decoded, they cost it little), and rangeAhead how
// many of them may wait for a decoder.
const (
	rangeBuffer = 4096
	rangeAhead  = 4
)

// streamPages lists every key under prefix, listPage keys at a time, in
// up to loadListers ranges at once (listRanges), decodes the pages on up
// to GOMAXPROCS goroutines (each with its own decoder from newDecoder) and
// calls apply for every decoded page in key order on the calling
// goroutine. It stops at the first error.
func streamPages[P any](ctx context.Context, st store.Store, prefix string, newDecoder func() func([]store.KV) (P, error), apply func(P)) error {
	cuts, err := listRanges(ctx, st, prefix, loadListers)
	if err != nil {
		return err
	}
	workers := runtime.GOMAXPROCS(0)
	ordered := make([]chan *loadPage[P], len(cuts)+1) // per range, to the applier in key order
	// A lister that waits for a page of bbolt's file to be read (a fault
	// of its memory map, not a system call) keeps its P: with no more Ps
	// than CPUs, waiting listers would leave the decoders none, and the
	// reads would not overlap. Such a wait uses no CPU.
	defer raiseProcs(workers + len(ordered))()
	ctx, cancel := context.WithCancel(ctx)
	queue := newDecodeQueue[P](len(ordered))
	defer context.AfterFunc(ctx, queue.cancel)()
	var wg sync.WaitGroup
	defer func() {
		cancel()
		for _, ch := range ordered { // lets the listers end
			for range ch {
			}
		}
		wg.Wait()
	}()
	for i := range ordered {
		ordered[i] = make(chan *loadPage[P], rangeBuffer)
		after, until := "", ""
		if i > 0 {
			after = cuts[i-1]
		}
		if i < len(cuts) {
			until = cuts[i]
		}
		wg.Go(func() {
			defer queue.listed()
			listPages(ctx, st, prefix, after, until, ordered[i], func(p *loadPage[P]) bool { return queue.put(i, p) })
		})
	}
	for range workers {
		wg.Go(func() {
			decode := newDecoder()
			for p := queue.take(); p != nil; p = queue.take() {
				p.out, p.err = decode(p.kvs)
				p.kvs = nil // garbage once decoded
				close(p.done)
			}
		})
	}
	for _, ch := range ordered {
		for p := range ch {
			<-p.done
			if p.err != nil {
				return p.err
			}
			apply(p.out)
		}
	}
	return ctx.Err()
}

// decodeQueue hands the listed pages of the ranges to the decoders, the
// earliest range's first: the applier waits for those, and a decoder
// takes a later range's page only when none of an earlier one waits (as
// when listers wait for reads), so decoding never runs far ahead of
// applying, and at most rangeAhead pages of a range wait to be decoded.
type decodeQueue[P any] struct {
	mu       sync.Mutex
	changed  sync.Cond // a page came or went, a lister ended, or cancel
	pending  [][]*loadPage[P]
	listing  int // listers not ended
	canceled bool
}

func newDecodeQueue[P any](ranges int) *decodeQueue[P] {
	q := &decodeQueue[P]{pending: make([][]*loadPage[P], ranges), listing: ranges}
	q.changed.L = &q.mu
	return q
}

// put queues a page of range i once the range has room; false when the
// load was canceled.
func (q *decodeQueue[P]) put(i int, p *loadPage[P]) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.pending[i]) >= rangeAhead && !q.canceled {
		q.changed.Wait()
	}
	if q.canceled {
		return false
	}
	q.pending[i] = append(q.pending[i], p)
	q.changed.Broadcast()
	return true
}

// take returns the earliest waiting page, waiting for one; nil once every
// lister has ended and no page waits, or the load was canceled.
func (q *decodeQueue[P]) take() *loadPage[P] {
	q.mu.Lock()
	defer q.mu.Unlock()
	for !q.canceled {
		for i, ps := range q.pending {
			if len(ps) > 0 {
				q.pending[i] = ps[1:]
				q.changed.Broadcast()
				return ps[0]
			}
		}
		if q.listing == 0 {
			return nil
		}
		q.changed.Wait()
	}
	return nil
}

// listed records that a lister has ended.
func (q *decodeQueue[P]) listed() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.listing--
	q.changed.Broadcast()
}

// cancel ends the waits of put and take.
func (q *decodeQueue[P]) cancel() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.canceled = true
	q.changed.Broadcast()
}

// raiseProcs raises GOMAXPROCS to n, if it is less, until restore is
// called. restore puts back the runtime's default (which follows the
// CPUs the process may use) when that was the setting, else the setting.
func raiseProcs(n int) (restore func()) {
	prev := runtime.GOMAXPROCS(0)
	if n <= prev {
		return func() {}
	}
	runtime.GOMAXPROCS(n)
	return func() {
		if os.Getenv("GOMAXPROCS") == "" {
			runtime.SetDefaultGOMAXPROCS()
		}
		if runtime.GOMAXPROCS(0) != prev {
			runtime.GOMAXPROCS(prev)
		}
	}
}

// listPages reads the pages of one range of streamPages: the keys under
// prefix after after ("" from the first) up to and including until (""
// to the last). Every page goes to ordered before it goes to the
// decoders (put), so the applier only ever waits for a page a decoder
// has or will get. A failed List is handed on as a page that carries the
// error. It closes ordered when done.
func listPages[P any](ctx context.Context, st store.Store, prefix, after, until string, ordered chan<- *loadPage[P], put func(*loadPage[P]) bool) {
	defer close(ordered)
	for more := true; more; {
		p := &loadPage[P]{done: make(chan struct{})}
		p.kvs, _, p.err = st.List(ctx, prefix, store.ListOptions{StartAfter: after, Limit: listPage})
		more = p.err == nil && len(p.kvs) == listPage
		if n := len(p.kvs); n > 0 && until != "" && p.kvs[n-1].Key > until {
			p.kvs = p.kvs[:sort.Search(n, func(i int) bool { return p.kvs[i].Key > until })]
			more = false
		}
		if len(p.kvs) > 0 {
			after = p.kvs[len(p.kvs)-1].Key
		} else if p.err == nil {
			return
		}
		if p.err != nil {
			close(p.done)
		}
		select {
		case ordered <- p:
		case <-ctx.Done():
			return
		}
		if p.err != nil || !put(p) {
			return
		}
	}
}
