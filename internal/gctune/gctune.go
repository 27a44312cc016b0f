// Package gctune sets the garbage collector's target of a long-running
// berth process from its live heap, so that a small heap is not collected
// over and over while a large one keeps Go's default.
//
// At Go's default (GOGC=100) the heap may grow by as much as is live
// before the next collection. The control plane's live heap under load is
// a few hundred MiB of caches and indexes, and it allocates quickly, so at
// the default it collects every second or so and the collector takes
// several percent of its CPU. The tuner instead gives the heap at least
// MinHeadroom of room to grow, and never less than the default: a heap of
// 200 MiB grows to about 712 MiB between collections instead of 400 MiB,
// and a heap of 512 MiB or more is collected exactly as by default, so
// the resident memory of large stores does not change. GOGC in the
// environment is the user's choice and turns the tuner off.
package gctune

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

const (
	// MinHeadroom is how far the heap may grow past the live heap before
	// a collection, at the least.
	MinHeadroom = 512 << 20
	// minPercent and maxPercent bound the GOGC the tuner sets: never
	// below Go's default, and never more than five times the live heap.
	minPercent = 100
	maxPercent = 400
	// interval is how often the tuner reads the live heap.
	interval = time.Second
	// liveHeapMetric is the live heap as of the last collection.
	liveHeapMetric = "/gc/heap/live:bytes"
)

// Percent returns the GOGC that lets a live heap of live bytes grow by
// MinHeadroom before the next collection, within [100, 400].
func Percent(live uint64) int {
	if live == 0 {
		return maxPercent
	}
	p := uint64(MinHeadroom) * 100 / live
	return int(min(max(p, minPercent), maxPercent))
}

// Start sets the collector's target now and then once every interval
// from the live heap, until ctx ends. It does nothing when getenv("GOGC")
// is set.
func Start(ctx context.Context, getenv func(string) string) {
	if getenv("GOGC") != "" {
		return
	}
	sample := []metrics.Sample{{Name: liveHeapMetric}}
	tune := func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			debug.SetGCPercent(Percent(sample[0].Value.Uint64()))
		}
	}
	tune()
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				tune()
			}
		}
	}()
}
