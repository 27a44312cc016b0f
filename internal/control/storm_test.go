package control_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

// TestRunTaskStorm launches tasks from hundreds of goroutines at once into
// a cluster with room for fewer tasks than asked for. No instance may end
// up past its resources, every task asked for must be either placed or a
// failure, and, the tasks being alike, the cluster must end up exactly
// full.
func TestRunTaskStorm(t *testing.T) {
	const (
		instances   = 10
		perInstance = 10 // 1000 MiB / 100 MiB
		callers     = 300
	)
	e := newEnv(t)
	e.register(ecstest.Containers(ecstest.Container("app", ecstest.CPU(64), ecstest.Memory(100))))
	var arns []string
	for range instances {
		arns = append(arns, e.registerInstance(ecstest.InstanceCPU(1024), ecstest.InstanceMemory(1000)).ContainerInstanceArn)
	}
	var (
		mu       sync.Mutex
		asked    int
		placed   = map[string]int{} // per instance
		taskARNs = map[string]bool{}
		failures int
		wg       sync.WaitGroup
	)
	for i := range callers {
		n := int32(1 + i%3)
		opts := []runOption{count(n)}
		if i%2 == 0 {
			opts = append(opts, token(fmt.Sprintf("storm-%d", i)), strategy("binpack", "memory"))
		} else {
			opts = append(opts, strategy("spread", "instanceId"))
		}
		wg.Go(func() {
			out, err := e.svc.RunTask(e.ctx, runRequest(opts...))
			mu.Lock()
			defer mu.Unlock()
			asked += int(n)
			if err != nil {
				t.Errorf("RunTask: %v", err)
				return
			}
			if len(out.Tasks)+len(out.Failures) != int(n) {
				t.Errorf("got %d tasks and %d failures for count %d, want them to add up", len(out.Tasks), len(out.Failures), n)
			}
			failures += len(out.Failures)
			for _, task := range out.Tasks {
				if taskARNs[task.TaskArn] {
					t.Errorf("got task %s twice", task.TaskArn)
				}
				taskARNs[task.TaskArn] = true
				placed[task.ContainerInstanceArn]++
			}
		})
	}
	wg.Wait()
	if got, want := len(taskARNs), instances*perInstance; got != want {
		t.Errorf("got %d tasks placed, want the cluster's capacity %d", got, want)
	}
	if len(taskARNs)+failures != asked {
		t.Errorf("got %d tasks and %d failures, want %d in all", len(taskARNs), failures, asked)
	}
	for _, arn := range arns {
		ci := e.describeInstance("default", arn)
		mem := resource(t, ci.RemainingResources, "MEMORY").IntegerValue
		if mem < 0 || int(mem) != 1000-100*placed[arn] || placed[arn] > perInstance {
			t.Errorf("instance %s: got %d tasks and %d MiB remaining, want at most %d tasks and 1000-100 per task", arn, placed[arn], mem, perInstance)
		}
		if int(ci.RunningTasksCount) != placed[arn] {
			t.Errorf("instance %s: got runningTasksCount %d, want %d", arn, ci.RunningTasksCount, placed[arn])
		}
	}
	listed := e.listAllTasks("default", ecsmodel.ListTasksRequest{})
	if len(listed) != len(taskARNs) {
		t.Errorf("got %d tasks listed, want %d", len(listed), len(taskARNs))
	}
}

// TestRunTaskSameTokenConcurrently sends one request with one token from
// many goroutines: exactly one launch happens and every caller gets its
// tasks.
func TestRunTaskSameTokenConcurrently(t *testing.T) {
	e := newEnv(t)
	e.register()
	e.registerInstance()
	const callers = 40
	results := make([][]string, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			out, err := e.svc.RunTask(e.ctx, runRequest(count(3), token("same-token")))
			if err != nil {
				t.Errorf("RunTask: %v", err)
				return
			}
			for _, task := range out.Tasks {
				results[i] = append(results[i], task.TaskArn)
			}
		})
	}
	wg.Wait()
	for i := range results {
		if len(results[i]) != 3 || fmt.Sprint(results[i]) != fmt.Sprint(results[0]) {
			t.Fatalf("caller %d got %v, want the same 3 tasks as caller 0 %v", i, results[i], results[0])
		}
	}
	if listed := e.listAllTasks("", ecsmodel.ListTasksRequest{}); len(listed) != 3 {
		t.Errorf("got %d tasks in the cluster, want 3", len(listed))
	}
}

// TestAllocationsRebuiltOnRestart restarts the service over the same store:
// remaining resources are registered minus the tasks that still want to
// run, and placement continues from there.
func TestAllocationsRebuiltOnRestart(t *testing.T) {
	e := newEnv(t)
	e.register(ecstest.Containers(ecstest.Container("app", ecstest.CPU(100), ecstest.Memory(300), ecstest.HostPort(80, 8080))))
	a := e.registerInstance(ecstest.InstanceMemory(1000))
	b := e.registerInstance(ecstest.InstanceMemory(1000))
	out := e.run(count(2), strategy("spread", "instanceId"))
	e.stopTask("", out.Tasks[0].TaskArn)
	before := map[string][2]int32{}
	for _, arn := range []string{a.ContainerInstanceArn, b.ContainerInstanceArn} {
		cpu, mem := e.remainingOf("", arn)
		before[arn] = [2]int32{cpu, mem}
	}
	e.reopen()
	held := 0
	for _, arn := range []string{a.ContainerInstanceArn, b.ContainerInstanceArn} {
		cpu, mem := e.remainingOf("", arn)
		if [2]int32{cpu, mem} != before[arn] {
			t.Errorf("instance %s: got remaining %d/%d after restart, want %v", arn, cpu, mem, before[arn])
		}
		if mem == 700 {
			held++
		}
		if ports := resource(t, e.describeInstance("", arn).RemainingResources, "PORTS").StringSetValue; (mem == 700) != slices.Contains(ports, "8080") {
			t.Errorf("instance %s: got ports %v with %d MiB left, want 8080 held exactly while a task runs", arn, ports, mem)
		}
	}
	if held != 1 {
		t.Errorf("got %d instances holding a task after restart, want 1 (the other task was stopped)", held)
	}
	// Port 8080 allows one task per instance: one more fits, then none.
	more := e.run(count(2))
	if len(more.Tasks) != 1 || len(more.Failures) != 1 || more.Failures[0].Reason != "RESOURCE:PORTS" {
		t.Errorf("got %d tasks and failures %+v after restart, want 1 task and a RESOURCE:PORTS failure", len(more.Tasks), more.Failures)
	}
}

// listAllTasks pages through ListTasks.
func (e *env) listAllTasks(cluster string, req ecsmodel.ListTasksRequest) []string {
	e.t.Helper()
	req.Cluster = cluster
	req.MaxResults = ptr[int32](int32(1 + rand.IntN(100)))
	var all []string
	for {
		out, err := e.svc.ListTasks(e.ctx, &req)
		if err != nil {
			e.t.Fatalf("ListTasks: %v", err)
		}
		all = append(all, out.TaskArns...)
		if out.NextToken == "" {
			return all
		}
		req.NextToken = out.NextToken
	}
}
