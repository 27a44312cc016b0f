package runtimetest

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// Harness describes the runtime under test.
type Harness struct {
	// New returns a runtime whose persistent state (if any) lives in
	// stateDir, a fresh directory per test case. The adoption case calls
	// New a second time with the same stateDir to stand for an agent
	// restart.
	New func(t *testing.T, stateDir string) runtime.Runtime
	// Command translates a Program into an entry point and command; ok is
	// false when the runtime cannot express the program, and the case is
	// skipped.
	Command func(p Program) (entryPoint, command []string, ok bool)
	// Image is the image of every test container; it must be present
	// locally.
	Image string
	// MissingImage is an image Pull must fail for with
	// CannotPullContainerError; "" skips the case.
	MissingImage string
	// Executes is set when commands really run, so that output, the
	// environment, the working directory and ports can be observed.
	Executes bool
	// HostNetwork is set when containers share the host network, so a host
	// port must equal its container port.
	HostNetwork bool
	// Survives is set when containers outlive the runtime value: a runtime
	// from a second New call finds and controls them.
	Survives bool
	// AdoptedExitMayBeUnknown is set when a runtime may not learn the exit
	// code of an adopted container (the process runtime, whose restarted
	// instance is not the process's parent), so the suite accepts
	// ExitResult.ExitCodeUnknown there.
	AdoptedExitMayBeUnknown bool
}

// Run runs the conformance suite against h. Cases run in parallel.
func Run(t *testing.T, h Harness) {
	t.Run("Pull", func(t *testing.T) { t.Parallel(); testPull(t, h) })
	t.Run("ExitCode", func(t *testing.T) { t.Parallel(); testExitCode(t, h) })
	t.Run("EnvCommandWorkingDir", func(t *testing.T) { t.Parallel(); testEnvCommand(t, h) })
	t.Run("Ports", func(t *testing.T) { t.Parallel(); testPorts(t, h) })
	t.Run("Bindings", func(t *testing.T) { t.Parallel(); testBindings(t, h) })
	t.Run("Stop", func(t *testing.T) { t.Parallel(); testStop(t, h) })
	t.Run("Wait", func(t *testing.T) { t.Parallel(); testWait(t, h) })
	t.Run("NotifyExit", func(t *testing.T) { t.Parallel(); testNotifyExit(t, h) })
	t.Run("StartTwice", func(t *testing.T) { t.Parallel(); testStartTwice(t, h) })
	t.Run("ListAndAdopt", func(t *testing.T) { t.Parallel(); testListAndAdopt(t, h) })
	t.Run("ListOwners", func(t *testing.T) { t.Parallel(); testListOwners(t, h) })
	t.Run("Remove", func(t *testing.T) { t.Parallel(); testRemove(t, h) })
	t.Run("Logs", func(t *testing.T) { t.Parallel(); testLogs(t, h) })
	t.Run("StartFailure", func(t *testing.T) { t.Parallel(); testStartFailure(t, h) })
	t.Run("InvalidSpec", func(t *testing.T) { t.Parallel(); testInvalidSpec(t, h) })
	t.Run("UnknownID", func(t *testing.T) { t.Parallel(); testUnknownID(t, h) })
}

// env is one test case's runtime and fixtures.
type env struct {
	t    *testing.T
	h    Harness
	rt   runtime.Runtime
	dir  string
	task string
	// owner is the Owner of the case's containers: a container instance
	// of its own, so that no agent sharing the runtime (another test
	// binary's, on the same Docker daemon) takes them for its own.
	owner string
}

func newEnv(t *testing.T, h Harness) *env {
	t.Helper()
	dir := t.TempDir()
	return &env{t: t, h: h, rt: h.New(t, dir), dir: dir, task: TaskARN(), owner: InstanceARN()}
}

// TaskARN returns a new, unique task ARN.
func TaskARN() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return "arn:aws:ecs:us-east-1:000000000000:task/runtimetest/" + hex.EncodeToString(b[:])
}

// InstanceARN returns a new, unique container instance ARN, to own test
// containers (runtime.ContainerSpec.Owner).
func InstanceARN() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return "arn:aws:ecs:us-east-1:000000000000:container-instance/runtimetest/" + hex.EncodeToString(b[:])
}

