package runtimetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
)

func testPull(t *testing.T, h Harness) {
	t.Run("local image", func(t *testing.T) {
		e := newEnv(t, h)
		if err := e.rt.Pull(e.ctx(), h.Image); err != nil {
			t.Fatalf("Pull(%q): got error %v, want nil", h.Image, err)
		}
	})
	t.Run("missing image", func(t *testing.T) {
		if h.MissingImage == "" {
			t.Skip("the runtime has no image that fails to pull")
		}
		e := newEnv(t, h)
		wantName(t, "Pull(missing image)", e.rt.Pull(e.ctx(), h.MissingImage), runtime.CannotPullContainerError)
	})
}

func testExitCode(t *testing.T, h Harness) {
	cases := []struct {
		name string
		p    Program
		want int
	}{
		{"zero", Program{}, 0},
		{"three", Program{Exit: 3}, 3},
		{"after sleeping", Program{Sleep: 200 * time.Millisecond, Exit: 7}, 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, h)
			id := e.run("app", tc.p)
			res := e.wait(id)
			if res.ExitCode != tc.want || res.ExitCodeUnknown {
				t.Fatalf("Wait: got exit code %d (unknown %v), want %d", res.ExitCode, res.ExitCodeUnknown, tc.want)
			}
			st := e.inspect(id)
			if st.Status != runtime.StatusExited || st.Exit.ExitCode != tc.want {
				t.Fatalf("Inspect after exit: got status %s exit %d, want exited %d", st.Status, st.Exit.ExitCode, tc.want)
			}
			if st.ID != id || st.TaskARN != e.task || st.ContainerName != "app" {
				t.Fatalf("Inspect: got id %q task %q name %q, want %q %q %q", st.ID, st.TaskARN, st.ContainerName, id, e.task, "app")
			}
			if st.StartedAt.IsZero() || st.FinishedAt.Before(st.StartedAt) {
				t.Fatalf("Inspect: got startedAt %v finishedAt %v, want both set, in order", st.StartedAt, st.FinishedAt)
			}
		})
	}
}

func testEnvCommand(t *testing.T, h Harness) {
	e := newEnv(t, h)
	spec := e.spec("app", Program{PrintArgs: true, PrintEnv: true, PrintCwd: true})
	spec.Env = map[string]string{"BERTH_A": "alpha", "BERTH_B": "with space=and equals"}
	spec.WorkingDir = "/tmp"
	id := e.create(spec)
	e.start(id)
	if res := e.wait(id); res.ExitCode != 0 {
		t.Fatalf("Wait: got exit code %d, want 0", res.ExitCode)
	}
	out := e.logs(id, false)

	if got, want := lines(out, "arg="), spec.Argv()[1:]; !slices.Equal(got, want) {
		t.Errorf("arguments: got %q, want %q", got, want)
	}
	env := lines(out, "env=")
	for _, kv := range spec.EnvList() {
		if !slices.Contains(env, kv) {
			t.Errorf("environment: got %q, want it to hold %q", env, kv)
		}
	}
	if got := lines(out, "cwd="); !slices.Equal(got, []string{"/tmp"}) {
		t.Errorf("working directory: got %q, want [/tmp]", got)
	}
}

func testStop(t *testing.T, h Harness) {
	cases := []struct {
		name    string
		p       Program
		timeout time.Duration
		want    int
	}{
		{"SIGTERM ends it", Program{Forever: true}, 20 * time.Second, 143},
		{"SIGKILL after the timeout when SIGTERM is ignored", Program{Forever: true, IgnoreTerm: true}, time.Second, 137},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, h)
			id := e.run("app", tc.p)
			e.waitReady(id)
			if st := e.inspect(id); !st.Running() {
				t.Fatalf("Inspect before Stop: got status %s, want running", st.Status)
			}
			if err := e.rt.Stop(e.ctx(), id, tc.timeout); err != nil {
				t.Fatalf("Stop: got error %v, want nil", err)
			}
			if st := e.inspect(id); st.Status != runtime.StatusExited {
				t.Fatalf("Inspect after Stop: got status %s, want exited", st.Status)
			}
			if res := e.wait(id); res.ExitCode != tc.want {
				t.Fatalf("Wait after Stop: got exit code %d, want %d", res.ExitCode, tc.want)
			}
			if err := e.rt.Stop(e.ctx(), id, tc.timeout); err != nil {
				t.Fatalf("Stop of an exited container: got error %v, want nil", err)
			}
		})
	}
	t.Run("never started", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, h)
		id := e.create(e.spec("app", Program{Forever: true}))
		if err := e.rt.Stop(e.ctx(), id, time.Second); err != nil {
			t.Fatalf("Stop of a created container: got error %v, want nil", err)
		}
	})
}

func testWait(t *testing.T, h Harness) {
	e := newEnv(t, h)
	id := e.create(e.spec("app", Program{Forever: true}))
	if _, err := e.rt.Wait(e.ctx(), id); !errors.Is(err, runtime.ErrNotStarted) {
		t.Fatalf("Wait before Start: got error %v, want ErrNotStarted", err)
	}
	e.start(id)

	ctx, cancel := context.WithCancel(e.ctx())
	cancel()
	if _, err := e.rt.Wait(ctx, id); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait with a cancelled context: got error %v, want context.Canceled", err)
	}

	// Several waiters all see the same exit.
	results := make(chan error, 3)
	for range 3 {
		go func() {
			res, err := e.rt.Wait(e.ctx(), id)
			if err == nil && res.ExitCode != 143 {
				err = errors.New("wrong exit code")
			}
			results <- err
		}()
	}
	e.waitReady(id)
	if err := e.rt.Stop(e.ctx(), id, 20*time.Second); err != nil {
		t.Fatalf("Stop: got error %v, want nil", err)
	}
	for range 3 {
		if err := <-results; err != nil {
			t.Fatalf("concurrent Wait: got %v, want exit code 143", err)
		}
	}
}

