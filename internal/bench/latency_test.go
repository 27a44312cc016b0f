package bench

import (
	"testing"
	"time"
)

// summaryOf records each latency (in µs) into a new histogram and
// summarises it.
func summaryOf(us ...int64) LatencySummary {
	h := newHistogram()
	for _, v := range us {
		recordLatency(h, time.Duration(v)*time.Microsecond)
	}
	return summarize(h)
}

// oneToN is 1, 2, ..., n.
func oneToN(n int64) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i) + 1
	}
	return out
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name string
		us   []int64
		want LatencySummary
	}{
		{name: "empty", us: nil, want: LatencySummary{}},
		{name: "one value", us: []int64{42}, want: LatencySummary{Count: 1, Min: 42, Mean: 42, P50: 42, P90: 42, P99: 42, Max: 42}},
		// Below 2048 µs the histogram is exact: the percentiles are the
		// values ranked 500, 900 and 990 of 1..1000.
		{name: "1 to 1000", us: oneToN(1000), want: LatencySummary{Count: 1000, Min: 1, Mean: 500.5, P50: 500, P90: 900, P99: 990, Max: 1000}},
		{name: "skewed", us: append(oneToN(99), 2000), want: LatencySummary{Count: 100, Min: 1, Mean: 69.5, P50: 50, P90: 90, P99: 99, Max: 2000}},
		// Zero and sub-microsecond calls count as 1 µs.
		{name: "below the floor", us: []int64{0, 0}, want: LatencySummary{Count: 2, Min: 1, Mean: 1, P50: 1, P90: 1, P99: 1, Max: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summaryOf(tt.us...)
			if got != tt.want {
				t.Errorf("summarize(%d values) = %+v, want %+v", len(tt.us), got, tt.want)
			}
		})
	}
}

// TestSummarizePrecision checks values above the exact range: within 0.1%,
// and calls longer than the histogram's range count as one minute.
func TestSummarizePrecision(t *testing.T) {
	tests := []struct {
		name string
		us   int64
		want int64
	}{
		{name: "123.456 ms", us: 123_456, want: 123_456},
		{name: "7.5 s", us: 7_500_000, want: 7_500_000},
		{name: "two minutes, clamped", us: 2 * 60_000_000, want: histMaxUS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summaryOf(tt.us)
			for _, v := range []int64{got.P50, got.Max} {
				if diff := v - tt.want; diff < -tt.want/1000 || diff > tt.want/1000 {
					t.Errorf("summary of %d µs = %+v, want p50 and max within 0.1%% of %d", tt.us, got, tt.want)
				}
			}
		})
	}
}
