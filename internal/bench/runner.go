package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// clientOffset spreads the clients over a scenario's cycle: client i starts
// at position i*clientOffset, so that in the mixed scenario (a cycle of 20,
// coprime with 7) the clients are not in step.
const clientOffset = 7

// load is one measured run of a scenario.
type load struct {
	api      ecsAPI
	fx       *fixture
	sc       scenario
	clients  int
	duration time.Duration // 0: bounded by requests
	requests int64         // 0: bounded by duration
	progress *progress     // nil: no progress lines
}

// run makes the calls and returns their tally and the time from the first
// call's start to the last call's end. When ctx ends the clients stop
// starting calls; calls in flight finish (they are bounded by the HTTP
// client's timeout) so that every call started is counted.
func (l *load) run(ctx context.Context) (*collector, time.Duration) {
	col := newCollector()
	callCtx := context.WithoutCancel(ctx)
	var stop atomic.Bool // set when the duration is up
	var remaining atomic.Int64
	remaining.Store(l.requests)

	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range l.clients {
		c := &client{api: l.api, fx: l.fx, pos: i * clientOffset}
		cctx := withShimTimer(callCtx, &c.shim)
		wg.Go(func() {
			<-start
			for !stop.Load() && ctx.Err() == nil {
				if l.requests > 0 && remaining.Add(-1) < 0 {
					return
				}
				c.shim.spent = 0
				t0 := time.Now()
				o, err := c.step(cctx, l.sc)
				// What --lenient-json spent on the response is the
				// client's time, not the server's.
				col.record(o, time.Since(t0)-c.shim.spent, err)
			}
		})
	}

	begin := time.Now()
	if l.duration > 0 {
		timer := time.AfterFunc(l.duration, func() { stop.Store(true) })
		defer timer.Stop()
	}
	done := make(chan struct{})
	var printer sync.WaitGroup
	if l.progress != nil {
		printer.Go(func() { l.progress.loop(col, begin, done) })
	}
	close(start)
	wg.Wait()
	elapsed := time.Since(begin)
	close(done)
	printer.Wait()
	return col, elapsed
}