// ctx returns a context that bounds one operation, so that a hung runtime
// fails the test instead of hanging it.
func (e *env) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	e.t.Cleanup(cancel)
	return ctx
}

// spec builds the spec of a container named name running p, skipping the
// test when the runtime cannot express p.
func (e *env) spec(name string, p Program) runtime.ContainerSpec {
	e.t.Helper()
	if p.needsOutput() && !e.h.Executes {
		e.t.Skipf("runtime %s does not execute commands", e.rt.Name())
	}
	entry, cmd, ok := e.h.Command(p)
	if !ok {
		e.t.Skipf("runtime %s cannot express program %+v", e.rt.Name(), p)
	}
	return runtime.ContainerSpec{
		TaskARN:       e.task,
		ContainerName: name,
		Owner:         e.owner,
		Image:         e.h.Image,
		EntryPoint:    entry,
		Command:       cmd,
		StopTimeout:   10 * time.Second,
		LogDir:        filepath.Join(e.dir, "logs"),
	}
}

// create creates a container and removes it when the test ends.
func (e *env) create(spec runtime.ContainerSpec) string {
	e.t.Helper()
	id, err := e.rt.Create(e.ctx(), spec)
	if err != nil {
		e.t.Fatalf("Create(%s): got error %v, want nil", spec.ContainerName, err)
	}
	if id == "" {
		e.t.Fatalf("Create(%s): got empty runtime ID", spec.ContainerName)
	}
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := e.rt.Remove(ctx, id); err != nil && !errors.Is(err, runtime.ErrNotFound) {
			e.t.Errorf("cleanup Remove(%s): %v", id, err)
		}
	})
	return id
}

// run creates and starts a container running p and returns its ID.
func (e *env) run(name string, p Program) string {
	e.t.Helper()
	id := e.create(e.spec(name, p))
	e.start(id)
	return id
}

func (e *env) start(id string) {
	e.t.Helper()
	if err := e.rt.Start(e.ctx(), id); err != nil {
		e.t.Fatalf("Start(%s): got error %v, want nil", id, err)
	}
}

func (e *env) wait(id string) runtime.ExitResult {
	e.t.Helper()
	res, err := e.rt.Wait(e.ctx(), id)
	if err != nil {
		e.t.Fatalf("Wait(%s): got error %v, want nil", id, err)
	}
	return res
}

func (e *env) inspect(id string) runtime.State {
	e.t.Helper()
	st, err := e.rt.Inspect(e.ctx(), id)
	if err != nil {
		e.t.Fatalf("Inspect(%s): got error %v, want nil", id, err)
	}
	return st
}

// waitReady blocks until the probe in container id has printed ProbeReady;
// it does nothing for runtimes that do not execute commands.
func (e *env) waitReady(id string) {
	e.t.Helper()
	if !e.h.Executes {
		return
	}
	rc, err := e.rt.Logs(e.ctx(), id, true)
	if err != nil {
		e.t.Fatalf("Logs(%s, follow): got error %v, want nil", id, err)
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	for sc.Scan() {
		if sc.Text() == ProbeReady {
			return
		}
	}
	e.t.Fatalf("logs of %s ended (err %v) before %q", id, sc.Err(), ProbeReady)
}

// logs returns the container's whole output so far.
func (e *env) logs(id string, follow bool) string {
	e.t.Helper()
	rc, err := e.rt.Logs(e.ctx(), id, follow)
	if err != nil {
		e.t.Fatalf("Logs(%s, %v): got error %v, want nil", id, follow, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		e.t.Fatalf("reading logs of %s: %v", id, err)
	}
	return string(b)
}

// lines returns the lines of out that start with prefix, prefix removed.
func lines(out, prefix string) []string {
	var got []string
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, prefix); ok {
			got = append(got, v)
		}
	}
	return got
}

// wantName fails the test unless err is a runtime error named want.
func wantName(t *testing.T, op string, err error, want runtime.ErrorName) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: got nil error, want %s", op, want)
	}
	if got := runtime.NameOf(err); got != want {
		t.Fatalf("%s: got error %q named %q, want name %q", op, err, got, want)
	}
	if !strings.HasPrefix(err.Error(), string(want)+": ") {
		t.Fatalf("%s: got error text %q, want prefix %q", op, err, want+": ")
	}
}
