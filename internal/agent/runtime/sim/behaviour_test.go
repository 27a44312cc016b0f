package sim_test

import (
	"context"
	"errors"
	"io"
	goruntime "runtime"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/sim"
)

// spec returns a container spec running the shell script script.
func spec(task, script string) runtime.ContainerSpec {
	return runtime.ContainerSpec{
		TaskARN:       task,
		ContainerName: "app",
		Image:         "busybox",
		Command:       []string{"sh", "-c", script},
	}
}

func mustRun(t testing.TB, rt *sim.Runtime, s runtime.ContainerSpec) string {
	t.Helper()
	ctx := context.Background()
	id, err := rt.Create(ctx, s)
	if err != nil {
		t.Fatalf("Create: got error %v, want nil", err)
	}
	if err := rt.Start(ctx, id); err != nil {
		t.Fatalf("Start: got error %v, want nil", err)
	}
	return id
}

func TestStopIgnoringTermEndsNaturallyBeforeTheTimeout(t *testing.T) {
	rt := sim.New(sim.Options{})
	id := mustRun(t, rt, spec("task-1", "trap '' TERM; sleep 0.05; exit 5"))
	if err := rt.Stop(context.Background(), id, time.Hour); err != nil {
		t.Fatalf("Stop: got error %v, want nil", err)
	}
	res, err := rt.Wait(context.Background(), id)
	if err != nil || res.ExitCode != 5 {
		t.Fatalf("Wait: got %+v, %v, want exit code 5", res, err)
	}
}

func TestFollowedLogsOfCreatedContainerEndOnRemove(t *testing.T) {
	rt := sim.New(sim.Options{})
	id, err := rt.Create(context.Background(), spec("task-1", "sleep 1"))
	if err != nil {
		t.Fatalf("Create: got error %v, want nil", err)
	}
	logs, err := rt.Logs(context.Background(), id, true)
	if err != nil {
		t.Fatalf("Logs(follow): got error %v, want nil", err)
	}
	if err := rt.Remove(context.Background(), id); err != nil {
		t.Fatalf("Remove: got error %v, want nil", err)
	}
	if _, err := io.ReadAll(logs); err != nil {
		t.Fatalf("followed logs after Remove: got error %v, want EOF", err)
	}
}

func TestMalformedCommandExitsOne(t *testing.T) {
	rt := sim.New(sim.Options{})
	id := mustRun(t, rt, spec("task-1", "sleep soon"))
	res, err := rt.Wait(context.Background(), id)
	if err != nil || res.ExitCode != 1 {
		t.Fatalf("Wait: got %+v, %v, want exit code 1", res, err)
	}
}

func TestDynamicPortsAreDistinctAndEphemeral(t *testing.T) {
	rt := sim.New(sim.Options{})
	s := spec("task-1", "sleep infinity")
	s.PortMappings = []runtime.PortMapping{{ContainerPort: 80}, {ContainerPort: 81}}
	seen := map[int]bool{}
	for range 3 {
		id := mustRun(t, rt, s)
		st, err := rt.Inspect(context.Background(), id)
		if err != nil {
			t.Fatalf("Inspect: got error %v, want nil", err)
		}
		for _, b := range st.NetworkBindings {
			if b.HostPort < 49153 || b.HostPort > 65535 || seen[b.HostPort] {
				t.Fatalf("dynamic host port: got %d (seen before: %v), want a new port in 49153-65535", b.HostPort, seen[b.HostPort])
			}
			seen[b.HostPort] = true
		}
	}
}

func TestLaterStopWithShorterTimeoutKillsSooner(t *testing.T) {
	rt := sim.New(sim.Options{})
	id := mustRun(t, rt, spec("task-1", "trap '' TERM; sleep infinity"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := rt.Stop(ctx, id, time.Hour)
	if runtime.NameOf(err) != runtime.CannotStopContainerError || !errors.Is(err, context.Canceled) {
		t.Fatalf("Stop with a cancelled context: got %v, want CannotStopContainerError wrapping context.Canceled", err)
	}
	if st, _ := rt.Inspect(context.Background(), id); !st.Running() {
		t.Fatalf("Inspect after an abandoned Stop: got %s, want running (SIGKILL is an hour away)", st.Status)
	}
	if err := rt.Stop(context.Background(), id, time.Millisecond); err != nil {
		t.Fatalf("second Stop: got error %v, want nil", err)
	}
	if res, err := rt.Wait(context.Background(), id); err != nil || res.ExitCode != 137 {
		t.Fatalf("Wait: got %+v, %v, want exit code 137", res, err)
	}
}

// TestNoGoroutinePerContainer runs many containers that end by themselves
// later and checks that the runtime starts no goroutine for them.
func TestNoGoroutinePerContainer(t *testing.T) {
	const n = 10000
	rt := sim.New(sim.Options{})
	before := goruntime.NumGoroutine()
	for range n {
		mustRun(t, rt, spec("task-1", "sleep 3600"))
	}
	if after := goruntime.NumGoroutine(); after-before > 10 {
		t.Fatalf("goroutines: got %d more after starting %d containers, want about 0", after-before, n)
	}
	found, err := rt.List(context.Background(), "task-1")
	if err != nil || len(found) != n {
		t.Fatalf("List: got %d containers, %v, want %d", len(found), err, n)
	}
}
