package agent

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/docker"
	"github.com/berth-io/berth/internal/agent/runtime/runtimetest"
	"github.com/berth-io/berth/internal/agent/runtime/sim"
	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecs"
)

// sharedRuntime is a runtime several agents can share, with a container
// definition that runs on it until stopped.
type sharedRuntime struct {
	name    string
	open    func(t *testing.T) runtime.Runtime
	forever func(name string) ctrPayload
}

// sharedRuntimes are the runtimes the ownership tests run on: sim and
// process everywhere, docker where this machine's daemon is (and failing
// under CI=true when it is not).
func sharedRuntimes() []sharedRuntime {
	return []sharedRuntime{
		{name: RuntimeSim,
			open:    func(*testing.T) runtime.Runtime { return sim.New(sim.Options{}) },
			forever: func(name string) ctrPayload { return ctr(name, sleepForever...) }},
		{name: RuntimeProcess,
			open:    func(t *testing.T) runtime.Runtime { return newProcessRuntime(t, "") },
			forever: func(name string) ctrPayload { return ctr(name, "sleep", "1000") }},
		{name: RuntimeDocker, open: openDocker, forever: func(name string) ctrPayload {
			entry, cmd, _ := runtimetest.ProbeCommand("/probe", "")(runtimetest.Program{Forever: true})
			c := withImage(ctr(name, cmd...), runtimetest.ProbeImage)
			c.EntryPoint = entry
			return c
		}},
	}
}

