package agent

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/sim"
)

// agedRuntime reports chosen exit times for the containers of some tasks,
// as a runtime that kept them across an agent restart would.
type agedRuntime struct {
	runtime.Runtime
	mu         sync.Mutex
	finishedAt map[string]time.Time // by task ARN
}

func (a *agedRuntime) Inspect(ctx context.Context, id string) (runtime.State, error) {
	st, err := a.Runtime.Inspect(ctx, id)
	a.mu.Lock()
	defer a.mu.Unlock()
	if at, ok := a.finishedAt[st.TaskARN]; ok && err == nil {
		st.FinishedAt = at
		st.Exit.FinishedAt = at
	}
	return st, err
}

// TestEngineKeepsStoppedTasksAfterRestart: the containers of a task that
// stopped before the agent restarted stay until CleanupWait after the task
// stopped, not after the restart and not at once.
func TestEngineKeepsStoppedTasksAfterRestart(t *testing.T) {
	const cleanupWait = time.Hour
	tests := []struct {
		name        string
		stoppedAgo  time.Duration // when its container exited, before the restart
		wantKept    bool          // right after the restart
		wantRemoved bool          // within a few seconds
	}{
		{name: "stopped more than CleanupWait ago", stoppedAgo: cleanupWait + time.Minute, wantRemoved: true},
		{name: "stopped a little less than CleanupWait ago", stoppedAgo: cleanupWait - 300*time.Millisecond, wantKept: true, wantRemoved: true},
		{name: "stopped just before the restart", stoppedAgo: time.Second, wantKept: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rt := &agedRuntime{Runtime: sim.New(sim.Options{}), finishedAt: map[string]time.Time{}}
			first := newEngineFixture(t, rt, func(c *EngineConfig) { c.CleanupWait = cleanupWait })
			done := taskPayload("done", 1, "RUNNING", ctr("app", "true"))
			first.apply(t, false, done)
			first.rep.taskReport(t, done.Arn, "RUNNING")
			first.rep.taskReport(t, done.Arn, "STOPPED")
			first.shutdown() // the agent exits before CleanupWait

			rt.mu.Lock()
			rt.finishedAt[done.Arn] = time.Now().Add(-tc.stoppedAgo)
			rt.mu.Unlock()
			second := newEngineFixture(t, rt, func(c *EngineConfig) { c.CleanupWait = cleanupWait })
			second.apply(t, true) // the control plane no longer lists the stopped task
			if tc.wantKept {
				time.Sleep(50 * time.Millisecond) // what the restart would remove, it removes at once
				if got := len(second.containers(t, done.Arn)); got != 1 {
					t.Fatalf("containers right after the restart: got %d, want 1 (kept for its logs)", got)
				}
			}
			if tc.wantRemoved {
				waitFor(t, "the containers to be removed at CleanupWait after the stop", func() bool {
					return len(second.containers(t, done.Arn)) == 0
				})
			}
			// A late payload does not start the stopped task again.
			second.apply(t, false, taskPayload("done", 2, "RUNNING", ctr("app", sleepForever...)))
			if n := second.engine.ActiveTasks(); n != 0 {
				t.Fatalf("active tasks after a late payload: got %d, want 0", n)
			}
		})
	}
}
