package reliability

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// books is a cluster as the API shows it: every container instance and
// every task, live (desired RUNNING) or stopped.
type books struct {
	instances map[string]types.ContainerInstance
	tasks     map[string]types.Task
}

// readBooks lists and describes a cluster's instances and tasks.
func readBooks(c *ecs.Client, cluster string) (*books, error) {
	b := &books{instances: map[string]types.ContainerInstance{}, tasks: map[string]types.Task{}}
	ctx, cancel := callCtx()
	defer cancel()
	var instArns []string
	ip := ecs.NewListContainerInstancesPaginator(c, &ecs.ListContainerInstancesInput{Cluster: aws.String(cluster), MaxResults: aws.Int32(100)})
	for ip.HasMorePages() {
		page, err := ip.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ListContainerInstances: %w", err)
		}
		instArns = append(instArns, page.ContainerInstanceArns...)
	}
	for chunk := range slices.Chunk(instArns, 100) {
		out, err := c.DescribeContainerInstances(ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String(cluster), ContainerInstances: chunk})
		if err != nil {
			return nil, fmt.Errorf("DescribeContainerInstances: %w", err)
		}
		if len(out.Failures) > 0 {
			return nil, fmt.Errorf("DescribeContainerInstances: got failures %+v, want none", out.Failures)
		}
		for _, ci := range out.ContainerInstances {
			b.instances[aws.ToString(ci.ContainerInstanceArn)] = ci
		}
	}
	var taskArns []string
	for _, desired := range []types.DesiredStatus{types.DesiredStatusRunning, types.DesiredStatusStopped} {
		tp := ecs.NewListTasksPaginator(c, &ecs.ListTasksInput{Cluster: aws.String(cluster), DesiredStatus: desired, MaxResults: aws.Int32(100)})
		for tp.HasMorePages() {
			page, err := tp.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("ListTasks(%s): %w", desired, err)
			}
			taskArns = append(taskArns, page.TaskArns...)
		}
	}
	tasks, err := describeTasks(c, cluster, taskArns)
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		b.tasks[aws.ToString(t.TaskArn)] = t
	}
	return b, nil
}

// describeTasks describes tasks 100 at a time; an ARN the cluster does not
// know is an error.
func describeTasks(c *ecs.Client, cluster string, arns []string) ([]types.Task, error) {
	ctx, cancel := callCtx()
	defer cancel()
	var tasks []types.Task
	for chunk := range slices.Chunk(arns, 100) {
		out, err := c.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: chunk})
		if err != nil {
			return nil, fmt.Errorf("DescribeTasks: %w", err)
		}
		if len(out.Failures) > 0 {
			return nil, fmt.Errorf("DescribeTasks of %d tasks: got failures %+v, want none", len(chunk), out.Failures)
		}
		tasks = append(tasks, out.Tasks...)
	}
	return tasks, nil
}

// usage is what the tasks of one instance add up to.
type usage struct {
	cpu, mem         int64
	tcp, udp         map[int32]string // host port → task holding it
	running, pending int32
}

// bookStats summarises a check.
type bookStats struct {
	instances, live, stopped int
	cpuUsed, memUsed         int64
}

// check verifies the books and returns every problem found:
//
//   - each task is whole: on a registered instance, with exactly the
//     containers of its task definition, each naming the task;
//   - on each instance, the live tasks' reservations fit in its registered
//     CPU and MEMORY, and remainingResources equals registered minus them;
//   - no two live tasks hold one host port, none holds a reserved one,
//     and remaining PORTS / PORTS_UDP are the reserved ports plus theirs;
//   - runningTasksCount counts the tasks desired RUNNING on the instance and
//     pendingTasksCount those last PENDING.
func (b *books) check(c *ecs.Client, defs *defCache) ([]string, bookStats) {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	use := map[string]*usage{}
	for arn := range b.instances {
		use[arn] = &usage{tcp: map[int32]string{}, udp: map[int32]string{}}
	}
	var st bookStats
	for _, arn := range slices.Sorted(maps.Keys(b.tasks)) {
		t := b.tasks[arn]
		inst := aws.ToString(t.ContainerInstanceArn)
		u := use[inst]
		if u == nil {
			bad("task %s: on %q, want a registered container instance", arn, inst)
			continue
		}
		td, err := defs.get(c, aws.ToString(t.TaskDefinitionArn))
		if err != nil {
			bad("task %s: %v", arn, err)
			continue
		}
		checkWhole(t, td, bad)
		if aws.ToString(t.LastStatus) == "PENDING" {
			u.pending++
		}
		if aws.ToString(t.DesiredStatus) != "RUNNING" {
			st.stopped++
			continue
		}
		st.live++
		u.running++
		r, err := reservationOf(td, t.Overrides)
		if err != nil {
			bad("task %s: %v", arn, err)
			continue
		}
		u.cpu += r.cpu
		u.mem += r.mem
		hold(u.tcp, r.tcp, arn, inst, "tcp", bad)
		hold(u.udp, r.udp, arn, inst, "udp", bad)
	}
	for _, arn := range slices.Sorted(maps.Keys(b.instances)) {
		st.instances++
		st.cpuUsed += use[arn].cpu
		st.memUsed += use[arn].mem
		checkInstance(b.instances[arn], use[arn], bad)
	}
	return problems, st
}

