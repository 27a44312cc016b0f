package agentbridge

import (
	"testing"

	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// clusterArn is the default cluster as an agent names it.
const clusterArn = "arn:aws:ecs:us-east-1:123456789012:cluster/default"

func TestApplyStateChanges(t *testing.T) {
	int32p := func(v int32) *int32 { return &v }
	tests := []struct {
		name     string
		change   func(arn string) agentrpc.StateChange
		wantCode string
		check    func(t *testing.T, task ecsmodel.Task)
	}{
		{
			name: "task running",
			change: func(arn string) agentrpc.StateChange {
				return agentrpc.StateChange{Task: taskChange(arn, "RUNNING",
					ecsmodel.ContainerStateChange{ContainerName: "app", Status: "RUNNING", RuntimeId: "r-app"})}
			},
			check: func(t *testing.T, task ecsmodel.Task) {
				if task.LastStatus != "RUNNING" || container(t, task, "app").RuntimeId != "r-app" {
					t.Errorf("got %s with app runtime id %q, want RUNNING and r-app", task.LastStatus, container(t, task, "app").RuntimeId)
				}
			},
		},
		{
			name: "one container",
			change: func(arn string) agentrpc.StateChange {
				return agentrpc.StateChange{Container: &ecsmodel.SubmitContainerStateChangeRequest{
					Task: arn, ContainerName: "side", Status: "STOPPED", ExitCode: int32p(3)}}
			},
			check: func(t *testing.T, task ecsmodel.Task) {
				side := container(t, task, "side")
				if task.LastStatus != "PENDING" || side.LastStatus != "STOPPED" || side.ExitCode == nil || *side.ExitCode != 3 {
					t.Errorf("got task %s, side %s exit %v; want task PENDING, side STOPPED exit 3", task.LastStatus, side.LastStatus, side.ExitCode)
				}
			},
		},
		{
			name: "the stop code the agent decided",
			change: func(arn string) agentrpc.StateChange {
				return agentrpc.StateChange{Task: taskChange(arn, "STOPPED"), StopCode: ecs.StopCodeEssentialContainerExited}
			},
			check: func(t *testing.T, task ecsmodel.Task) {
				if task.LastStatus != "STOPPED" || task.StopCode != ecs.StopCodeEssentialContainerExited {
					t.Errorf("got %s stop code %s, want STOPPED %s", task.LastStatus, task.StopCode, ecs.StopCodeEssentialContainerExited)
				}
			},
		},
		{
			name: "a stop code agents cannot decide is ignored",
			change: func(arn string) agentrpc.StateChange {
				return agentrpc.StateChange{Task: taskChange(arn, "STOPPED"), StopCode: "UserInitiated"}
			},
			check: func(t *testing.T, task ecsmodel.Task) {
				if task.StopCode != ecs.StopCodeTaskFailedToStart {
					t.Errorf("got stop code %s, want %s (derived: it never ran)", task.StopCode, ecs.StopCodeTaskFailedToStart)
				}
			},
		},
		{
			name: "the connection's cluster, not the change's",
			change: func(arn string) agentrpc.StateChange {
				ch := taskChange(arn, "RUNNING")
				ch.Cluster = "elsewhere"
				return agentrpc.StateChange{Task: ch}
			},
			check: func(t *testing.T, task ecsmodel.Task) {
				if task.LastStatus != "RUNNING" {
					t.Errorf("got %s, want RUNNING", task.LastStatus)
				}
			},
		},
		{
			name: "task and container at once",
			change: func(arn string) agentrpc.StateChange {
				return agentrpc.StateChange{Task: taskChange(arn, "RUNNING"),
					Container: &ecsmodel.SubmitContainerStateChangeRequest{Task: arn, ContainerName: "app", Status: "RUNNING"}}
			},
			wantCode: ecs.CodeInvalidParameter,
		},
		{
			name:     "neither task nor container",
			change:   func(string) agentrpc.StateChange { return agentrpc.StateChange{} },
			wantCode: ecs.CodeInvalidParameter,
		},
		{
			name:     "no task named",
			change:   func(string) agentrpc.StateChange { return agentrpc.StateChange{Task: taskChange("", "RUNNING")} },
			wantCode: ecs.CodeInvalidParameter,
		},
		{
			name: "a container change without a container name",
			change: func(arn string) agentrpc.StateChange {
				return agentrpc.StateChange{Container: &ecsmodel.SubmitContainerStateChangeRequest{Task: arn, Status: "RUNNING"}}
			},
			wantCode: ecs.CodeInvalidParameter,
		},
		{
			name: "the model's constraints",
			change: func(arn string) agentrpc.StateChange {
				return agentrpc.StateChange{Task: taskChange(arn, "RUNNING", ecsmodel.ContainerStateChange{
					ContainerName: "app", Status: "RUNNING",
					NetworkBindings: []ecsmodel.NetworkBinding{{ContainerPort: int32p(80), HostPort: int32p(8080), Protocol: "sctp"}}})}
			},
			wantCode: ecs.CodeInvalidParameter,
		},
		{
			name:     "an unknown status",
			change:   func(arn string) agentrpc.StateChange { return agentrpc.StateChange{Task: taskChange(arn, "SLEEPING")} },
			wantCode: ecs.CodeInvalidParameter,
		},
		{
			name: "an unknown task",
			change: func(string) agentrpc.StateChange {
				return agentrpc.StateChange{Task: taskChange("arn:aws:ecs:us-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef", "RUNNING")}
			},
			wantCode: ecs.CodeInvalidParameter,
		},
	}
	e := newEnv(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			arn := e.run(1)[0]
			got := e.bridge.ApplyStateChanges(e.ctx, clusterArn, e.instance, []agentrpc.StateChange{tc.change(arn)})
			if len(got) != 1 || got[0].Code != tc.wantCode {
				t.Fatalf("got results %+v, want one with code %q", got, tc.wantCode)
			}
			task := e.describe(arn)
			if tc.wantCode != "" {
				if task.LastStatus != "PENDING" || task.Version != 1 {
					t.Errorf("after a refused change: got %s version %d, want PENDING version 1 (unchanged)", task.LastStatus, task.Version)
				}
				return
			}
			tc.check(t, task)
		})
	}
}

