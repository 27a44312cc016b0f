package agent

import (
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/sim"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

func TestEngineRunsThenStopsTask(t *testing.T) {
	f := newEngineFixture(t, nil, nil)
	web := ctr("web", sleepForever...)
	hp, cp := int32(8080), int32(80)
	web.NetworkBindings = []ecsmodel.NetworkBinding{{ContainerPort: &cp, HostPort: &hp, Protocol: "tcp"}}
	f.apply(t, false, taskPayload("t1", 1, "RUNNING", web))

	running := f.rep.taskReport(t, taskArn("t1"), "RUNNING")
	if running.Request.Cluster != testCluster || running.Request.PullStartedAt.IsZero() || running.Request.PullStoppedAt.IsZero() {
		t.Fatalf("RUNNING report: got cluster %q pull %v..%v, want the cluster and both pull times",
			running.Request.Cluster, running.Request.PullStartedAt, running.Request.PullStoppedAt)
	}
	c := running.Request.Containers[0]
	if c.Status != "RUNNING" || c.RuntimeId == "" || len(c.NetworkBindings) != 1 || *c.NetworkBindings[0].HostPort != 8080 {
		t.Fatalf("RUNNING container: got %+v, want RUNNING with a runtime id and host port 8080", c)
	}

	f.apply(t, false, taskPayload("t1", 2, "STOPPED", web))
	stopped := f.rep.taskReport(t, taskArn("t1"), "STOPPED")
	if stopped.StopCode != "" || stopped.Request.Reason != "" {
		t.Fatalf("user stop: got stopCode %q reason %q, want neither (the control plane set them)", stopped.StopCode, stopped.Request.Reason)
	}
	if got := exitCodes(stopped)["web"]; got != 143 {
		t.Fatalf("web exit code: got %d, want 143 (SIGTERM)", got)
	}
	if stopped.Request.ExecutionStoppedAt.IsZero() {
		t.Fatalf("executionStoppedAt: got zero, want set")
	}
	if sc := stopped.Request.Containers[0]; sc.RuntimeId != c.RuntimeId {
		t.Fatalf("runtime id: got %s when stopped, want %s as when running", sc.RuntimeId, c.RuntimeId)
	}
}

func TestEngineEssentialContainerExit(t *testing.T) {
	f := newEngineFixture(t, nil, nil)
	f.apply(t, false, taskPayload("t1", 1, "RUNNING",
		ctr("app", "sh", "-c", "sleep 0.05; exit 3"),
		nonEssential(ctr("sidecar", sleepForever...))))

	f.rep.taskReport(t, taskArn("t1"), "RUNNING")
	stopped := f.rep.taskReport(t, taskArn("t1"), "STOPPED")
	if stopped.StopCode != ecs.StopCodeEssentialContainerExited || stopped.Request.Reason != ReasonEssentialContainerExited {
		t.Fatalf("stop: got code %q reason %q, want %s / %q", stopped.StopCode, stopped.Request.Reason,
			ecs.StopCodeEssentialContainerExited, ReasonEssentialContainerExited)
	}
	codes := exitCodes(stopped)
	if codes["app"] != 3 || codes["sidecar"] != 143 {
		t.Fatalf("exit codes: got %v, want app 3, sidecar 143", codes)
	}
}

func TestEngineNonEssentialExitKeepsTaskRunning(t *testing.T) {
	f := newEngineFixture(t, nil, nil)
	f.apply(t, false, taskPayload("t1", 1, "RUNNING",
		nonEssential(ctr("job", "false")),
		ctr("app", sleepForever...)))

	var job *ecsmodel.SubmitContainerStateChangeRequest
	for job == nil {
		rep := f.rep.next(t, taskArn("t1"))
		if rep.task != nil && rep.task.Request.Status == "STOPPED" {
			t.Fatalf("task stopped (%q) when only a non-essential container exited", rep.task.Request.Reason)
		}
		if rep.container != nil {
			job = rep.container
		}
	}
	if job.ContainerName != "job" || job.Status != "STOPPED" || job.ExitCode == nil || *job.ExitCode != 1 {
		t.Fatalf("container report: got %s %s exit %v, want job STOPPED exit 1", job.ContainerName, job.Status, job.ExitCode)
	}
	f.apply(t, false, taskPayload("t1", 2, "STOPPED"))
	stopped := f.rep.taskReport(t, taskArn("t1"), "STOPPED")
	if codes := exitCodes(stopped); codes["job"] != 1 || codes["app"] != 143 {
		t.Fatalf("exit codes: got %v, want job 1, app 143", codes)
	}
}

func TestEngineStopTimeout(t *testing.T) {
	ignoresTerm := []string{"sh", "-c", `trap "" TERM; sleep infinity`}
	tests := []struct {
		name        string
		container   func() (c ctrPayload)
		engineStop  time.Duration
		wantExit    int32
		description string
	}{
		{name: "TERM ends it", container: func() ctrPayload { return ctr("app", sleepForever...) },
			engineStop: time.Hour, wantExit: 143},
		{name: "engine default timeout then KILL", container: func() ctrPayload { return ctr("app", ignoresTerm...) },
			engineStop: 20 * time.Millisecond, wantExit: 137},
		{name: "definition stopTimeout then KILL", container: func() ctrPayload { return withStopTimeout(ctr("app", ignoresTerm...), 1) },
			engineStop: time.Hour, wantExit: 137},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newEngineFixture(t, nil, func(c *EngineConfig) { c.StopTimeout = tc.engineStop })
			c := tc.container()
			f.apply(t, false, taskPayload("t1", 1, "RUNNING", c))
			f.rep.taskReport(t, taskArn("t1"), "RUNNING")
			f.apply(t, false, taskPayload("t1", 2, "STOPPED", c))
			stopped := f.rep.taskReport(t, taskArn("t1"), "STOPPED")
			if got := exitCodes(stopped)["app"]; got != tc.wantExit {
				t.Fatalf("exit code: got %d, want %d", got, tc.wantExit)
			}
		})
	}
}

