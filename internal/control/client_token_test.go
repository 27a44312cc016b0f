package control_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

func arnsOf(tasks []ecsmodel.Task) []string {
	var out []string
	for _, t := range tasks {
		out = append(out, t.TaskArn)
	}
	return out
}

func TestClientToken(t *testing.T) {
	e := newEnv(t)
	e.register(ecstest.Containers(ecstest.Container("app", ecstest.Memory(1000))))
	e.registerInstance(ecstest.InstanceMemory(2500))
	first := e.run(count(3), token("tok-1"))
	if len(first.Tasks) != 2 || len(first.Failures) != 1 {
		t.Fatalf("got %d tasks and %d failures, want 2 and 1", len(first.Tasks), len(first.Failures))
	}
	e.stopTask("", first.Tasks[0].TaskArn)

	for _, tc := range []struct {
		name string
		opts []runOption
		code string
	}{
		{"same request", []runOption{count(3), token("tok-1")}, ""},
		{"same request, cluster by ARN", []runOption{count(3), token("tok-1"), onCluster(account.ClusterARN("default"))}, ""},
		{"different count", []runOption{count(2), token("tok-1")}, ecs.CodeConflict},
		{"different startedBy", []runOption{count(3), token("tok-1"), startedBy("x")}, ecs.CodeConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.svc.RunTask(e.ctx, runRequest(tc.opts...))
			wantCode(t, err, tc.code)
			if tc.code != "" {
				var ee *ecs.Error
				if !errors.As(err, &ee) || !slices.Equal(ee.ResourceIDs, arnsOf(first.Tasks)) {
					t.Errorf("got resourceIds %v, want the first call's tasks %v", ee.ResourceIDs, arnsOf(first.Tasks))
				}
				return
			}
			if !slices.Equal(arnsOf(out.Tasks), arnsOf(first.Tasks)) || !equalAny(out.Failures, first.Failures) {
				t.Errorf("got tasks %v failures %+v, want the first call's %v %+v", arnsOf(out.Tasks), out.Failures, arnsOf(first.Tasks), first.Failures)
			}
			if out.Tasks[0].DesiredStatus != "STOPPED" || out.Tasks[0].Version != 2 {
				t.Errorf("got the first task %s version %d, want its current state STOPPED version 2", out.Tasks[0].DesiredStatus, out.Tasks[0].Version)
			}
		})
	}
	if got := e.listAllTasks("", ecsmodel.ListTasksRequest{}); len(got) != 1 {
		t.Errorf("got %d running tasks, want 1 (no call after the first launched anything)", len(got))
	}
	// A token is per cluster.
	e.createCluster("other")
	e.registerInstance(ecstest.OnCluster("other"))
	if out := e.run(onCluster("other"), token("tok-1")); len(out.Tasks) != 1 || slices.Contains(arnsOf(first.Tasks), out.Tasks[0].TaskArn) {
		t.Errorf("got %v in another cluster, want a new task", arnsOf(out.Tasks))
	}
}

func TestClientTokenExpires(t *testing.T) {
	e := newEnv(t)
	now := t0
	e.st.Close()
	e.openWith(control.Config{Now: func() time.Time { return now }, ClientTokenTTL: time.Hour})
	e.register()
	e.registerInstance()
	first := e.run(token("tok"))
	now = now.Add(59 * time.Minute)
	if again := e.run(token("tok")); again.Tasks[0].TaskArn != first.Tasks[0].TaskArn {
		t.Errorf("got %s before expiry, want the first task %s", again.Tasks[0].TaskArn, first.Tasks[0].TaskArn)
	}
	now = now.Add(2 * time.Minute)
	second := e.run(token("tok"), count(2))
	if len(second.Tasks) != 2 || slices.Contains(arnsOf(second.Tasks), first.Tasks[0].TaskArn) {
		t.Errorf("got %v after expiry, want 2 new tasks", arnsOf(second.Tasks))
	}
	if again := e.run(token("tok"), count(2)); !slices.Equal(arnsOf(again.Tasks), arnsOf(second.Tasks)) {
		t.Errorf("got %v, want the renewed token's tasks %v", arnsOf(again.Tasks), arnsOf(second.Tasks))
	}
	now = now.Add(2 * time.Hour)
	st, err := e.svc.Sweep(e.ctx)
	wantCode(t, err, "")
	if st.TokensDeleted != 1 {
		t.Errorf("got %d tokens deleted by the janitor, want 1", st.TokensDeleted)
	}
}
