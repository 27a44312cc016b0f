package control_test

import (
	"slices"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

// TestListTasksAcrossLifecycle follows tasks through RunTask, StopTask,
// the agent's STOPPED report, the janitor and a restart: every listing
// shows the tasks with the desired status asked for, in id order.
func TestListTasksAcrossLifecycle(t *testing.T) {
	e := newEnv(t)
	now := t0
	e.st.Close()
	e.openWith(control.Config{Now: func() time.Time { return now }})
	e.register()
	e.registerInstance(ecstest.InstanceCPU(1<<20), ecstest.InstanceMemory(1<<20))
	var all []string
	for range 4 {
		all = append(all, arnsOf(e.run(count(10)).Tasks)...)
	}
	slices.Sort(all)
	var running, stopping, stopped []string
	for i, arn := range all {
		switch {
		case i%3 != 0:
			running = append(running, arn)
		case i%2 == 0: // stopped, as its agent reports
			e.stopTask("", arn)
			if _, err := e.svc.ApplyTaskStateChange(e.ctx, control.TaskStateChange{Task: arn, Status: "STOPPED"}); err != nil {
				t.Fatalf("ApplyTaskStateChange: %v", err)
			}
			stopped = append(stopped, arn)
		default: // asked to stop, not stopped yet
			e.stopTask("", arn)
			stopping = append(stopping, arn)
		}
	}
	check := func(stage string, running, stopped []string) {
		t.Helper()
		if got := e.listAllTasks("", ecsmodel.ListTasksRequest{}); !slices.Equal(got, running) {
			t.Errorf("%s: got running %v, want %v", stage, got, running)
		}
		if got := e.listAllTasks("", ecsmodel.ListTasksRequest{DesiredStatus: "STOPPED"}); !slices.Equal(got, stopped) {
			t.Errorf("%s: got stopped %v, want %v", stage, got, stopped)
		}
	}
	check("after the stops", running, slices.Sorted(slices.Values(slices.Concat(stopping, stopped))))

	now = now.Add(2 * control.DefaultStoppedTaskRetention)
	if st, err := e.svc.Sweep(e.ctx); err != nil || st.TasksDeleted != len(stopped) {
		t.Fatalf("Sweep: got %+v, %v, want %d tasks deleted", st, err, len(stopped))
	}
	check("after the janitor", running, stopping)
	e.reopen()
	check("after a restart", running, stopping)
}
