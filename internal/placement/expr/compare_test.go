package expr

import (
	"testing"
	"time"
)

func TestVersionCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.14.5", "1.14.5", 0},
		{"1.14.5", "1.14.10", -1},
		{"1.14", "1.14.0", 0},
		{"v1.2.3", "1.2.3", 0},
		{"2.0.0", "1.99.99", 1},
		{"1.2.3-rc1", "1.2.3", -1},
		{"1.2.3-rc2", "1.2.3-rc1", 1},
		{"1.2.3-rc1", "1.2.2", 1},
	}
	for _, tc := range tests {
		a, okA := parseVersion(tc.a)
		b, okB := parseVersion(tc.b)
		if !okA || !okB {
			t.Fatalf("parseVersion(%q, %q) ok = %v, %v, want true", tc.a, tc.b, okA, okB)
		}
		if got := a.compare(b); got != tc.want {
			t.Errorf("compare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestParseVersionRejects(t *testing.T) {
	for _, s := range []string{"", "v", "1..2", "1.x", ".1", "1.2-", "1234567890"} {
		if _, ok := parseVersion(s); ok {
			t.Errorf("parseVersion(%q) ok = true, want false", s)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2018-06-18T22:28:28+00:00", time.Date(2018, 6, 18, 22, 28, 28, 0, time.UTC)},
		{"2018-06-18T22:28:28Z", time.Date(2018, 6, 18, 22, 28, 28, 0, time.UTC)},
		{"2018-06-18T22:28:28-05:00", time.Date(2018, 6, 19, 3, 28, 28, 0, time.UTC)},
		{"2018-06-18T22:28:28", time.Date(2018, 6, 18, 22, 28, 28, 0, time.UTC)},
		{"2018-06-18", time.Date(2018, 6, 18, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		got, ok := parseDate(tc.in)
		if !ok || !got.Equal(tc.want) {
			t.Errorf("parseDate(%q) = %v, %v, want %v, true", tc.in, got, ok, tc.want)
		}
	}
	for _, s := range []string{"2018-6-18", "18-06-2018", "2018-06-18 22:28:28", "yesterday"} {
		if _, ok := parseDate(s); ok {
			t.Errorf("parseDate(%q) ok = true, want false", s)
		}
	}
}

func TestIsDecimal(t *testing.T) {
	tests := map[string]bool{
		"1": true, "-2": true, "+3.5": true, "0.25": true, "4.": true, ".5": true,
		"": false, "-": false, ".": false, "1e3": false, "NaN": false, "Inf": false, "0x10": false, "1.2.3": false, "1_000": false,
	}
	for in, want := range tests {
		if got := isDecimal(in); got != want {
			t.Errorf("isDecimal(%q) = %v, want %v", in, got, want)
		}
	}
}
