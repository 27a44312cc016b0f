package docker

import (
	"context"
	"testing"

	"github.com/berth-io/berth/internal/agent/runtime/runtimetest"
)

// BenchmarkCreateStart measures Create+Start of a probe container from the
// cached image, until Start returns (the container is running). Removing
// the container is not timed.
func BenchmarkCreateStart(b *testing.B) {
	rt := requireDocker(b)
	ctx := context.Background()
	if err := rt.Pull(ctx, probeImage); err != nil {
		b.Fatal(err)
	}
	spec := probeSpec(runtimetest.Program{Forever: true})
	for b.Loop() {
		id, err := rt.Create(ctx, spec)
		if err != nil {
			b.Fatal(err)
		}
		if err := rt.Start(ctx, id); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := rt.Remove(ctx, id); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkLifecycle measures a whole short life: Pull (cached), Create,
// Start, Wait for a probe that exits at once, and Remove.
func BenchmarkLifecycle(b *testing.B) {
	rt := requireDocker(b)
	ctx := context.Background()
	spec := probeSpec(runtimetest.Program{})
	for b.Loop() {
		if err := rt.Pull(ctx, probeImage); err != nil {
			b.Fatal(err)
		}
		id, err := rt.Create(ctx, spec)
		if err != nil {
			b.Fatal(err)
		}
		if err := rt.Start(ctx, id); err != nil {
			b.Fatal(err)
		}
		if _, err := rt.Wait(ctx, id); err != nil {
			b.Fatal(err)
		}
		if err := rt.Remove(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}
