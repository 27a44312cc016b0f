package agentbridge

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestWorkersRun(t *testing.T) {
	tests := []struct {
		name        string
		workers     int
		fns         int
		stopFirst   bool
		wantMaxBusy int32 // the most functions running at once
	}{
		{name: "one function runs on the caller", workers: 4, fns: 1, wantMaxBusy: 1},
		{name: "many functions, at most n at once", workers: 3, fns: 12, wantMaxBusy: 3},
		{name: "after stop, one at a time on the caller", workers: 3, fns: 5, stopFirst: true, wantMaxBusy: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := &workers{n: tc.workers}
			defer w.stop()
			if tc.stopFirst {
				w.run([]func(){func() {}, func() {}}) // started, then
				w.stop()
			}
			var busy, maxBusy, ran atomic.Int32
			var mu sync.Mutex
			fns := make([]func(), tc.fns)
			for i := range fns {
				fns[i] = func() {
					n := busy.Add(1)
					mu.Lock()
					if n > maxBusy.Load() {
						maxBusy.Store(n)
					}
					mu.Unlock()
					time.Sleep(5 * time.Millisecond)
					busy.Add(-1)
					ran.Add(1)
				}
			}
			w.run(fns)
			if got := ran.Load(); got != int32(tc.fns) {
				t.Fatalf("functions run when run returned: got %d, want %d", got, tc.fns)
			}
			if got := maxBusy.Load(); got != tc.wantMaxBusy {
				t.Fatalf("most functions at once: got %d, want %d", got, tc.wantMaxBusy)
			}
		})
	}
}