func TestEngineFailureToStart(t *testing.T) {
	bad := int32(64)
	reservation := int32(128)
	tests := []struct {
		name       string
		containers []ctrPayload
		wantPrefix string
		wantNone   bool // no container may have been created
	}{
		{name: "pull fails", wantPrefix: "CannotPullContainerError: ", wantNone: true,
			containers: []ctrPayload{withImage(ctr("app", sleepForever...), "missing/image:1")}},
		{name: "create fails", wantPrefix: "CannotCreateContainerError: ",
			containers: []ctrPayload{withMemory(ctr("app", sleepForever...), &bad, &reservation)}},
		{name: "SUCCESS dependency fails", wantPrefix: "CannotStartContainerError: ",
			containers: []ctrPayload{
				nonEssential(ctr("init", "false")),
				dependsOn(ctr("app", sleepForever...), "init", ecsmodel.ContainerConditionSuccess),
			}},
		{name: "no containers", wantPrefix: "CannotCreateContainerError: ", wantNone: true},
		{name: "unknown dependency", wantPrefix: "CannotStartContainerError: ",
			containers: []ctrPayload{dependsOn(ctr("app", sleepForever...), "nope", ecsmodel.ContainerConditionStart)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rt := sim.New(sim.Options{PullFails: func(image string) bool { return strings.HasPrefix(image, "missing/") }})
			f := newEngineFixture(t, rt, nil)
			f.apply(t, false, taskPayload("t1", 1, "RUNNING", tc.containers...))
			stopped := f.rep.taskReport(t, taskArn("t1"), "STOPPED")
			if stopped.StopCode != ecs.StopCodeTaskFailedToStart || !strings.HasPrefix(stopped.Request.Reason, tc.wantPrefix) {
				t.Fatalf("stop: got code %q reason %q, want %s with reason %q...", stopped.StopCode, stopped.Request.Reason,
					ecs.StopCodeTaskFailedToStart, tc.wantPrefix)
			}
			if n := len(f.containers(t, taskArn("t1"))); tc.wantNone && n != 0 {
				t.Fatalf("containers created: got %d, want 0", n)
			}
			for _, c := range stopped.Request.Containers {
				if c.Status != "STOPPED" {
					t.Fatalf("container %s: got %s, want STOPPED", c.ContainerName, c.Status)
				}
			}
		})
	}
}

