package agent

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/sim"
	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecsmodel"
)

const testCluster = "arn:aws:ecs:us-east-1:000000000000:cluster/default"

// testInstance is the container instance the engine fixtures own their
// containers as.
const testInstance = "arn:aws:ecs:us-east-1:000000000000:container-instance/default/0123456789abcdef0123456789abcdef"

// report is one call the recording reporter received.
type report struct {
	task      *TaskChange
	container *ecsmodel.SubmitContainerStateChangeRequest
}

func (r report) arn() string {
	if r.task != nil {
		return r.task.Request.Task
	}
	return r.container.Task
}

// recordingReporter is the control-plane side of the engine tests: it
// records every report it accepts, per task, and can fail calls.
type recordingReporter struct {
	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every new report
	byTask    map[string][]report
	read      map[string]int // reports of each task already consumed
	transient int            // calls to fail with a retryable error
	rejectAll error          // when set, every call fails with it
	calls     int
}

func newRecordingReporter() *recordingReporter {
	return &recordingReporter{changed: make(chan struct{}), byTask: map[string][]report{}, read: map[string]int{}}
}

var errUnavailable = errors.New("connection refused")

func (r *recordingReporter) record(rep report) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.rejectAll != nil {
		return r.rejectAll
	}
	if r.transient > 0 {
		r.transient--
		return errUnavailable
	}
	r.byTask[rep.arn()] = append(r.byTask[rep.arn()], rep)
	close(r.changed)
	r.changed = make(chan struct{})
	return nil
}

func (r *recordingReporter) SubmitTaskStateChange(_ context.Context, c TaskChange) error {
	return r.record(report{task: &c})
}

func (r *recordingReporter) SubmitContainerStateChange(_ context.Context, c ecsmodel.SubmitContainerStateChangeRequest) error {
	return r.record(report{container: &c})
}

// next returns the next unread report of task arn, waiting for it.
func (r *recordingReporter) next(t *testing.T, arn string) report {
	t.Helper()
	timeout := time.After(15 * time.Second)
	for {
		r.mu.Lock()
		if i := r.read[arn]; i < len(r.byTask[arn]) {
			r.read[arn]++
			rep := r.byTask[arn][i]
			r.mu.Unlock()
			return rep
		}
		changed := r.changed
		r.mu.Unlock()
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("no report for %s arrived", arn)
		}
	}
}

// taskReport skips container reports of arn until a task report arrives
// and checks its status.
func (r *recordingReporter) taskReport(t *testing.T, arn, status string) TaskChange {
	t.Helper()
	for {
		rep := r.next(t, arn)
		if rep.task == nil {
			continue
		}
		if got := rep.task.Request.Status; got != status {
			t.Fatalf("task %s report: got status %s, want %s (reason %q)", arn, got, status, rep.task.Request.Reason)
		}
		return *rep.task
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// engineFixture is an Engine over a runtime with a recording reporter.
type engineFixture struct {
	engine *Engine
	rt     runtime.Runtime
	rep    *recordingReporter
	cancel context.CancelFunc
}

// newEngineFixture starts an engine over rt (a fresh sim runtime when nil)
// owned by testInstance.
func newEngineFixture(t *testing.T, rt runtime.Runtime, edit func(*EngineConfig)) *engineFixture {
	t.Helper()
	return newOwnedEngineFixture(t, rt, testInstance, edit)
}

// newOwnedEngineFixture starts an engine over rt (a fresh sim runtime when
// nil) and adopts the containers rt has for owner, as an agent registered
// as container instance owner does before it takes tasks.
func newOwnedEngineFixture(t *testing.T, rt runtime.Runtime, owner string, edit func(*EngineConfig)) *engineFixture {
	t.Helper()
	if rt == nil {
		rt = sim.New(sim.Options{})
	}
	rep := newRecordingReporter()
	cfg := EngineConfig{Runtime: rt, Reporter: rep, Cluster: testCluster, Logger: quietLogger(), CleanupWait: time.Hour}
	if edit != nil {
		edit(&cfg)
	}
	e, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.reports.retry = agentrpc.Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	e.Start(ctx)
	f := &engineFixture{engine: e, rt: rt, rep: rep, cancel: cancel}
	t.Cleanup(f.shutdown)
	if err := e.Adopt(ctx, owner); err != nil {
		t.Fatalf("Adopt: %v", err)
	}
	return f
}

// shutdown stops the engine as an agent exit would: goroutines end,
// containers stay.
func (f *engineFixture) shutdown() {
	f.cancel()
	f.engine.Wait()
}

func (f *engineFixture) apply(t *testing.T, snapshot bool, tasks ...agentrpc.TaskPayload) {
	t.Helper()
	if err := f.engine.Apply(context.Background(), agentrpc.Delivery{Tasks: tasks, Snapshot: snapshot}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
}

func (f *engineFixture) containers(t *testing.T, arn string) []runtime.Found {
	t.Helper()
	found, err := f.rt.List(context.Background(), arn)
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// taskArn builds a task ARN from a short id.
func taskArn(id string) string { return "arn:aws:ecs:us-east-1:000000000000:task/default/" + id }

// taskPayload builds a TaskPayload fixture.
func taskPayload(id string, version int64, desired string, containers ...agentrpc.ContainerPayload) agentrpc.TaskPayload {
	return agentrpc.TaskPayload{
		Arn:           taskArn(id),
		DesiredStatus: desired,
		Version:       version,
		Family:        "app",
		Revision:      1,
		Containers:    containers,
	}
}

// ctr builds an essential container running cmd.
func ctr(name string, cmd ...string) agentrpc.ContainerPayload {
	c := agentrpc.ContainerPayload{ContainerArn: "arn:aws:ecs:us-east-1:000000000000:container/default/x/" + name}
	c.Name, c.Image, c.Command = name, "busybox:latest", cmd
	return c
}

func nonEssential(c agentrpc.ContainerPayload) agentrpc.ContainerPayload {
	f := false
	c.Essential = &f
	return c
}

func withStopTimeout(c agentrpc.ContainerPayload, seconds int32) agentrpc.ContainerPayload {
	c.StopTimeout = &seconds
	return c
}

func dependsOn(c agentrpc.ContainerPayload, name string, cond ecsmodel.ContainerCondition) agentrpc.ContainerPayload {
	c.DependsOn = append(c.DependsOn, ecsmodel.ContainerDependency{ContainerName: name, Condition: cond})
	return c
}

// exitCodes maps container names to reported exit codes (-1: none).
func exitCodes(ch TaskChange) map[string]int32 {
	out := make(map[string]int32)
	for _, c := range ch.Request.Containers {
		out[c.ContainerName] = -1
		if c.ExitCode != nil {
			out[c.ContainerName] = *c.ExitCode
		}
	}
	return out
}

// sleepForever is a sim command that runs until stopped.
var sleepForever = []string{"sleep", "infinity"}

// ctrPayload shortens fixture signatures.
type ctrPayload = agentrpc.ContainerPayload

func withImage(c ctrPayload, image string) ctrPayload {
	c.Image = image
	return c
}

func withMemory(c ctrPayload, memory, reservation *int32) ctrPayload {
	c.Memory, c.MemoryReservation = memory, reservation
	return c
}
