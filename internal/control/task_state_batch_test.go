package control_test

import (
	"fmt"
	"testing"

	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecstest"
)

// reportOf builds a reported change of a task: status, and the container
// app's status when container is not "".
func reportOf(task, status, container string) control.TaskStateChange {
	ch := control.TaskStateChange{Task: task, Status: status}
	if container != "" {
		ch.Containers = []control.ContainerStateChange{{Name: ecstest.DefaultContainerName, Status: container}}
	}
	return ch
}

// TestApplyTaskStateChanges checks a batch of reports: each change gets
// its own error or none, changes of one task apply in order, and one bad
// change does not stop the others.
func TestApplyTaskStateChanges(t *testing.T) {
	e := newEnv(t)
	e.register()
	e.registerInstance()
	tasks := e.run(count(3)).Tasks
	a, b, c := tasks[0].TaskArn, tasks[1].TaskArn, tasks[2].TaskArn
	missing := a[:len(a)-32] + "0123456789abcdef0123456789abcdef"
	changes := []control.TaskStateChange{
		reportOf(a, "RUNNING", "RUNNING"),
		reportOf(b, "BOGUS", ""),
		reportOf(missing, "RUNNING", ""),
		reportOf(c, "RUNNING", ""),
		reportOf(a, "STOPPED", "STOPPED"),
		reportOf("not a task", "RUNNING", ""),
	}
	errs := e.svc.ApplyTaskStateChanges(e.ctx, "", changes)
	wantCodes := []string{"", ecs.CodeInvalidParameter, ecs.CodeInvalidParameter, "", "", ecs.CodeInvalidParameter}
	if len(errs) != len(wantCodes) {
		t.Fatalf("got %d errors, want %d", len(errs), len(wantCodes))
	}
	for i, code := range wantCodes {
		t.Run(fmt.Sprintf("change %d %s", i, changes[i].Status), func(t *testing.T) { wantCode(t, errs[i], code) })
	}
	for _, w := range []struct {
		arn, last, desired string
		version            int64
	}{
		{a, "STOPPED", "STOPPED", 3}, // RUNNING then STOPPED, in order
		{b, "PENDING", "RUNNING", 1}, // its only change was invalid
		{c, "RUNNING", "RUNNING", 2},
	} {
		got := e.describeTask("", w.arn)
		if got.LastStatus != w.last || got.DesiredStatus != w.desired || got.Version != w.version {
			t.Errorf("task %s: got %s/%s version %d, want %s/%s version %d", w.arn, got.LastStatus, got.DesiredStatus, got.Version, w.last, w.desired, w.version)
		}
	}
	if cl := e.describeCluster(""); cl.RunningTasksCount != 1 || cl.PendingTasksCount != 1 {
		t.Errorf("got cluster running %d pending %d, want 1 and 1", cl.RunningTasksCount, cl.PendingTasksCount)
	}
}

// TestApplyTaskStateChangesCluster checks that a batch for a cluster that
// does not exist fails every change with ClusterNotFound, except those
// already invalid on their own.
func TestApplyTaskStateChangesCluster(t *testing.T) {
	e := newEnv(t)
	e.register()
	e.registerInstance()
	arn := e.run().Tasks[0].TaskArn
	errs := e.svc.ApplyTaskStateChanges(e.ctx, "nowhere", []control.TaskStateChange{reportOf(arn, "RUNNING", ""), reportOf(arn, "BOGUS", "")})
	wantCode(t, errs[0], ecs.CodeClusterNotFound)
	wantCode(t, errs[1], ecs.CodeInvalidParameter)
	if got := e.describeTask("", arn); got.LastStatus != "PENDING" {
		t.Errorf("got %s, want the task left PENDING", got.LastStatus)
	}
}
