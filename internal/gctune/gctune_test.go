package gctune

import (
	"context"
	"runtime/debug"
	"testing"
)

func TestPercent(t *testing.T) {
	const mib = 1 << 20
	cases := []struct {
		name string
		live uint64
		want int
	}{
		{"nothing live yet", 0, maxPercent},
		{"a small heap gets at most five times itself", 16 * mib, maxPercent},
		{"128 MiB grows by MinHeadroom", 128 * mib, 400},
		{"200 MiB grows by MinHeadroom", 200 * mib, 256},
		{"256 MiB grows by MinHeadroom", 256 * mib, 200},
		{"MinHeadroom itself is the default", MinHeadroom, minPercent},
		{"a large heap keeps the default", 4096 * mib, minPercent},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Percent(tc.live); got != tc.want {
				t.Errorf("Percent(%d MiB): got %d, want %d", tc.live/mib, got, tc.want)
			}
		})
	}
}

func TestStart(t *testing.T) {
	cases := []struct {
		name string
		gogc string
		want func(int) bool
		says string
	}{
		{"GOGC unset: the tuner sets it", "", func(p int) bool { return p >= minPercent && p <= maxPercent }, "within [100, 400]"},
		{"GOGC set by the user: left alone", "50", func(p int) bool { return p == 37 }, "37 as it was"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := debug.SetGCPercent(37)
			defer debug.SetGCPercent(old)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			Start(ctx, func(k string) string {
				if k == "GOGC" {
					return tc.gogc
				}
				return ""
			})
			if got := debug.SetGCPercent(37); !tc.want(got) {
				t.Errorf("GC percent after Start: got %d, want %s", got, tc.says)
			}
		})
	}
}