// openDocker returns a docker runtime for this machine's daemon, with the
// probe image built (runtimetest.RequireDocker).
func openDocker(t *testing.T) runtime.Runtime {
	t.Helper()
	runtimetest.RequireDocker(t, "the agent's docker tests")
	rt, err := docker.New(docker.Options{})
	if err != nil {
		t.Fatalf("docker.New: %v", err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt
}

// uniqueTaskID returns a task id no other test run uses, since a Docker
// daemon outlives test runs.
func uniqueTaskID(prefix string) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return prefix + "-" + hex.EncodeToString(b[:])
}

// removeTasks removes every container of the tasks in *arns from rt,
// whoever owns them.
func removeTasks(t *testing.T, rt runtime.Runtime, arns *[]string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, arn := range *arns {
		found, err := rt.List(ctx, arn)
		if err != nil {
			t.Errorf("cleanup: list the containers of %s: %v", arn, err)
			continue
		}
		for _, f := range found {
			if err := rt.Remove(ctx, f.ID); err != nil && !errors.Is(err, runtime.ErrNotFound) {
				t.Errorf("cleanup: remove container %s: %v", f.ID, err)
			}
		}
	}
}

// TestStartupSweepKeepsToOwnContainers runs two agents' containers on one
// runtime, as two agents on one Docker daemon do, plus a container without
// an owner (as a berth from before owners leaves). When agent A restarts
// and its first snapshot lists none of their tasks, it retires its own
// orphan but leaves agent B's container and the unowned one alone, and
// does not serve their logs. B might as well be A's own node under the
// instance ARN it had before it registered anew: its containers are left
// alone just the same.
func TestStartupSweepKeepsToOwnContainers(t *testing.T) {
	for _, sr := range sharedRuntimes() {
		t.Run(sr.name, func(t *testing.T) {
			rt := sr.open(t)
			var arns []string
			t.Cleanup(func() { removeTasks(t, rt, &arns) }) // after the engines have stopped
			mine, neighbour := runtimetest.InstanceARN(), runtimetest.InstanceARN()
			task := func(prefix string) agentrpc.TaskPayload {
				p := taskPayload(uniqueTaskID(prefix), 1, "RUNNING", sr.forever("app"))
				arns = append(arns, p.Arn)
				return p
			}

			// Agent A runs a task and exits; the control plane forgets the
			// task meanwhile.
			first := newOwnedEngineFixture(t, rt, mine, nil)
			orphan := task("orphan")
			first.apply(t, true, orphan)
			first.rep.taskReport(t, orphan.Arn, "RUNNING")
			first.shutdown()

			// Agent B runs a task on the same runtime and keeps running.
			neighbours := newOwnedEngineFixture(t, rt, neighbour, nil)
			theirs := task("theirs")
			neighbours.apply(t, true, theirs)
			neighbours.rep.taskReport(t, theirs.Arn, "RUNNING")

			// A container without an owner.
			legacy := task("legacy")
			spec := containerSpec(&legacy, &legacy.Containers[0], "", time.Second)
			ctx := t.Context()
			id, err := rt.Create(ctx, spec)
			if err != nil {
				t.Fatalf("Create(unowned): %v", err)
			}
			if err := rt.Start(ctx, id); err != nil {
				t.Fatalf("Start(unowned): %v", err)
			}

			// Agent A restarts; its first snapshot lists no task.
			second := newOwnedEngineFixture(t, rt, mine, nil)
			second.apply(t, true)
			second.engine.Wait() // no runner has work: this waits for the sweep's goroutines

			checks := []struct {
				name      string
				arn       string
				wantOwner string
				wantCount int // containers left, all running
			}{
				{name: "A's orphan", arn: orphan.Arn, wantOwner: mine, wantCount: 0},
				{name: "B's task", arn: theirs.Arn, wantOwner: neighbour, wantCount: 1},
				{name: "the unowned container", arn: legacy.Arn, wantOwner: "", wantCount: 1},
			}
			for _, c := range checks {
				found := second.containers(t, c.arn)
				if len(found) != c.wantCount {
					t.Errorf("%s after A's start-up sweep: got %d containers %+v, want %d", c.name, len(found), found, c.wantCount)
					continue
				}
				for _, f := range found {
					if f.Owner != c.wantOwner || f.Status != runtime.StatusRunning {
						t.Errorf("%s after A's start-up sweep: got owner %q status %v, want owner %q running", c.name, f.Owner, f.Status, c.wantOwner)
					}
				}
				if c.wantCount == 0 {
					continue
				}
				rc, err := second.engine.Logs(ctx, agentrpc.LogsRequest{TaskArn: c.arn})
				if err == nil {
					rc.Close()
				}
				var ee *ecs.Error
				if !errors.As(err, &ee) || ee.Code != ecs.CodeResourceNotFound {
					t.Errorf("A's Logs of %s: got error %v, want %s", c.name, err, ecs.CodeResourceNotFound)
				}
			}
		})
	}
}

// TestEngineLabelsContainersWithItsInstance: every container the engine
// creates carries its container instance as the owner.
func TestEngineLabelsContainersWithItsInstance(t *testing.T) {
	f := newEngineFixture(t, nil, nil)
	p := taskPayload("t1", 1, "RUNNING", ctr("web", sleepForever...), nonEssential(ctr("log", sleepForever...)))
	f.apply(t, false, p)
	f.rep.taskReport(t, p.Arn, "RUNNING")
	found := f.containers(t, p.Arn)
	if len(found) != 2 {
		t.Fatalf("containers: got %+v, want 2", found)
	}
	for _, c := range found {
		if c.Owner != testInstance {
			t.Errorf("container %s: got owner %q, want %q", c.ContainerName, c.Owner, testInstance)
		}
	}
}

// TestEngineRefusesTasksBeforeAdopt: an engine that does not know its
// container instance yet cannot label containers, so it takes no task.
func TestEngineRefusesTasksBeforeAdopt(t *testing.T) {
	e, err := NewEngine(EngineConfig{Runtime: sim.New(sim.Options{}), Reporter: newRecordingReporter(), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); e.Wait() }()
	e.Start(ctx)
	err = e.Apply(ctx, agentrpc.Delivery{Tasks: []agentrpc.TaskPayload{taskPayload("t1", 1, "RUNNING", ctr("app", sleepForever...))}})
	if err == nil {
		t.Fatalf("Apply before Adopt: got nil error, want a refusal")
	}
	if n := e.ActiveTasks(); n != 0 {
		t.Fatalf("active tasks after a refused Apply: got %d, want 0", n)
	}
	if err := e.Adopt(ctx, ""); err == nil {
		t.Fatalf("Adopt without an instance ARN: got nil error, want one")
	}
}
