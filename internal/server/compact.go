package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/berth-io/berth/internal/store"
)

// compactStepTimeout bounds one compaction step (a revision read and a
// compaction), so that an unreachable cluster cannot hold the loop.
const compactStepTimeout = 30 * time.Second

// compaction trims a store's history periodically. Each step compacts to
// the revision the previous step read, and reads the current one, so the
// store always keeps at least one period of history: a reader or watcher
// less than a period behind never sees its revision compacted.
type compaction struct {
	st    store.Store
	c     store.Compactor
	every time.Duration
	log   *slog.Logger

	// prev is the revision the previous step read; done is the revision
	// last compacted to.
	prev, done int64

	revision prometheus.Gauge
	runs     *prometheus.CounterVec
}

// newCompaction returns the compaction of st every period.
func newCompaction(st store.Store, c store.Compactor, every time.Duration, log *slog.Logger) *compaction {
	return &compaction{
		st: st, c: c, every: every, log: log,
		revision: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "berth_store_compacted_revision",
			Help: "Revision the server last compacted the store's history to.",
		}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "berth_store_compactions_total",
			Help: "Compactions of the store's history the server attempted, by result (ok or error).",
		}, []string{"result"}),
	}
}

// collectors returns the compaction's metrics.
func (c *compaction) collectors() []prometheus.Collector {
	return []prometheus.Collector{c.revision, c.runs}
}

// run steps at once (to note the starting revision) and then every period
// until ctx ends.
func (c *compaction) run(ctx context.Context) {
	c.log.Info("store compaction scheduled", "interval", c.every)
	c.step(ctx)
	t := time.NewTicker(c.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.step(ctx)
		}
	}
}

// step compacts to the revision the previous step read, if that is past
// the last compaction, and then reads the current revision for the next
// step. A failure is logged and retried at the next step.
func (c *compaction) step(parent context.Context) {
	ctx, cancel := context.WithTimeout(parent, compactStepTimeout)
	defer cancel()
	if c.prev > c.done {
		if err := c.c.Compact(ctx, c.prev); err != nil {
			if parent.Err() == nil { // not shutting down
				c.runs.WithLabelValues("error").Inc()
				c.log.Warn("store compaction failed", "revision", c.prev, "err", err)
			}
		} else {
			c.done = c.prev
			c.runs.WithLabelValues("ok").Inc()
			c.revision.Set(float64(c.done))
			c.log.Info("compacted store history", "revision", c.done)
		}
	}
	rev, err := c.st.Revision(ctx)
	if err != nil {
		if parent.Err() == nil {
			c.log.Warn("store compaction: reading the revision failed", "err", err)
		}
		return
	}
	c.prev = rev
}