func TestApplyStateChangesBatch(t *testing.T) {
	e := newEnv(t)
	arns := e.run(3)
	changes := []agentrpc.StateChange{
		{Task: taskChange(arns[0], "RUNNING")},
		{Task: taskChange(arns[1], "RUNNING")},
		{Task: taskChange(arns[0], "STOPPED")},
		{},
		{Container: &ecsmodel.SubmitContainerStateChangeRequest{Task: arns[2], ContainerName: "app", Status: "RUNNING"}},
	}
	got := e.bridge.ApplyStateChanges(e.ctx, "default", e.instance, changes)
	want := []string{"", "", "", ecs.CodeInvalidParameter, ""}
	if len(got) != len(want) {
		t.Fatalf("got %d results, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Code != want[i] {
			t.Errorf("result %d: got code %q, want %q", i, got[i].Code, want[i])
		}
	}
	// The first task's changes are applied in order: it ran, then stopped.
	if t0 := e.describe(arns[0]); t0.LastStatus != "STOPPED" || t0.StopCode != ecs.StopCodeEssentialContainerExited || t0.StartedAt.IsZero() {
		t.Errorf("first task: got %s stop code %s startedAt %v, want STOPPED after RUNNING (EssentialContainerExited, startedAt set)", t0.LastStatus, t0.StopCode, t0.StartedAt)
	}
	if t1 := e.describe(arns[1]); t1.LastStatus != "RUNNING" {
		t.Errorf("second task: got %s, want RUNNING", t1.LastStatus)
	}
	if app := container(t, e.describe(arns[2]), "app"); app.LastStatus != "RUNNING" {
		t.Errorf("third task's app: got %s, want RUNNING", app.LastStatus)
	}
}
