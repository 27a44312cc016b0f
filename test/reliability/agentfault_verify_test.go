package reliability

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// faultRetries counts calls retried because no answer came;
// agentFailures the tasks RunTask refused with reason AGENT.
var faultRetries, agentFailures atomic.Int64

// untilAnswered runs call until it gets an answer: success or an API error. A
// transport error (the control plane is restarting) is retried every
// 50 ms for up to a minute.
func untilAnswered(call func(ctx context.Context) error) error {
	deadline := time.Now().Add(time.Minute)
	for {
		ctx, cancel := callCtx()
		err := call(ctx)
		cancel()
		var apiErr smithy.APIError
		if err == nil || errors.As(err, &apiErr) || time.Now().After(deadline) {
			return err
		}
		faultRetries.Add(1)
		time.Sleep(50 * time.Millisecond)
	}
}

// wantStatus is the status an acknowledged task must reach.
func wantStatus(led *ackLedger, arn string) string {
	if led.wantStopped(arn) {
		return "STOPPED"
	}
	return "RUNNING"
}

// settle waits until every acknowledged task has reached its status.
func settle(t *testing.T, admin *ecs.Client, led *ackLedger, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var tasks []types.Task
		if err := untilAnswered(func(context.Context) (err error) {
			tasks, err = describeTasks(admin, faultCluster, led.arns())
			return err
		}); err != nil {
			t.Fatalf("settle: %v", err)
		}
		var late []string
		for _, task := range tasks {
			arn := aws.ToString(task.TaskArn)
			if got, want := aws.ToString(task.LastStatus), wantStatus(led, arn); got != want {
				late = append(late, arn+" "+got+" want "+want)
			}
		}
		if len(late) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v, %d tasks have not reached their status, e.g. %v", timeout, len(late), late[:min(5, len(late))])
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// runOnce summarises verifyRunOnce.
type runOnce struct {
	tasks, stopped, containers int
	removed                    int // stopped tasks whose containers an agent restart removed
	starts                     []int
}

// verifyRunOnce checks each acknowledged task against the sim runtimes:
// the runtime of its instance holds exactly one container per container
// definition, running, with the runtime id DescribeTasks reports (for a
// stopped task: exited 143, or removed as a restarted agent removes the
// containers of tasks that are no longer wanted); no other runtime holds
// any; the runtimes hold no container of a task no client was told of;
// each agent manages exactly its RUNNING tasks.
func verifyRunOnce(t *testing.T, c *ecs.Client, led *ackLedger, nodes []*simNode) runOnce {
	t.Helper()
	r := runOnce{}
	arns := led.arns()
	known := map[string]bool{}
	for _, a := range arns {
		known[a] = true
	}
	byInstance := map[string]*simNode{}
	held := map[*simNode]map[string][]runtime.Found{}
	for _, n := range nodes {
		byInstance[n.current().ContainerInstanceArn()] = n
		held[n] = n.containers()
		r.starts = append(r.starts, n.starts)
		for arn, fs := range held[n] {
			r.containers += len(fs)
			if !known[arn] {
				t.Errorf("%s holds %d containers of task %s, which no client was told of", n.name, len(fs), arn)
			}
		}
	}
	tasks, err := describeTasks(c, faultCluster, arns)
	if err != nil {
		t.Fatal(err)
	}
	running := map[*simNode]int{}
	for _, task := range tasks {
		arn := aws.ToString(task.TaskArn)
		home := byInstance[aws.ToString(task.ContainerInstanceArn)]
		if home == nil {
			t.Errorf("task %s: on %s, not one of the agents' instances", arn, aws.ToString(task.ContainerInstanceArn))
			continue
		}
		r.tasks++
		status := aws.ToString(task.LastStatus)
		if status == "RUNNING" {
			running[home]++
		} else {
			r.stopped++
		}
		for n, byTask := range held {
			if n != home && len(byTask[arn]) > 0 {
				t.Errorf("task %s (on %s): %s also holds %d of its containers", arn, home.name, n.name, len(byTask[arn]))
			}
		}
		if status == "STOPPED" && len(held[home][arn]) == 0 {
			r.removed++
			continue
		}
		checkContainers(t, task, status, held[home][arn], home.rt)
	}
	for _, n := range nodes {
		waitFor(t, n.name+"'s agent to manage exactly its RUNNING tasks", 30*time.Second, func() bool {
			return n.current().ActiveTasks() == running[n]
		})
	}
	return r
}

// checkContainers compares a task's description with its containers in
// the runtime of its instance.
func checkContainers(t *testing.T, task types.Task, status string, found []runtime.Found, rt interface {
	Inspect(context.Context, string) (runtime.State, error)
}) {
	t.Helper()
	arn := aws.ToString(task.TaskArn)
	byName := map[string][]runtime.Found{}
	for _, f := range found {
		byName[f.ContainerName] = append(byName[f.ContainerName], f)
	}
	for _, c := range task.Containers {
		name := aws.ToString(c.Name)
		fs := byName[name]
		delete(byName, name)
		if len(fs) != 1 {
			t.Errorf("task %s (%s): container %s: got %d in the runtime, want exactly 1", arn, status, name, len(fs))
			continue
		}
		if got := aws.ToString(c.RuntimeId); got != fs[0].ID {
			t.Errorf("task %s: container %s: DescribeTasks runtimeId %q, want the runtime's %q", arn, name, got, fs[0].ID)
		}
		st, err := rt.Inspect(context.Background(), fs[0].ID)
		if err != nil {
			t.Errorf("task %s: container %s: Inspect: %v", arn, name, err)
			continue
		}
		switch {
		case status == "RUNNING" && st.Status != runtime.StatusRunning:
			t.Errorf("task %s: container %s is %s in the runtime, want running", arn, name, st.Status)
		case status == "STOPPED" && (st.Status != runtime.StatusExited || st.Exit.ExitCode != 143):
			t.Errorf("task %s: container %s is %s (exit %d) in the runtime, want exited 143 (SIGTERM)", arn, name, st.Status, st.Exit.ExitCode)
		}
	}
	if len(byName) > 0 {
		t.Errorf("task %s: the runtime holds containers %v that DescribeTasks does not list", arn, slices.Sorted(maps.Keys(byName)))
	}
	if status == "STOPPED" && task.StopCode != types.TaskStopCodeUserInitiated {
		t.Errorf("task %s: got stop code %s, want UserInitiated", arn, task.StopCode)
	}
}
