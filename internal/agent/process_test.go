package agent

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/process"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// newProcessRuntime opens a process runtime over stateDir (a fresh one
// when empty).
func newProcessRuntime(t *testing.T, stateDir string) runtime.Runtime {
	t.Helper()
	if stateDir == "" {
		stateDir = t.TempDir()
	}
	rt, err := process.New(process.Options{StateDir: stateDir, PollInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatalf("process runtime: %v", err)
	}
	return rt
}

// TestEngineOnProcessRuntime runs the task lifecycle with real processes.
func TestEngineOnProcessRuntime(t *testing.T) {
	// The marker file tells the test that the trap is in place before it
	// stops the task.
	marker := filepath.Join(t.TempDir(), "trapped")
	ignoresTerm := []string{"sh", "-c", `trap "" TERM; touch "$0"; sleep 1000`, marker}
	tests := []struct {
		name       string
		containers []ctrPayload
		overrides  *ecsmodel.TaskOverride
		stopAfter  bool // stop the task once RUNNING
		engineStop time.Duration
		wantCode   string
		wantReason string // prefix
		wantExits  map[string]int32
	}{
		{name: "essential exit", containers: []ctrPayload{ctr("app", "sh", "-c", "exit 3"), nonEssential(ctr("side", "sleep", "1000"))},
			wantCode: ecs.StopCodeEssentialContainerExited, wantReason: ReasonEssentialContainerExited,
			wantExits: map[string]int32{"app": 3, "side": 143}},
		{name: "environment override reaches the process", containers: []ctrPayload{ctr("app", "sh", "-c", "exit $CODE")},
			overrides: &ecsmodel.TaskOverride{ContainerOverrides: []ecsmodel.ContainerOverride{
				{Name: "app", Environment: []ecsmodel.KeyValuePair{{Name: "CODE", Value: "5"}}}}},
			wantCode: ecs.StopCodeEssentialContainerExited, wantReason: ReasonEssentialContainerExited,
			wantExits: map[string]int32{"app": 5}},
		{name: "user stop", containers: []ctrPayload{ctr("app", "sleep", "1000")}, stopAfter: true,
			wantExits: map[string]int32{"app": 143}},
		{name: "stop timeout then KILL", containers: []ctrPayload{ctr("app", ignoresTerm...)}, stopAfter: true,
			engineStop: 100 * time.Millisecond, wantExits: map[string]int32{"app": 137}},
		{name: "missing executable", containers: []ctrPayload{ctr("app", "/nonexistent/berth-test-binary")},
			wantCode: ecs.StopCodeTaskFailedToStart, wantReason: "CannotStartContainerError: ",
			wantExits: map[string]int32{"app": -1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newEngineFixture(t, newProcessRuntime(t, ""), func(c *EngineConfig) {
				if tc.engineStop > 0 {
					c.StopTimeout = tc.engineStop
				}
			})
			p := taskPayload("t1", 1, "RUNNING", tc.containers...)
			p.Overrides = tc.overrides
			f.apply(t, false, p)
			if tc.stopAfter {
				f.rep.taskReport(t, p.Arn, "RUNNING")
				if tc.engineStop > 0 {
					waitFor(t, "the trap to be set", func() bool { _, err := os.Stat(marker); return err == nil })
				}
				f.apply(t, false, taskPayload("t1", 2, "STOPPED"))
			}
			var stopped TaskChange
			for {
				rep := f.rep.next(t, p.Arn)
				if rep.task != nil && rep.task.Request.Status == "STOPPED" {
					stopped = *rep.task
					break
				}
			}
			if stopped.StopCode != tc.wantCode || !strings.HasPrefix(stopped.Request.Reason, tc.wantReason) {
				t.Fatalf("stop: got code %q reason %q, want %q / %q...", stopped.StopCode, stopped.Request.Reason, tc.wantCode, tc.wantReason)
			}
			got := exitCodes(stopped)
			for name, want := range tc.wantExits {
				if got[name] != want {
					t.Fatalf("exit code of %s: got %d, want %d (all: %v)", name, got[name], want, got)
				}
			}
		})
	}
}

func TestEngineAdoptsProcessesAfterRestart(t *testing.T) {
	stateDir := t.TempDir()
	first := newEngineFixture(t, newProcessRuntime(t, stateDir), nil)
	p := taskPayload("t1", 1, "RUNNING", ctr("app", "sleep", "1000"))
	first.apply(t, false, p)
	before := first.rep.taskReport(t, p.Arn, "RUNNING")
	first.shutdown()

	// A new runtime over the same state directory stands for the restarted
	// agent process.
	second := newEngineFixture(t, newProcessRuntime(t, stateDir), nil)
	second.apply(t, true, p)
	after := second.rep.taskReport(t, p.Arn, "RUNNING")
	if a, b := before.Request.Containers[0].RuntimeId, after.Request.Containers[0].RuntimeId; a != b {
		t.Fatalf("runtime id after restart: got %s, want the adopted %s", b, a)
	}
	if n := len(second.containers(t, p.Arn)); n != 1 {
		t.Fatalf("containers: got %d, want 1 (no double start)", n)
	}
	second.apply(t, false, taskPayload("t1", 2, "STOPPED"))
	stopped := second.rep.taskReport(t, p.Arn, "STOPPED")
	// A restarted agent is not the process's parent and may not learn the
	// exit code (here the test process still is the parent, so the first
	// runtime may record it): either no code or SIGTERM's.
	c := stopped.Request.Containers[0]
	if c.Status != "STOPPED" || (c.ExitCode != nil && *c.ExitCode != 143) {
		t.Fatalf("adopted process stop: got %s exit %v, want STOPPED with no exit code or 143", c.Status, deref(c.ExitCode))
	}
}
