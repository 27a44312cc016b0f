package bench

import (
	"runtime/debug"
	"testing"
)

// gcPercent reads the collector's current target.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestLowerGCOverhead(t *testing.T) {
	tests := []struct {
		name       string
		gogc       string
		wantDuring int // given a previous target of 150
	}{
		{"GOGC unset", "", measuredGCPercent},
		{"GOGC set by the user", "50", 150},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer debug.SetGCPercent(debug.SetGCPercent(150))
			restore := lowerGCOverhead(env(map[string]string{"GOGC": tc.gogc}))
			if got := gcPercent(); got != tc.wantDuring {
				t.Errorf("during the run: got GC percent %d, want %d", got, tc.wantDuring)
			}
			restore()
			if got := gcPercent(); got != 150 {
				t.Errorf("after the run: got GC percent %d, want 150 restored", got)
			}
		})
	}
}
