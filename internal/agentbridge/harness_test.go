package agentbridge

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
	"github.com/berth-io/berth/internal/store/boltstore"
)

// env is a control plane on a real bbolt file with a registered task
// definition and one container instance of the default cluster.
type env struct {
	t        *testing.T
	ctx      context.Context
	svc      *control.Service
	bridge   *Bridge
	instance string // its container instance ARN
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "berth.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatalf("boltstore.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := control.New(control.Config{Store: st, Account: ecs.Account{Region: "us-east-1", ID: "123456789012"}})
	if err != nil {
		t.Fatalf("control.New: %v", err)
	}
	e := &env{t: t, ctx: context.Background(), svc: svc, bridge: New(svc, nil)}
	if _, err := svc.RegisterTaskDefinition(e.ctx, ecstest.TaskDefinition(ecstest.Containers(
		ecstest.Container("app"), ecstest.Container("side", ecstest.Essential(false))))); err != nil {
		t.Fatalf("RegisterTaskDefinition: %v", err)
	}
	out, err := svc.RegisterContainerInstance(e.ctx, ecstest.RegisterInstance())
	if err != nil {
		t.Fatalf("RegisterContainerInstance: %v", err)
	}
	e.instance = out.ContainerInstance.ContainerInstanceArn
	return e
}

// run starts n tasks and returns their ARNs.
func (e *env) run(n int32) []string {
	e.t.Helper()
	out, err := e.svc.RunTask(e.ctx, &ecsmodel.RunTaskRequest{TaskDefinition: ecstest.DefaultFamily, Count: &n})
	if err != nil || len(out.Tasks) != int(n) {
		e.t.Fatalf("RunTask: got %d tasks, error %v, failures %+v; want %d tasks", len(out.Tasks), err, out.Failures, n)
	}
	arns := make([]string, n)
	for i, t := range out.Tasks {
		arns[i] = t.TaskArn
	}
	return arns
}

// describe returns a task as stored.
func (e *env) describe(arn string) ecsmodel.Task {
	e.t.Helper()
	out, err := e.svc.DescribeTasks(e.ctx, &ecsmodel.DescribeTasksRequest{Tasks: []string{arn}})
	if err != nil || len(out.Tasks) != 1 {
		e.t.Fatalf("DescribeTasks(%s): got %d tasks, error %v; want 1 task", arn, len(out.Tasks), err)
	}
	return out.Tasks[0]
}

// container returns the named container of a task, or fails.
func container(t *testing.T, task ecsmodel.Task, name string) ecsmodel.Container {
	t.Helper()
	for _, c := range task.Containers {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("task %s has no container %s", task.TaskArn, name)
	return ecsmodel.Container{}
}

// taskChange builds a task state change.
func taskChange(arn, status string, containers ...ecsmodel.ContainerStateChange) *ecsmodel.SubmitTaskStateChangeRequest {
	return &ecsmodel.SubmitTaskStateChangeRequest{Task: arn, Status: status, Containers: containers}
}

// waitFor polls cond until it holds; it fails the test if that takes
// unreasonably long (a hang, not a speed check).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
