package ecsapi

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the Prometheus collectors of the edge:
//
//	berth_ecs_api_requests_total{operation, code}        counter
//	berth_ecs_api_request_duration_seconds{operation}    histogram
//
// operation is a model operation name, or "unknown" for requests that name
// no model operation; code is "OK" or the exception name answered. Nothing
// is registered globally: the caller registers Collectors on its registry.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// latencyBuckets span a cached Describe (sub-millisecond) to a slow RunTask
// waiting on the store (seconds).
var latencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// NewMetrics creates the edge's collectors, unregistered.
func NewMetrics() *Metrics {
	return &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "berth",
			Subsystem: "ecs_api",
			Name:      "requests_total",
			Help:      "ECS API requests answered, by operation and result code (OK or the exception name).",
		}, []string{"operation", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "berth",
			Subsystem: "ecs_api",
			Name:      "request_duration_seconds",
			Help:      "Time from receiving an ECS API request to writing its response, by operation.",
			Buckets:   latencyBuckets,
		}, []string{"operation"}),
	}
}

// Collectors returns the collectors to register, e.g.
// registry.MustRegister(m.Collectors()...).
func (m *Metrics) Collectors() []prometheus.Collector {
	return []prometheus.Collector{m.requests, m.duration}
}

// observe records one answered request. rt may be nil for requests that
// named no known operation.
func (m *Metrics) observe(rt *route, code string, elapsed time.Duration) {
	if m == nil {
		return
	}
	op := unknownOperation
	if rt != nil {
		op = rt.op
	}
	if rt != nil && rt.okCount != nil && code == codeOK {
		rt.okCount.Inc()
	} else {
		m.requests.WithLabelValues(op, code).Inc()
	}
	if rt != nil && rt.latency != nil {
		rt.latency.Observe(elapsed.Seconds())
	} else {
		m.duration.WithLabelValues(op).Observe(elapsed.Seconds())
	}
}
