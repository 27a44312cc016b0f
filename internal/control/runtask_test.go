package control_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

var (
	taskARN      = regexp.MustCompile(`^arn:aws:ecs:us-east-1:123456789012:task/default/[0-9a-f]{32}$`)
	containerARN = regexp.MustCompile(`^arn:aws:ecs:us-east-1:123456789012:container/default/[0-9a-f]{32}/[0-9a-f-]{36}$`)
)

func TestRunTaskResponse(t *testing.T) {
	e := newEnv(t)
	ci := e.registerInstance()
	td := e.register(ecstest.Containers(
		ecstest.Container("web", ecstest.CPU(256), ecstest.Memory(512), ecstest.MemoryReservation(256)),
		ecstest.Container("log", ecstest.Memory(64)),
	))
	out := e.run(startedBy("job-7"), runTags(ecstest.Tags("team", "a")...))
	if len(out.Tasks) != 1 || len(out.Failures) != 0 {
		t.Fatalf("got %d tasks and failures %+v, want 1 task", len(out.Tasks), out.Failures)
	}
	task := out.Tasks[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"clusterArn", task.ClusterArn, account.ClusterARN("default")},
		{"taskDefinitionArn", task.TaskDefinitionArn, td.TaskDefinitionArn},
		{"containerInstanceArn", task.ContainerInstanceArn, ci.ContainerInstanceArn},
		{"lastStatus", task.LastStatus, "PENDING"},
		{"desiredStatus", task.DesiredStatus, "RUNNING"},
		{"cpu", task.Cpu, "256"},
		{"memory", task.Memory, "320"}, // reservation 256 + hard limit 64
		{"group", task.Group, "family:web"},
		{"startedBy", task.StartedBy, "job-7"},
		{"launchType", task.LaunchType, ecsmodel.LaunchTypeEc2},
		{"availabilityZone", task.AvailabilityZone, ecstest.DefaultZone},
		{"version", task.Version, int64(1)},
		{"createdAt", task.CreatedAt.Time, t0.Truncate(1e6)},
		{"containers", len(task.Containers), 2},
		{"containerOverrides", len(task.Overrides.ContainerOverrides), 2},
		{"tags", task.Tags, ecstest.Tags("team", "a")},
		{"attributes", task.Attributes, []ecsmodel.Attribute{{Name: "ecs.cpu-architecture", Value: "x86_64"}}},
	}
	for _, c := range checks {
		if !equalAny(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if !taskARN.MatchString(task.TaskArn) {
		t.Errorf("got taskArn %s, want the long format with a 32-hex id", task.TaskArn)
	}
	web := task.Containers[0]
	if !containerARN.MatchString(web.ContainerArn) || web.TaskArn != task.TaskArn || web.Name != "web" || web.Image != ecstest.DefaultImage ||
		web.LastStatus != "PENDING" || web.Cpu != "256" || web.Memory != "512" || web.MemoryReservation != "256" {
		t.Errorf("got container %+v, want web PENDING with cpu 256, memory 512, reservation 256 and a container ARN", web)
	}
	if o := task.Overrides.ContainerOverrides; o[0].Name != "web" || o[1].Name != "log" {
		t.Errorf("got container overrides %+v, want {web} and {log}", o)
	}
	if got := e.describeTask("default", task.TaskArn); !equalAny(got, task) {
		t.Errorf("DescribeTasks: got %+v, want what RunTask returned %+v", got, task)
	}
	if cpu, mem := e.remainingOf("default", ci.ContainerInstanceArn); cpu != 2048-256 || mem != 3943-320 {
		t.Errorf("got remaining cpu %d memory %d, want %d and %d", cpu, mem, 2048-256, 3943-320)
	}
	if d := e.describeInstance("default", ci.ContainerInstanceArn); d.RunningTasksCount != 1 || d.PendingTasksCount != 1 {
		t.Errorf("got running %d pending %d, want 1 and 1", d.RunningTasksCount, d.PendingTasksCount)
	}
	if c := e.describeCluster("default"); c.PendingTasksCount != 1 || c.RunningTasksCount != 0 {
		t.Errorf("got cluster pending %d running %d, want 1 and 0", c.PendingTasksCount, c.RunningTasksCount)
	}
}

func TestRunTaskFailures(t *testing.T) {
	e := newEnv(t)
	e.register(ecstest.Containers(ecstest.Container("app", ecstest.Memory(1500))))
	_, err := e.svc.RunTask(e.ctx, runRequest())
	wantError(t, err, ecs.CodeInvalidParameter, "No Container Instances were found in your cluster.")

	big := e.registerInstance(ecstest.InstanceMemory(3500))
	small := e.registerInstance(ecstest.InstanceMemory(2200))
	out := e.run(count(4))
	// 3500 fits two tasks, 2200 one; the fourth fails, naming the instance
	// closest to fitting it: the small one, with 700 MiB left.
	if len(out.Tasks) != 3 {
		t.Fatalf("got %d tasks, want 3", len(out.Tasks))
	}
	wantFailures(t, out.Failures, ecsmodel.Failure{Arn: small.ContainerInstanceArn, Reason: "RESOURCE:MEMORY"})
	on := map[string]int{}
	for _, task := range out.Tasks {
		on[task.ContainerInstanceArn]++
	}
	if on[big.ContainerInstanceArn] != 2 || on[small.ContainerInstanceArn] != 1 {
		t.Errorf("got tasks per instance %v, want 2 on the big one and 1 on the small one", on)
	}
	none := e.run(count(2))
	if len(none.Tasks) != 0 || len(none.Failures) != 2 {
		t.Errorf("got %d tasks and %d failures on a full cluster, want 0 and 2", len(none.Tasks), len(none.Failures))
	}
}

func TestRunTaskPortsAndGPUs(t *testing.T) {
	e := newEnv(t)
	ci := e.registerInstance(ecstest.GPUs("GPU-0", "GPU-1", "GPU-2"))
	gpu := ecsmodel.ResourceRequirement{Type: ecsmodel.ResourceTypeGpu, Value: "2"}
	e.register(ecstest.Containers(
		ecstest.Container("web", ecstest.HostPort(80, 8080), ecstest.Port(9000), func(c *ecsmodel.ContainerDefinition) {
			c.ResourceRequirements = []ecsmodel.ResourceRequirement{gpu}
		}),
	))
	out := e.run()
	if len(out.Tasks) != 1 {
		t.Fatalf("got failures %+v, want one task", out.Failures)
	}
	if got := out.Tasks[0].Containers[0].GpuIds; !slices.Equal(got, []string{"GPU-0", "GPU-1"}) {
		t.Errorf("got gpuIds %v, want [GPU-0 GPU-1]", got)
	}
	d := e.describeInstance("default", ci.ContainerInstanceArn)
	ports := resource(t, d.RemainingResources, "PORTS").StringSetValue
	if !slices.Contains(ports, "8080") || !slices.Contains(ports, "49153") {
		t.Errorf("got ports in use %v, want the static 8080 and the dynamic 49153 added", ports)
	}
	if got := resource(t, d.RemainingResources, "GPU").StringSetValue; !slices.Equal(got, []string{"GPU-2"}) {
		t.Errorf("got free GPUs %v, want [GPU-2]", got)
	}
	second := e.run()
	wantFailures(t, second.Failures, ecsmodel.Failure{Arn: ci.ContainerInstanceArn, Reason: "RESOURCE:GPU"})
}

func TestRunTaskStrategiesAndConstraints(t *testing.T) {
	e := newEnv(t)
	e.register()
	var zoneA, zoneB []string
	for i := range 4 {
		zone := "us-east-1a"
		if i%2 == 1 {
			zone = "us-east-1b"
		}
		ci := e.registerInstance(ecstest.Identity(ecstest.NewEC2InstanceID(), zone), ecstest.InstanceMemory(int32(1000+i*100)))
		if zone == "us-east-1a" {
			zoneA = append(zoneA, ci.ContainerInstanceArn)
		} else {
			zoneB = append(zoneB, ci.ContainerInstanceArn)
		}
	}
	out := e.run(count(2), strategy("spread", "attribute:ecs.availability-zone", "binpack", "memory"))
	// One task per zone, each on the zone's instance with the least memory.
	got := []string{out.Tasks[0].ContainerInstanceArn, out.Tasks[1].ContainerInstanceArn}
	slices.Sort(got)
	want := []string{zoneA[0], zoneB[0]}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("got instances %v, want the smallest of each zone %v", got, want)
	}
	member := e.run(count(3), constraint("memberOf", "attribute:ecs.availability-zone == us-east-1b"))
	for _, task := range member.Tasks {
		if task.AvailabilityZone != "us-east-1b" {
			t.Errorf("got a task in %s, want every task in us-east-1b", task.AvailabilityZone)
		}
	}
	distinct := e.run(count(5), constraint("distinctInstance", ""), group("one-each"))
	if len(distinct.Tasks) != 4 || len(distinct.Failures) != 1 || distinct.Failures[0].Reason != "DistinctInstance placement constraint unsatisfied." {
		t.Errorf("got %d tasks and failures %+v, want 4 tasks and one distinctInstance failure", len(distinct.Tasks), distinct.Failures)
	}
	none := e.run(constraint("memberOf", "attribute:ecs.availability-zone == eu-west-1a"))
	if len(none.Failures) != 1 || none.Failures[0].Reason != "MemberOf placement constraint unsatisfied." {
		t.Errorf("got failures %+v, want the memberOf failure", none.Failures)
	}
}

// equalAny compares values through their JSON form (the wire form).
func equalAny(a, b any) bool { return mustJSON(a) == mustJSON(b) }