func TestEngineDependsOnOrder(t *testing.T) {
	f := newEngineFixture(t, nil, nil)
	f.apply(t, false, taskPayload("t1", 1, "RUNNING",
		dependsOn(ctr("app", sleepForever...), "migrate", ecsmodel.ContainerConditionSuccess),
		nonEssential(ctr("migrate", "sh", "-c", "sleep 0.02; exit 0"))))
	running := f.rep.taskReport(t, taskArn("t1"), "RUNNING")
	var app, migrate ecsmodel.ContainerStateChange
	for _, c := range running.Request.Containers {
		switch c.ContainerName {
		case "app":
			app = c
		case "migrate":
			migrate = c
		}
	}
	if app.Status != "RUNNING" || migrate.Status != "STOPPED" || migrate.ExitCode == nil || *migrate.ExitCode != 0 {
		t.Fatalf("containers when RUNNING: got app %s, migrate %s exit %v; want app RUNNING after migrate exited 0",
			app.Status, migrate.Status, migrate.ExitCode)
	}
}

func TestEngineVersions(t *testing.T) {
	t.Run("an older version after a stop is ignored", func(t *testing.T) {
		f := newEngineFixture(t, nil, nil)
		app := ctr("app", sleepForever...)
		f.apply(t, false, taskPayload("t1", 2, "STOPPED", app))
		stopped := f.rep.taskReport(t, taskArn("t1"), "STOPPED")
		if codes := exitCodes(stopped); codes["app"] != -1 {
			t.Fatalf("never-started container: got exit %d, want none", codes["app"])
		}
		waitFor(t, "the runner to finish", func() bool { return f.engine.ActiveTasks() == 0 })
		f.apply(t, false, taskPayload("t1", 1, "RUNNING", app))
		if n := f.engine.ActiveTasks(); n != 0 {
			t.Fatalf("active tasks after a stale RUNNING: got %d, want 0", n)
		}
		if n := len(f.containers(t, taskArn("t1"))); n != 0 {
			t.Fatalf("containers: got %d, want 0", n)
		}
	})
	t.Run("rising versions apply once, repeats do nothing", func(t *testing.T) {
		f := newEngineFixture(t, nil, nil)
		app := ctr("app", sleepForever...)
		f.apply(t, false, taskPayload("t1", 1, "RUNNING", app))
		f.apply(t, false, taskPayload("t1", 1, "RUNNING", app))
		running := f.rep.taskReport(t, taskArn("t1"), "RUNNING")
		f.apply(t, false, taskPayload("t1", 2, "RUNNING", app))
		f.apply(t, false, taskPayload("t1", 3, "STOPPED", app))
		f.apply(t, false, taskPayload("t1", 4, "RUNNING", app)) // STOPPED is final
		stopped := f.rep.taskReport(t, taskArn("t1"), "STOPPED")
		if a, b := running.Request.Containers[0].RuntimeId, stopped.Request.Containers[0].RuntimeId; a != b {
			t.Fatalf("runtime id: got %s then %s, want one container throughout", a, b)
		}
		if n := len(f.containers(t, taskArn("t1"))); n != 1 {
			t.Fatalf("containers created: got %d, want 1", n)
		}
	})
}

