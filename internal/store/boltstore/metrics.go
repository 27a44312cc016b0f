package boltstore

import "github.com/prometheus/client_golang/prometheus"

// Commit results, the values of the "result" label of commits_total.
const (
	resultOK       = "ok"
	resultConflict = "conflict"
	resultError    = "error"
)

// metrics are one Store's Prometheus collectors. They are not registered
// anywhere: main registers Collectors() on its registry.
type metrics struct {
	commitSeconds *prometheus.HistogramVec
	txSeconds     prometheus.Histogram
	groupSize     prometheus.Histogram
	commits       *prometheus.CounterVec
	watchers      prometheus.Gauge
}

func newMetrics() *metrics {
	return &metrics{
		commitSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "berth",
			Subsystem: "boltstore",
			Name:      "commit_duration_seconds",
			Help:      "Time from a Commit call to its durable result, including the wait for a group.",
			Buckets:   prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"result"}),
		txSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "berth",
			Subsystem: "boltstore",
			Name:      "transaction_duration_seconds",
			Help:      "Time one group-commit bbolt transaction took, fsync included.",
			Buckets:   prometheus.ExponentialBuckets(0.0005, 2, 14),
		}),
		groupSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "berth",
			Subsystem: "boltstore",
			Name:      "group_size_batches",
			Help:      "Batches applied in one group-commit transaction.",
			Buckets:   prometheus.ExponentialBuckets(1, 2, 10),
		}),
		commits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "berth",
			Subsystem: "boltstore",
			Name:      "commits_total",
			Help:      "Commit calls by result: ok, conflict (a condition failed) or error.",
		}, []string{"result"}),
		watchers: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "berth",
			Subsystem: "boltstore",
			Name:      "watchers",
			Help:      "Watch streams currently open.",
		}),
	}
}

// Collectors returns the store's Prometheus collectors, for the caller to
// register: commit latency, group-commit transaction latency and group
// size, commits by result, and open watchers.
func (s *Store) Collectors() []prometheus.Collector {
	m := s.metrics
	return []prometheus.Collector{m.commitSeconds, m.txSeconds, m.groupSize, m.commits, m.watchers}
}