func testStartTwice(t *testing.T, h Harness) {
	e := newEnv(t, h)
	id := e.run("app", Program{Forever: true})
	err := e.rt.Start(e.ctx(), id)
	wantName(t, "second Start", err, runtime.CannotStartContainerError)
	if !errors.Is(err, runtime.ErrAlreadyStarted) {
		t.Fatalf("second Start: got error %v, want ErrAlreadyStarted", err)
	}
}

func testRemove(t *testing.T, h Harness) {
	cases := []struct {
		name  string
		start bool
		stop  bool
	}{
		{"created", false, false},
		{"running", true, false},
		{"exited", true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, h)
			id := e.create(e.spec("app", Program{Forever: true}))
			if tc.start {
				e.start(id)
				e.waitReady(id)
			}
			if tc.stop {
				if err := e.rt.Stop(e.ctx(), id, 20*time.Second); err != nil {
					t.Fatalf("Stop: got error %v, want nil", err)
				}
			}
			if err := e.rt.Remove(e.ctx(), id); err != nil {
				t.Fatalf("Remove: got error %v, want nil", err)
			}
			if _, err := e.rt.Inspect(e.ctx(), id); !errors.Is(err, runtime.ErrNotFound) {
				t.Fatalf("Inspect after Remove: got error %v, want ErrNotFound", err)
			}
			found, err := e.rt.List(e.ctx(), e.task)
			if err != nil {
				t.Fatalf("List: got error %v, want nil", err)
			}
			if len(found) != 0 {
				t.Fatalf("List after Remove: got %+v, want none", found)
			}
		})
	}
}

func testLogs(t *testing.T, h Harness) {
	e := newEnv(t, h)
	id := e.run("app", Program{Say: []string{"hello out"}, Err: []string{"hello err"}, Sleep: 300 * time.Millisecond})
	// Following returns once the container exits, with everything it wrote.
	followed := e.logs(id, true)
	e.wait(id)
	after := e.logs(id, false)
	for _, out := range []string{followed, after} {
		for _, want := range []string{"hello out", "hello err", ProbeReady} {
			if len(lines(out, want)) != 1 {
				t.Errorf("logs: got %q, want one line %q", out, want)
			}
		}
	}
}

func testStartFailure(t *testing.T, h Harness) {
	if !h.Executes {
		t.Skip("runtime does not execute commands")
	}
	e := newEnv(t, h)
	spec := e.spec("app", Program{})
	spec.EntryPoint = []string{"/nonexistent/berth-no-such-binary"}
	spec.Command = nil
	id := e.create(spec)
	wantName(t, "Start(missing executable)", e.rt.Start(e.ctx(), id), runtime.CannotStartContainerError)
}

func testInvalidSpec(t *testing.T, h Harness) {
	e := newEnv(t, h)
	base := e.spec("app", Program{})
	cases := []struct {
		name   string
		modify func(*runtime.ContainerSpec)
	}{
		{"no container name", func(s *runtime.ContainerSpec) { s.ContainerName = "" }},
		{"no task", func(s *runtime.ContainerSpec) { s.TaskARN = "" }},
		{"bad container port", func(s *runtime.ContainerSpec) {
			s.PortMappings = []runtime.PortMapping{{ContainerPort: 70000}}
		}},
		{"bad protocol", func(s *runtime.ContainerSpec) {
			s.PortMappings = []runtime.PortMapping{{ContainerPort: 80, Protocol: "sctp"}}
		}},
		{"reservation above limit", func(s *runtime.ContainerSpec) { s.MemoryMiB, s.MemoryReservationMiB = 64, 128 }},
		{"reserved label", func(s *runtime.ContainerSpec) {
			s.Labels = map[string]string{runtime.LabelOwner: InstanceARN()}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := base
			tc.modify(&spec)
			id, err := e.rt.Create(e.ctx(), spec)
			if err == nil {
				_ = e.rt.Remove(e.ctx(), id)
			}
			wantName(t, "Create", err, runtime.CannotCreateContainerError)
		})
	}
}

func testUnknownID(t *testing.T, h Harness) {
	e := newEnv(t, h)
	const id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	ops := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"Start", func(ctx context.Context) error { return e.rt.Start(ctx, id) }},
		{"Wait", func(ctx context.Context) error { _, err := e.rt.Wait(ctx, id); return err }},
		{"Stop", func(ctx context.Context) error { return e.rt.Stop(ctx, id, time.Second) }},
		{"Inspect", func(ctx context.Context) error { _, err := e.rt.Inspect(ctx, id); return err }},
		{"Remove", func(ctx context.Context) error { return e.rt.Remove(ctx, id) }},
		{"Logs", func(ctx context.Context) error { _, err := e.rt.Logs(ctx, id, false); return err }},
	}
	for _, op := range ops {
		if err := op.call(e.ctx()); !errors.Is(err, runtime.ErrNotFound) {
			t.Errorf("%s(unknown id): got error %v, want ErrNotFound", op.name, err)
		}
	}
}