func TestEngineAdoptsContainersAfterRestart(t *testing.T) {
	rt := sim.New(sim.Options{})
	first := newEngineFixture(t, rt, nil)
	keep := taskPayload("keep", 1, "RUNNING", ctr("web", sleepForever...), nonEssential(ctr("log", sleepForever...)))
	orphan := taskPayload("orphan", 1, "RUNNING", ctr("web", sleepForever...))
	first.apply(t, false, keep, orphan)
	before := first.rep.taskReport(t, keep.Arn, "RUNNING")
	first.rep.taskReport(t, orphan.Arn, "RUNNING")
	first.shutdown() // the agent exits; the containers keep running

	second := newEngineFixture(t, rt, nil)
	// The control plane still wants "keep" (same version) but no longer
	// has "orphan".
	second.apply(t, true, keep)
	after := second.rep.taskReport(t, keep.Arn, "RUNNING")
	for i := range before.Request.Containers {
		if a, b := before.Request.Containers[i].RuntimeId, after.Request.Containers[i].RuntimeId; a != b {
			t.Fatalf("container %d after restart: got runtime id %s, want the adopted %s", i, b, a)
		}
	}
	found := second.containers(t, keep.Arn)
	if len(found) != 2 {
		t.Fatalf("containers of the kept task: got %d, want 2 (no double start)", len(found))
	}
	for _, c := range found {
		if c.Status != runtime.StatusRunning {
			t.Fatalf("adopted container %s: got %v, want running", c.ContainerName, c.Status)
		}
	}
	waitFor(t, "the orphan's containers to go", func() bool { return len(second.containers(t, orphan.Arn)) == 0 })

	// The adopted task is controlled as usual.
	second.apply(t, false, taskPayload("keep", 2, "STOPPED"))
	stopped := second.rep.taskReport(t, keep.Arn, "STOPPED")
	if codes := exitCodes(stopped); codes["web"] != 143 || codes["log"] != 143 {
		t.Fatalf("exit codes of adopted containers: got %v, want 143 each", codes)
	}
}

func TestEngineAdoptsExitedEssentialContainer(t *testing.T) {
	rt := sim.New(sim.Options{})
	first := newEngineFixture(t, rt, nil)
	p := taskPayload("t1", 1, "RUNNING", ctr("app", "sh", "-c", "sleep 0.05; exit 7"))
	first.apply(t, false, p)
	first.rep.taskReport(t, p.Arn, "RUNNING")
	first.shutdown()
	// The container exits while no agent runs.
	waitFor(t, "the container to exit", func() bool {
		found := first.containers(t, p.Arn)
		return len(found) == 1 && found[0].Status == runtime.StatusExited
	})

	second := newEngineFixture(t, rt, nil)
	second.apply(t, true, p)
	stopped := second.rep.taskReport(t, p.Arn, "STOPPED")
	if stopped.StopCode != ecs.StopCodeEssentialContainerExited || exitCodes(stopped)["app"] != 7 {
		t.Fatalf("adopted exited task: got code %q exits %v, want %s with app 7",
			stopped.StopCode, exitCodes(stopped), ecs.StopCodeEssentialContainerExited)
	}
}

func TestEngineCleansUpStoppedTasks(t *testing.T) {
	f := newEngineFixture(t, nil, func(c *EngineConfig) { c.CleanupWait = time.Millisecond })
	f.apply(t, false, taskPayload("t1", 1, "RUNNING", ctr("app", "true")))
	f.rep.taskReport(t, taskArn("t1"), "RUNNING")
	f.rep.taskReport(t, taskArn("t1"), "STOPPED")
	waitFor(t, "the stopped task's containers to be removed", func() bool { return len(f.containers(t, taskArn("t1"))) == 0 })
}

// waitFor polls cond until it holds; it fails the test if that takes
// unreasonably long (a hang, not a speed check).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestEnginePullsEachImageOnce(t *testing.T) {
	var mu sync.Mutex
	pulls := map[string]int{}
	rt := sim.New(sim.Options{PullFails: func(image string) bool {
		mu.Lock()
		defer mu.Unlock()
		pulls[image]++
		return false
	}})
	f := newEngineFixture(t, rt, nil)
	f.apply(t, false, taskPayload("t1", 1, "RUNNING",
		withImage(ctr("a", sleepForever...), "img/a"),
		withImage(ctr("b", sleepForever...), "img/b"),
		withImage(ctr("c", sleepForever...), "img/a")))
	f.rep.taskReport(t, taskArn("t1"), "RUNNING")
	mu.Lock()
	defer mu.Unlock()
	if want := map[string]int{"img/a": 1, "img/b": 1}; !maps.Equal(pulls, want) {
		t.Fatalf("pulls: got %v, want %v", pulls, want)
	}
}
