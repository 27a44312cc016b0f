package bench

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// formatInt writes n with thousands separators: 1234567 -> "1,234,567".
func formatInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + b.String()
}

// formatRate writes a per-second rate: one decimal below 100, whole
// numbers with separators from there on.
func formatRate(f float64) string {
	if f < 100 {
		return strconv.FormatFloat(f, 'f', 1, 64)
	}
	return formatInt(int64(math.Round(f)))
}

// formatLatency writes a latency given in microseconds with three
// significant digits: "850µs", "1.21ms", "12.3ms", "123ms", "1.23s". Zero
// (no calls) is "-".
func formatLatency(us int64) string {
	switch {
	case us <= 0:
		return "-"
	case us < 1000:
		return fmt.Sprintf("%dµs", us)
	// Each bound is where the next format's rounding would carry over.
	case us < 9_995:
		return fmt.Sprintf("%.2fms", float64(us)/1e3)
	case us < 99_950:
		return fmt.Sprintf("%.1fms", float64(us)/1e3)
	case us < 999_500:
		return fmt.Sprintf("%.0fms", float64(us)/1e3)
	default:
		return fmt.Sprintf("%.2fs", float64(us)/1e6)
	}
}
