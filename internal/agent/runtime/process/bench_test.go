package process_test

import (
	"bufio"
	"context"
	"testing"

	"github.com/berth-io/berth/internal/agent/runtime/runtimetest"
)

// BenchmarkCreateStart measures Create+Start of a probe container, until
// Start returns (the process exists and is recorded as running). Removing
// the container is not timed.
func BenchmarkCreateStart(b *testing.B) {
	benchStart(b, false)
}

// BenchmarkCreateStartReady also waits until the probe has printed its
// ready line, which adds the program's own start-up.
func BenchmarkCreateStartReady(b *testing.B) {
	benchStart(b, true)
}

func benchStart(b *testing.B, ready bool) {
	rt := newRuntime(b, b.TempDir())
	ctx := context.Background()
	spec := probeSpec(runtimetest.Program{Forever: true})
	for b.Loop() {
		id, err := rt.Create(ctx, spec)
		if err != nil {
			b.Fatal(err)
		}
		if err := rt.Start(ctx, id); err != nil {
			b.Fatal(err)
		}
		if ready {
			logs, err := rt.Logs(ctx, id, true)
			if err != nil {
				b.Fatal(err)
			}
			sc := bufio.NewScanner(logs)
			for sc.Scan() && sc.Text() != runtimetest.ProbeReady {
			}
			logs.Close()
		}
		b.StopTimer()
		if err := rt.Remove(ctx, id); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