// checkWhole checks that a task carries exactly its definition's
// containers.
func checkWhole(t types.Task, td *types.TaskDefinition, bad func(string, ...any)) {
	arn := aws.ToString(t.TaskArn)
	var want, got []string
	for _, cd := range td.ContainerDefinitions {
		want = append(want, aws.ToString(cd.Name))
	}
	for _, c := range t.Containers {
		got = append(got, aws.ToString(c.Name))
		if aws.ToString(c.TaskArn) != arn || aws.ToString(c.LastStatus) == "" {
			bad("task %s: container %s has taskArn %q and lastStatus %q, want the task's ARN and a status",
				arn, aws.ToString(c.Name), aws.ToString(c.TaskArn), aws.ToString(c.LastStatus))
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		bad("task %s: got containers %v, want %v (its task definition's)", arn, got, want)
	}
	if aws.ToString(t.LastStatus) == "" || aws.ToString(t.ClusterArn) == "" || t.Version < 1 {
		bad("task %s: got lastStatus %q cluster %q version %d, want all set", arn, aws.ToString(t.LastStatus), aws.ToString(t.ClusterArn), t.Version)
	}
}

// hold records a live task's host ports, reporting a port held twice.
func hold(held map[int32]string, ports []int32, task, inst, proto string, bad func(string, ...any)) {
	for _, p := range ports {
		if other, dup := held[p]; dup {
			bad("instance %s: %s port %d held by both %s and %s", inst, proto, p, other, task)
		}
		held[p] = task
	}
}

// checkInstance compares one instance's resources and counters with the
// usage of its live tasks.
func checkInstance(ci types.ContainerInstance, u *usage, bad func(string, ...any)) {
	arn := aws.ToString(ci.ContainerInstanceArn)
	reg := resourcesByName(ci.RegisteredResources)
	rem := resourcesByName(ci.RemainingResources)
	for _, r := range []struct {
		name string
		used int64
	}{{"CPU", u.cpu}, {"MEMORY", u.mem}} {
		total := int64(reg[r.name].IntegerValue)
		left := int64(rem[r.name].IntegerValue)
		if r.used > total {
			bad("instance %s: %s overcommitted: live tasks reserve %d of %d", arn, r.name, r.used, total)
		}
		if left != total-r.used || left < 0 {
			bad("instance %s: got %d %s remaining, want %d (registered %d minus %d reserved by live tasks)",
				arn, left, r.name, total-r.used, total, r.used)
		}
	}
	for _, p := range []struct {
		name string
		held map[int32]string
	}{{"PORTS", u.tcp}, {"PORTS_UDP", u.udp}} {
		reserved := portSet(reg[p.name].StringSetValue)
		want := slices.Clone(reserved)
		for port, task := range p.held {
			if slices.Contains(reserved, port) {
				bad("instance %s: task %s holds reserved %s port %d", arn, task, p.name, port)
			}
			want = append(want, port)
		}
		slices.Sort(want)
		want = slices.Compact(want)
		if got := portSet(rem[p.name].StringSetValue); !slices.Equal(got, want) {
			bad("instance %s: got remaining %s %v, want %v (reserved plus the live tasks' host ports)", arn, p.name, got, want)
		}
	}
	if ci.RunningTasksCount != u.running || ci.PendingTasksCount != u.pending {
		bad("instance %s: got runningTasksCount %d pendingTasksCount %d, want %d and %d (its tasks desired RUNNING and last PENDING)",
			arn, ci.RunningTasksCount, ci.PendingTasksCount, u.running, u.pending)
	}
}

func resourcesByName(rs []types.Resource) map[string]types.Resource {
	m := make(map[string]types.Resource, len(rs))
	for _, r := range rs {
		m[aws.ToString(r.Name)] = r
	}
	return m
}

// portSet parses a STRINGSET of ports, sorted; an unparsable entry is kept
// as -1 so that it shows in a comparison.
func portSet(ss []string) []int32 {
	out := make([]int32, 0, len(ss))
	for _, s := range ss {
		n, err := strconv.Atoi(s)
		if err != nil {
			n = -1
		}
		out = append(out, int32(n))
	}
	slices.Sort(out)
	return out
}
