package bench

import (
	"math"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram bounds: latencies are recorded in microseconds from 1 µs to
// one minute with 3 significant digits: values below 2048 µs are exact,
// larger ones are reported as the top of their bucket, within 0.1% (3000
// µs reads 3001). Longer calls are recorded as one minute.
const (
	histMinUS   = 1
	histMaxUS   = int64(time.Minute / time.Microsecond)
	histSigFigs = 3
)

// newHistogram returns an empty latency histogram.
func newHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(histMinUS, histMaxUS, histSigFigs)
}

// recordLatency adds d to h, clamped to the histogram's range.
func recordLatency(h *hdrhistogram.Histogram, d time.Duration) {
	us := d.Microseconds()
	us = max(us, histMinUS)
	us = min(us, histMaxUS)
	// The value is within range, so RecordValue cannot fail.
	_ = h.RecordValue(us)
}

// LatencySummary summarises the latencies of a run's successful calls, in
// microseconds. Percentiles are HDR histogram values: the largest latency
// at or below which that share of the calls fell.
type LatencySummary struct {
	Count int64   `json:"count"`
	Min   int64   `json:"min_us"`
	Mean  float64 `json:"mean_us"`
	P50   int64   `json:"p50_us"`
	P90   int64   `json:"p90_us"`
	P99   int64   `json:"p99_us"`
	Max   int64   `json:"max_us"`
}

// summarize returns h's summary; an empty histogram gives all zeros.
func summarize(h *hdrhistogram.Histogram) LatencySummary {
	if h.TotalCount() == 0 {
		return LatencySummary{}
	}
	return LatencySummary{
		Count: h.TotalCount(),
		Min:   h.Min(),
		Mean:  math.Round(h.Mean()*10) / 10,
		P50:   h.ValueAtQuantile(50),
		P90:   h.ValueAtQuantile(90),
		P99:   h.ValueAtQuantile(99),
		Max:   h.Max(),
	}
}
