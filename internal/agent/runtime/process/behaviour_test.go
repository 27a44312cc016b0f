package process_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/process"
	"github.com/berth-io/berth/internal/agent/runtime/runtimetest"
)

// probeSpec returns a spec running the probe with program p.
func probeSpec(p runtimetest.Program) runtime.ContainerSpec {
	entry, cmd, _ := runtimetest.ProbeCommand(probe, "127.0.0.1")(p)
	return runtime.ContainerSpec{
		TaskARN:       runtimetest.TaskARN(),
		ContainerName: "app",
		EntryPoint:    entry,
		Command:       cmd,
	}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// runToEnd creates, starts and waits for spec, and returns its output.
func runToEnd(t *testing.T, rt runtime.Runtime, spec runtime.ContainerSpec) (runtime.ExitResult, string) {
	t.Helper()
	ctx := testCtx(t)
	id, err := rt.Create(ctx, spec)
	if err != nil {
		t.Fatalf("Create: got error %v, want nil", err)
	}
	if err := rt.Start(ctx, id); err != nil {
		t.Fatalf("Start: got error %v, want nil", err)
	}
	res, err := rt.Wait(ctx, id)
	if err != nil {
		t.Fatalf("Wait: got error %v, want nil", err)
	}
	logs, err := rt.Logs(ctx, id, false)
	if err != nil {
		t.Fatalf("Logs: got error %v, want nil", err)
	}
	defer logs.Close()
	out, _ := io.ReadAll(logs)
	return res, string(out)
}

func TestEnvironmentIsTheSpecsPlusPath(t *testing.T) {
	t.Setenv("BERTH_AGENT_SECRET", "must-not-leak")
	cases := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"PATH added", map[string]string{"A": "1"}, []string{"A=1", "PATH=" + os.Getenv("PATH")}},
		{"PATH from the spec", map[string]string{"PATH": "/opt/bin", "B": "2"}, []string{"B=2", "PATH=/opt/bin"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rt := newRuntime(t, t.TempDir())
			spec := probeSpec(runtimetest.Program{PrintEnv: true})
			spec.Env = tc.env
			_, out := runToEnd(t, rt, spec)
			var got []string
			for _, l := range strings.Split(out, "\n") {
				if v, ok := strings.CutPrefix(l, "env="); ok {
					got = append(got, v)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("environment: got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCreateRejects(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*runtime.ContainerSpec)
	}{
		{"no command", func(s *runtime.ContainerSpec) { s.EntryPoint, s.Command = nil, nil }},
		{"host port other than the container port", func(s *runtime.ContainerSpec) {
			s.PortMappings = []runtime.PortMapping{{ContainerPort: 8080, HostPort: 8081}}
		}},
	}
	rt := newRuntime(t, t.TempDir())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := probeSpec(runtimetest.Program{})
			tc.modify(&spec)
			_, err := rt.Create(testCtx(t), spec)
			if runtime.NameOf(err) != runtime.CannotCreateContainerError {
				t.Fatalf("Create: got error %v, want CannotCreateContainerError", err)
			}
		})
	}
}

// TestLeftoverGroupIsKilledOnExit runs a shell that leaves a background
// process behind; when the shell exits, the background process is killed.
func TestLeftoverGroupIsKilledOnExit(t *testing.T) {
	rt := newRuntime(t, t.TempDir())
	spec := probeSpec(runtimetest.Program{})
	spec.EntryPoint, spec.Command = []string{"sh", "-c", "sleep 1000 & echo bg=$!"}, nil
	res, out := runToEnd(t, rt, spec)
	if res.ExitCode != 0 {
		t.Fatalf("exit code: got %d, want 0", res.ExitCode)
	}
	_, after, ok := strings.Cut(out, "bg=")
	pid, err := strconv.Atoi(strings.TrimSpace(after))
	if !ok || err != nil {
		t.Fatalf("output: got %q, want bg=<pid>", out)
	}
	// SIGKILL has been sent; wait for the kernel to finish the process.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if !running(pid) {
			return
		}
	}
	t.Fatalf("background process %d: got still running, want killed", pid)
}

// running reports whether pid exists and is not a zombie.
func running(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(b), ')')
	return i >= 0 && !strings.HasPrefix(string(b[i+1:]), " Z")
}

func TestLogFiles(t *testing.T) {
	cases := []struct {
		name     string
		logDir   func(dir string) string
		keptInto string // directory the log must stay in after Remove; "" if deleted
	}{
		{"default log dir is cleaned up", func(string) string { return "" }, ""},
		{"spec log dir is kept", func(dir string) string { return filepath.Join(dir, "task-logs") }, "task-logs"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			rt := newRuntime(t, dir)
			spec := probeSpec(runtimetest.Program{Say: []string{"hello"}})
			spec.LogDir = tc.logDir(dir)
			id, err := rt.Create(testCtx(t), spec)
			if err != nil {
				t.Fatalf("Create: got error %v, want nil", err)
			}
			if err := rt.Remove(testCtx(t), id); err != nil {
				t.Fatalf("Remove: got error %v, want nil", err)
			}
			logs, _ := filepath.Glob(filepath.Join(dir, "*", "app-*.log"))
			switch {
			case tc.keptInto == "" && len(logs) != 0:
				t.Fatalf("log files after Remove: got %q, want none", logs)
			case tc.keptInto != "" && (len(logs) != 1 || filepath.Base(filepath.Dir(logs[0])) != tc.keptInto):
				t.Fatalf("log files after Remove: got %q, want one in %s", logs, tc.keptInto)
			}
		})
	}
}

func TestRelativeExecutableIsResolvedInTheWorkingDir(t *testing.T) {
	rt := newRuntime(t, t.TempDir())
	spec := probeSpec(runtimetest.Program{Exit: 9})
	spec.WorkingDir = filepath.Dir(probe)
	spec.EntryPoint = []string{"./" + filepath.Base(probe)}
	if res, _ := runToEnd(t, rt, spec); res.ExitCode != 9 {
		t.Fatalf("exit code: got %d, want 9", res.ExitCode)
	}
}

func TestNewNeedsAStateDir(t *testing.T) {
	if _, err := process.New(process.Options{}); err == nil || !strings.Contains(err.Error(), "state directory") {
		t.Fatalf("New without a state dir: got %v, want an error about the state directory", err)
	}
}
