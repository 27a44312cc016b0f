package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/berth-io/berth/internal/agent"
)

// startAgent runs a berth agent with the given runtime against h's server
// until the test ends, and waits for its instance to register.
func startAgent(t *testing.T, h *harness, runtime string, opts ...func(*agent.Config)) *agent.Agent {
	t.Helper()
	cfg := agent.Config{
		Endpoint:        h.srv.URL,
		Region:          testRegion,
		AccessKeyID:     testKey,
		SecretAccessKey: testSecret,
		Cluster:         "default",
		Runtime:         runtime,
		StateDir:        t.TempDir(),
		CPU:             2048,
		MemoryMiB:       4096,
		StopTimeout:     2 * time.Second,
		Logger:          slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		o(&cfg)
	}
	a, err := agent.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	waitFor(t, "the agent to connect", func() bool { return a.Connected() })
	return a
}

// waitFor polls cond every 20ms for up to 20s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// describeTask returns the current state of one task.
func describeTask(t *testing.T, h *harness, arn string) types.Task {
	t.Helper()
	out, err := h.ecs.DescribeTasks(ctx(t), &ecs.DescribeTasksInput{Tasks: []string{arn}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tasks) != 1 {
		t.Fatalf("got %d tasks and failures %+v, want 1 task", len(out.Tasks), out.Failures)
	}
	return out.Tasks[0]
}

func waitStatus(t *testing.T, h *harness, arn, status string) types.Task {
	t.Helper()
	var last types.Task
	waitFor(t, fmt.Sprintf("task to be %s", status), func() bool {
		last = describeTask(t, h, arn)
		return aws.ToString(last.LastStatus) == status
	})
	return last
}

func TestTaskLifecycleThroughAgent(t *testing.T) {
	for _, runtime := range []string{agent.RuntimeSim, agent.RuntimeProcess} {
		t.Run(runtime, func(t *testing.T) {
			h := start(t)
			a := startAgent(t, h, runtime)
			if _, err := h.ecs.RegisterTaskDefinition(ctx(t), taskDef("sleep360")); err != nil {
				t.Fatal(err)
			}
			run, err := h.ecs.RunTask(ctx(t), &ecs.RunTaskInput{TaskDefinition: aws.String("sleep360:1")})
			if err != nil {
				t.Fatal(err)
			}
			if len(run.Tasks) != 1 {
				t.Fatalf("got %d tasks and failures %+v, want 1 task", len(run.Tasks), run.Failures)
			}
			task := run.Tasks[0]
			if got := aws.ToString(task.ContainerInstanceArn); got != a.ContainerInstanceArn() {
				t.Errorf("got instance %s, want the agent's %s", got, a.ContainerInstanceArn())
			}
			arn := aws.ToString(task.TaskArn)
			running := waitStatus(t, h, arn, "RUNNING")
			if running.StartedAt == nil || aws.ToString(running.Containers[0].LastStatus) != "RUNNING" || running.Containers[0].RuntimeId == nil {
				t.Errorf("got RUNNING task %+v, want startedAt, a RUNNING container and its runtime id", running)
			}
			if running.Version <= task.Version {
				t.Errorf("got version %d after RUNNING, want more than %d", running.Version, task.Version)
			}

			if _, err := h.ecs.StopTask(ctx(t), &ecs.StopTaskInput{Task: aws.String(arn)}); err != nil {
				t.Fatal(err)
			}
			stopped := waitStatus(t, h, arn, "STOPPED")
			if stopped.StopCode != types.TaskStopCodeUserInitiated || aws.ToString(stopped.StoppedReason) != "Task stopped by user" {
				t.Errorf("got stop code %s reason %q, want UserInitiated and Task stopped by user", stopped.StopCode, aws.ToString(stopped.StoppedReason))
			}
			if c := stopped.Containers[0]; c.ExitCode == nil || *c.ExitCode != 143 {
				t.Errorf("got exit code %v, want 143 (SIGTERM)", c.ExitCode)
			}
			if stopped.StoppedAt == nil || stopped.ExecutionStoppedAt == nil {
				t.Errorf("got stoppedAt %v executionStoppedAt %v, want both set", stopped.StoppedAt, stopped.ExecutionStoppedAt)
			}
		})
	}
}

func TestEssentialContainerExitStopsTask(t *testing.T) {
	h := start(t)
	startAgent(t, h, agent.RuntimeSim)
	in := taskDef("short", func(in *ecs.RegisterTaskDefinitionInput) {
		in.ContainerDefinitions[0].Command = []string{"sh", "-c", "exit 3"}
	})
	if _, err := h.ecs.RegisterTaskDefinition(ctx(t), in); err != nil {
		t.Fatal(err)
	}
	run, err := h.ecs.RunTask(ctx(t), &ecs.RunTaskInput{TaskDefinition: aws.String("short")})
	if err != nil || len(run.Tasks) != 1 {
		t.Fatalf("RunTask: %v %+v", err, run)
	}
	stopped := waitStatus(t, h, aws.ToString(run.Tasks[0].TaskArn), "STOPPED")
	if stopped.StopCode != types.TaskStopCodeEssentialContainerExited {
		t.Errorf("got stop code %s, want EssentialContainerExited", stopped.StopCode)
	}
	if c := stopped.Containers[0]; c.ExitCode == nil || *c.ExitCode != 3 {
		t.Errorf("got exit code %v, want 3", c.ExitCode)
	}
}

func TestAgentConnectedFlag(t *testing.T) {
	h := start(t)
	a := startAgent(t, h, agent.RuntimeSim)
	out, err := h.ecs.DescribeContainerInstances(ctx(t), &ecs.DescribeContainerInstancesInput{ContainerInstances: []string{a.ContainerInstanceArn()}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ContainerInstances) != 1 || !out.ContainerInstances[0].AgentConnected {
		t.Fatalf("got %+v, want the agent's instance connected", out.ContainerInstances)
	}
}
