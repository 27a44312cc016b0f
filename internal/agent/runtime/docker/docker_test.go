package docker

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/runtimetest"
)

const missingImage = "berth-test/does-not-exist:latest"

func TestConformance(t *testing.T) {
	requireDocker(t)
	runtimetest.Run(t, runtimetest.Harness{
		New:          func(t *testing.T, _ string) runtime.Runtime { return requireDocker(t) },
		Command:      runtimetest.ProbeCommand("/probe", ""),
		Image:        probeImage,
		MissingImage: missingImage,
		Executes:     true,
		Survives:     true,
	})
}

// probeSpec returns a spec running the probe with program p.
func probeSpec(p runtimetest.Program) runtime.ContainerSpec {
	entry, cmd, _ := runtimetest.ProbeCommand("/probe", "")(p)
	return runtime.ContainerSpec{
		TaskARN:       runtimetest.TaskARN(),
		ContainerName: "app",
		Owner:         runtimetest.InstanceARN(),
		Image:         probeImage,
		EntryPoint:    entry,
		Command:       cmd,
	}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// mustCreate creates spec and removes the container when the test ends.
func mustCreate(t *testing.T, rt *Runtime, spec runtime.ContainerSpec) string {
	t.Helper()
	id, err := rt.Create(testCtx(t), spec)
	if err != nil {
		t.Fatalf("Create: got error %v, want nil", err)
	}
	t.Cleanup(func() { _ = rt.Remove(context.Background(), id) })
	return id
}

// TestDaemonReceivesTheSpec checks the resources, labels and stop timeout
// the daemon recorded for a created container.
func TestDaemonReceivesTheSpec(t *testing.T) {
	rt := requireDocker(t)
	spec := probeSpec(runtimetest.Program{})
	spec.CPUShares, spec.MemoryMiB, spec.MemoryReservationMiB = 256, 64, 32
	spec.StopTimeout = 2500 * time.Millisecond
	spec.Labels = map[string]string{"team": "berth"}
	id := mustCreate(t, rt, spec)

	c, err := rt.cli.ContainerInspect(testCtx(t), id)
	if err != nil {
		t.Fatalf("ContainerInspect: %v", err)
	}
	hc := c.HostConfig
	if hc.CPUShares != 256 || hc.Memory != 64<<20 || hc.MemoryReservation != 32<<20 {
		t.Errorf("resources: got cpu %d memory %d reservation %d, want 256 %d %d", hc.CPUShares, hc.Memory, hc.MemoryReservation, 64<<20, 32<<20)
	}
	if c.Config.StopTimeout == nil || *c.Config.StopTimeout != 3 {
		t.Errorf("stop timeout: got %v, want 3 seconds", c.Config.StopTimeout)
	}
	want := map[string]string{"team": "berth", runtime.LabelTaskARN: spec.TaskARN, runtime.LabelContainerName: "app", runtime.LabelOwner: spec.Owner}
	for k, v := range want {
		if got := c.Config.Labels[k]; got != v {
			t.Errorf("label %s: got %q, want %q", k, got, v)
		}
	}
}

// TestForeignContainerIsNotFound creates a container without berth's
// labels behind the runtime's back: the runtime must not touch it.
func TestForeignContainerIsNotFound(t *testing.T) {
	rt := requireDocker(t)
	ctx := testCtx(t)
	resp, err := rt.cli.ContainerCreate(ctx, &container.Config{Image: probeImage}, nil, nil, nil, "")
	if err != nil {
		t.Fatalf("ContainerCreate: %v", err)
	}
	t.Cleanup(func() {
		_ = rt.cli.ContainerRemove(context.Background(), resp.ID, container.RemoveOptions{Force: true})
	})
	if err := rt.Remove(ctx, resp.ID); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Remove of a foreign container: got %v, want ErrNotFound", err)
	}
	if _, err := rt.cli.ContainerInspect(ctx, resp.ID); err != nil {
		t.Fatalf("foreign container after Remove: got %v, want it still there", err)
	}
}

// TestOutOfMemory runs the probe past its memory limit: the kernel kills it
// and Wait reports the ECS out-of-memory reason.
func TestOutOfMemory(t *testing.T) {
	rt := requireDocker(t)
	spec := probeSpec(runtimetest.Program{AllocMiB: 128})
	spec.MemoryMiB = 16
	id := mustCreate(t, rt, spec)
	if err := rt.Start(testCtx(t), id); err != nil {
		t.Fatalf("Start: got error %v, want nil", err)
	}
	res, err := rt.Wait(testCtx(t), id)
	if err != nil {
		t.Fatalf("Wait: got error %v, want nil", err)
	}
	if !res.OOMKilled || res.ExitCode != 137 || res.Reason != runtime.ReasonOutOfMemory {
		t.Fatalf("Wait: got %+v, want OOM-killed, exit code 137, reason %q", res, runtime.ReasonOutOfMemory)
	}
}
