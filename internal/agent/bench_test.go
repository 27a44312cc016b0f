package agent

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime/sim"
	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// signalReporter accepts every report and passes on task statuses.
type signalReporter struct {
	ch chan string
}

func (s signalReporter) SubmitTaskStateChange(_ context.Context, c TaskChange) error {
	s.ch <- c.Request.Status
	return nil
}

func (signalReporter) SubmitContainerStateChange(context.Context, ecsmodel.SubmitContainerStateChangeRequest) error {
	return nil
}

// BenchmarkTaskLifecycle measures one task from payload to STOPPED report
// on the sim runtime: a runner goroutine pulls, creates and starts two
// containers, reports RUNNING, stops them on the STOPPED payload and
// reports STOPPED.
func BenchmarkTaskLifecycle(b *testing.B) {
	rep := signalReporter{ch: make(chan string, 2)}
	e, err := NewEngine(EngineConfig{Runtime: sim.New(sim.Options{}), Reporter: rep, Logger: quietLogger(), CleanupWait: time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.Start(ctx)
	if err := e.Adopt(ctx, testInstance); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		id := fmt.Sprintf("%032x", i)
		web, side := ctr("web", sleepForever...), nonEssential(ctr("side", sleepForever...))
		_ = e.Apply(ctx, agentrpc.Delivery{Tasks: []agentrpc.TaskPayload{taskPayload(id, 1, "RUNNING", web, side)}})
		if s := <-rep.ch; s != "RUNNING" {
			b.Fatalf("first report: got %s, want RUNNING", s)
		}
		_ = e.Apply(ctx, agentrpc.Delivery{Tasks: []agentrpc.TaskPayload{taskPayload(id, 2, "STOPPED")}})
		if s := <-rep.ch; s != "STOPPED" {
			b.Fatalf("second report: got %s, want STOPPED", s)
		}
	}
}

// BenchmarkFleetIdleAgents starts fleets of sim agents against the fake
// server and reports the heap and goroutines each connected, idle agent
// costs (the fake server's side of its connection included). Run it with
// -benchtime=1x.
func BenchmarkFleetIdleAgents(b *testing.B) {
	for _, agents := range []int{100, 1000} {
		b.Run(fmt.Sprintf("agents=%d", agents), func(b *testing.B) { benchmarkFleet(b, agents) })
	}
}

func benchmarkFleet(b *testing.B, agents int) {
	for range b.N {
		f := newFakeServer(b)
		base := agentConfig(f, b.TempDir(), nil)
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		goroutines := runtime.NumGoroutine()

		fleet, err := NewFleet(FleetConfig{Agents: agents, Base: base, Zones: []string{"a", "b", "c"}})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { _ = fleet.Run(ctx); close(done) }()
		for fleet.Connected() < agents {
			time.Sleep(5 * time.Millisecond)
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/float64(agents), "heap-B/agent")
		b.ReportMetric(float64(runtime.NumGoroutine()-goroutines)/float64(agents), "goroutines/agent")
		cancel()
		<-done
	}
}
