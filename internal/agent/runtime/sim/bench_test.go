package sim_test

import (
	"context"
	goruntime "runtime"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime/sim"
)

// BenchmarkCreateStartStop measures one container's whole life: create,
// start, stop (SIGTERM honoured) and remove.
func BenchmarkCreateStartStop(b *testing.B) {
	rt := sim.New(sim.Options{})
	ctx := context.Background()
	s := spec("arn:aws:ecs:us-east-1:000000000000:task/bench/0123456789abcdef0123456789abcdef", "sleep 3600")
	b.ReportAllocs()
	for b.Loop() {
		id, err := rt.Create(ctx, s)
		if err != nil {
			b.Fatal(err)
		}
		if err := rt.Start(ctx, id); err != nil {
			b.Fatal(err)
		}
		if err := rt.Stop(ctx, id, time.Second); err != nil {
			b.Fatal(err)
		}
		if err := rt.Remove(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemoryPerContainer reports the heap held per running container
// (metric heapB/container): one that ends by itself later (a timer) and
// one that runs until stopped (no timer).
func BenchmarkMemoryPerContainer(b *testing.B) {
	for _, script := range []string{"sleep 3600", "sleep infinity"} {
		b.Run(script, func(b *testing.B) {
			ctx := context.Background()
			s := spec("arn:aws:ecs:us-east-1:000000000000:task/bench/0123456789abcdef0123456789abcdef", script)
			var before, after goruntime.MemStats
			goruntime.GC()
			goruntime.ReadMemStats(&before)
			rt := sim.New(sim.Options{})
			for b.Loop() {
				id, err := rt.Create(ctx, s)
				if err != nil {
					b.Fatal(err)
				}
				if err := rt.Start(ctx, id); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			goruntime.GC()
			goruntime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(b.N), "heapB/container")
			goruntime.KeepAlive(rt)
		})
	}
}
