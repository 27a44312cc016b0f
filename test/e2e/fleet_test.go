package e2e

import (
	"flag"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

var fleetFull = flag.Bool("fleet.full", false,
	"run TestFleetStorm at full size: 1,000 simulated instances and 10,000 tasks (default 100 and 1,000)")

// Storm sizes: the default run and -fleet.full.
var (
	stormDefault = stormSize{instances: 100, tasks: 1_000, clients: 32}
	stormFull    = stormSize{instances: 1_000, tasks: 10_000, clients: 32}
)

// TestFleetStorm fills a fleet of simulated instances exactly with a storm
// of RunTask calls from concurrent clients, waits for every task to be
// RUNNING, and checks the books: every task RUNNING and listed once, every
// instance connected, with runningTasksCount matching the tasks placed on
// it and its remaining resources its registered ones minus theirs (so
// never below zero).
func TestFleetStorm(t *testing.T) {
	size := stormDefault
	if *fleetFull {
		size = stormFull
	}
	begin := time.Now()
	c := newStormCluster(t, size)
	defer c.close()
	t.Logf("%v: fleet connected in %v", size, time.Since(begin))

	begin = time.Now()
	arns := c.storm(t)
	stormed := time.Since(begin)
	if t.Failed() {
		t.FailNow()
	}
	c.awaitRunning(t, size.tasks, 5*time.Minute)
	t.Logf("%v: %d RunTask calls from %d clients took %v; all %d tasks RUNNING after %v; %d calls retried",
		size, size.tasks/stormBatch, size.clients, stormed, len(arns), time.Since(begin), c.retries.Load())

	checkStormTasks(t, c, arns)
	checkStormInstances(t, c, c.allRunning(t, arns))
	active := 0
	for _, a := range c.fleet.Agents() {
		active += a.ActiveTasks()
	}
	if active != size.tasks {
		t.Errorf("tasks the agents manage: got %d, want %d", active, size.tasks)
	}
}

// checkStormTasks checks that the storm's tasks are distinct, all RUNNING
// and exactly what ListTasks lists.
func checkStormTasks(t *testing.T, c *stormCluster, arns []string) {
	t.Helper()
	sorted := slices.Clone(arns)
	slices.Sort(sorted)
	if got := len(slices.Compact(sorted)); got != c.size.tasks {
		t.Fatalf("distinct tasks launched: got %d, want %d", got, c.size.tasks)
	}
	var listed []string
	p := ecs.NewListTasksPaginator(c.h.ecs, &ecs.ListTasksInput{Family: aws.String(stormFamily), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("ListTasks: %v", err)
		}
		listed = append(listed, page.TaskArns...)
	}
	slices.Sort(listed)
	if !slices.Equal(listed, sorted) {
		t.Errorf("ListTasks: got %d tasks, want the %d launched", len(listed), len(sorted))
	}
}

// checkStormInstances checks every instance's counts and remaining
// resources against the tasks DescribeTasks places on it (onInstance).
func checkStormInstances(t *testing.T, c *stormCluster, onInstance map[string]int32) {
	t.Helper()

	var instances []string
	p := ecs.NewListContainerInstancesPaginator(c.h.ecs, &ecs.ListContainerInstancesInput{MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("ListContainerInstances: %v", err)
		}
		instances = append(instances, page.ContainerInstanceArns...)
	}
	if len(instances) != c.size.instances {
		t.Fatalf("container instances: got %d, want %d", len(instances), c.size.instances)
	}

	var running int32
	zones := map[string]int{}
	for chunk := range slices.Chunk(instances, 100) {
		out, err := c.h.ecs.DescribeContainerInstances(ctx(t), &ecs.DescribeContainerInstancesInput{ContainerInstances: chunk})
		if err != nil || len(out.ContainerInstances) != len(chunk) {
			t.Fatalf("DescribeContainerInstances: got %v and %+v, want %d instances", err, out, len(chunk))
		}
		for _, ci := range out.ContainerInstances {
			checkStormInstance(t, ci, onInstance[aws.ToString(ci.ContainerInstanceArn)])
			running += ci.RunningTasksCount
			for _, a := range ci.Attributes {
				if aws.ToString(a.Name) == "ecs.availability-zone" {
					zones[aws.ToString(a.Value)]++
				}
			}
		}
	}
	if running != int32(c.size.tasks) {
		t.Errorf("runningTasksCount summed over the instances: got %d, want %d", running, c.size.tasks)
	}
	for _, z := range stormZones {
		if want := c.size.instances / len(stormZones); zones[z] < want || zones[z] > want+1 {
			t.Errorf("instances in %s: got %d, want %d or %d", z, zones[z], want, want+1)
		}
	}
}

// checkStormInstance checks one instance that DescribeTasks shows running
// tasks tasks.
func checkStormInstance(t *testing.T, ci types.ContainerInstance, tasks int32) {
	t.Helper()
	arn := aws.ToString(ci.ContainerInstanceArn)
	if aws.ToString(ci.Status) != "ACTIVE" || !ci.AgentConnected {
		t.Errorf("instance %s: got status %s agentConnected %v, want ACTIVE and connected", arn, aws.ToString(ci.Status), ci.AgentConnected)
	}
	if ci.RunningTasksCount != tasks || ci.PendingTasksCount != 0 {
		t.Errorf("instance %s: got running %d pending %d, want running %d (its tasks) and pending 0", arn, ci.RunningTasksCount, ci.PendingTasksCount, tasks)
	}
	for _, r := range []struct {
		name string
		each int32
	}{{"CPU", stormTaskCPU}, {"MEMORY", stormTaskMemory}} {
		total := resource(t, ci.RegisteredResources, r.name).IntegerValue
		remaining := resource(t, ci.RemainingResources, r.name).IntegerValue
		if want := total - tasks*r.each; remaining != want || remaining < 0 {
			t.Errorf("instance %s: got %d %s remaining, want %d (%d registered, %d tasks of %d) and not below 0",
				arn, remaining, r.name, want, total, tasks, r.each)
		}
	}
}
