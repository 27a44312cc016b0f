package control_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

func TestStartTask(t *testing.T) {
	e := newEnv(t)
	e.createCluster("other")
	e.register(ecstest.Containers(ecstest.Container("app", ecstest.Memory(300))))
	a := e.registerInstance()
	small := e.registerInstance(ecstest.InstanceMemory(200))
	drained := e.registerInstance()
	gone := e.registerInstance()
	other := e.registerInstance(ecstest.OnCluster("other"))
	_, err := e.svc.UpdateContainerInstancesState(e.ctx, &ecsmodel.UpdateContainerInstancesStateRequest{ContainerInstances: []string{drained.ContainerInstanceArn}, Status: "DRAINING"})
	wantCode(t, err, "")
	_, err = e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{ContainerInstance: gone.ContainerInstanceArn})
	wantCode(t, err, "")
	unknown := "0123456789abcdef0123456789abcdef"

	start := func(refs ...string) (*ecsmodel.StartTaskResponse, error) {
		return e.svc.StartTask(e.ctx, &ecsmodel.StartTaskRequest{TaskDefinition: "web", ContainerInstances: refs, StartedBy: "manual", Group: "batch",
			Tags: ecstest.Tags("k", "v")})
	}
	out, err := start(instanceIDOf(a.ContainerInstanceArn), small.ContainerInstanceArn, drained.ContainerInstanceArn, gone.ContainerInstanceArn, unknown, "bad id!")
	wantCode(t, err, "")
	if len(out.Tasks) != 1 || out.Tasks[0].ContainerInstanceArn != a.ContainerInstanceArn {
		t.Fatalf("got tasks %+v, want one on instance a", out.Tasks)
	}
	if task := out.Tasks[0]; task.StartedBy != "manual" || task.Group != "batch" || task.LaunchType != "EC2" || !equalAny(task.Tags, ecstest.Tags("k", "v")) {
		t.Errorf("got startedBy %q group %q launchType %q tags %v, want manual, batch, EC2, k=v", task.StartedBy, task.Group, task.LaunchType, task.Tags)
	}
	got := slices.Clone(out.Failures)
	slices.SortFunc(got, func(x, y ecsmodel.Failure) int { return strings.Compare(x.Arn, y.Arn) })
	want := []ecsmodel.Failure{
		{Arn: small.ContainerInstanceArn, Reason: "RESOURCE:MEMORY"},
		{Arn: drained.ContainerInstanceArn, Reason: "INACTIVE"},
		{Arn: gone.ContainerInstanceArn, Reason: "INACTIVE"},
		{Arn: account.ContainerInstanceARN("default", unknown), Reason: "MISSING"},
		{Arn: account.ContainerInstanceARN("default", "bad id!"), Reason: "MISSING"},
	}
	slices.SortFunc(want, func(x, y ecsmodel.Failure) int { return strings.Compare(x.Arn, y.Arn) })
	wantFailures(t, got, want...)

	wantCode(t, e.svc.AgentConnected(e.ctx, "default", a.ContainerInstanceArn, false), "")
	out, err = start(a.ContainerInstanceArn)
	wantCode(t, err, "")
	wantFailures(t, out.Failures, ecsmodel.Failure{Arn: a.ContainerInstanceArn, Reason: "AGENT"})
	if d := e.describeInstance("", a.ContainerInstanceArn); d.AgentConnected || d.Version != 2 {
		t.Errorf("got agentConnected %v version %d, want false and 2", d.AgentConnected, d.Version)
	}

	_, err = start(other.ContainerInstanceArn)
	wantCode(t, err, ecs.CodeInvalidParameter)
	_, err = start()
	wantCode(t, err, ecs.CodeInvalidParameter)
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = a.ContainerInstanceArn
	}
	_, err = start(eleven...)
	wantCode(t, err, ecs.CodeInvalidParameter)
	_, err = e.svc.StartTask(e.ctx, &ecsmodel.StartTaskRequest{TaskDefinition: "web", ContainerInstances: []string{a.ContainerInstanceArn}, StartedBy: strings.Repeat("a", 37)})
	wantCode(t, err, ecs.CodeInvalidParameter)
	_, err = e.svc.StartTask(e.ctx, &ecsmodel.StartTaskRequest{TaskDefinition: "nope", ContainerInstances: []string{a.ContainerInstanceArn}})
	wantError(t, err, ecs.CodeClient, "TaskDefinition not found.")
}

func TestStopTask(t *testing.T) {
	e := newEnv(t)
	e.register(ecstest.Containers(ecstest.Container("app", ecstest.CPU(512), ecstest.Memory(1024))))
	ci := e.registerInstance()
	tasks := e.run(count(2), runTags(ecstest.Tags("k", "v")...)).Tasks

	stopped, err := e.svc.StopTask(e.ctx, &ecsmodel.StopTaskRequest{Task: tasks[0].TaskArn, Reason: "done"})
	wantCode(t, err, "")
	s := stopped.Task
	if s.DesiredStatus != "STOPPED" || s.LastStatus != "PENDING" || s.StopCode != "UserInitiated" || s.StoppedReason != "done" || s.Version != 2 || !s.StoppingAt.Equal(t0.Truncate(1e6)) {
		t.Errorf("got %s/%s %s %q version %d stoppingAt %v, want desired STOPPED, last PENDING, UserInitiated, done, version 2, stoppingAt now",
			s.DesiredStatus, s.LastStatus, s.StopCode, s.StoppedReason, s.Version, s.StoppingAt)
	}
	if cpu, mem := e.remainingOf("", ci.ContainerInstanceArn); cpu != 2048-512 || mem != 3943-1024 {
		t.Errorf("got remaining %d/%d, want only the other task held: %d/%d", cpu, mem, 2048-512, 3943-1024)
	}
	if d := e.describeTask("", tasks[0].TaskArn); len(d.Tags) != 0 {
		t.Errorf("got tags %v after StopTask, want them deleted", d.Tags)
	}
	again := e.stopTask("", instanceIDOf(tasks[0].TaskArn))
	if again.Version != 2 || again.StoppedReason != "done" {
		t.Errorf("got version %d reason %q stopping again, want it unchanged", again.Version, again.StoppedReason)
	}
	if d := e.stopTask("default", tasks[1].TaskArn); d.StoppedReason != "Task stopped by user" {
		t.Errorf("got reason %q, want the default", d.StoppedReason)
	}
	for _, ref := range []string{"0123456789abcdef0123456789abcdef", account.TaskARN("other", instanceIDOf(tasks[0].TaskArn)), "bad!"} {
		_, err := e.svc.StopTask(e.ctx, &ecsmodel.StopTaskRequest{Task: ref})
		wantError(t, err, ecs.CodeInvalidParameter, "The referenced task was not found.")
	}
	_, err = e.svc.StopTask(e.ctx, &ecsmodel.StopTaskRequest{Task: tasks[0].TaskArn, Reason: strings.Repeat("r", 1025)})
	wantCode(t, err, ecs.CodeInvalidParameter)
}

func TestDescribeTasks(t *testing.T) {
	e := newEnv(t)
	e.register()
	e.registerInstance()
	task := e.run(runTags(ecstest.Tags("k", "v")...)).Tasks[0]
	missing := "0123456789abcdef0123456789abcdef"
	out, err := e.svc.DescribeTasks(e.ctx, &ecsmodel.DescribeTasksRequest{Tasks: []string{instanceIDOf(task.TaskArn), missing, account.TaskARN("default", "x")}})
	wantCode(t, err, "")
	if len(out.Tasks) != 1 || out.Tasks[0].TaskArn != task.TaskArn || out.Tasks[0].Tags != nil {
		t.Errorf("got %+v, want the task without tags", out.Tasks)
	}
	wantFailures(t, out.Failures,
		ecsmodel.Failure{Arn: account.TaskARN("default", missing), Reason: "MISSING"},
		ecsmodel.Failure{Arn: account.TaskARN("default", "x"), Reason: "MISSING"})
	if got := e.describeTask("", task.TaskArn).Tags; !equalAny(got, ecstest.Tags("k", "v")) {
		t.Errorf("got tags %v with include TAGS, want k=v", got)
	}
	for _, n := range []int{0, 101} {
		_, err := e.svc.DescribeTasks(e.ctx, &ecsmodel.DescribeTasksRequest{Tasks: make([]string, n)})
		wantCode(t, err, ecs.CodeInvalidParameter)
	}
	_, err = e.svc.DescribeTasks(e.ctx, &ecsmodel.DescribeTasksRequest{Cluster: "nope", Tasks: []string{task.TaskArn}})
	wantCode(t, err, ecs.CodeClusterNotFound)
}

func TestListTasks(t *testing.T) {
	e := newEnv(t)
	e.register()
	e.register(ecstest.Family("api"))
	a := e.registerInstance()
	b := e.registerInstance()
	onA := func(r *ecsmodel.RunTaskRequest) { constraint("memberOf", "ec2InstanceId == "+a.Ec2InstanceId)(r) }
	onB := func(r *ecsmodel.RunTaskRequest) { constraint("memberOf", "ec2InstanceId == "+b.Ec2InstanceId)(r) }
	web := arnsOf(e.run(count(3), onA, startedBy("job")).Tasks)
	api := arnsOf(e.run(count(2), taskDef("api"), onB).Tasks)
	stopped := e.stopTask("", api[0]).TaskArn
	sorted := func(s ...[]string) []string { out := slices.Concat(s...); slices.Sort(out); return out }

	for _, tc := range []struct {
		name string
		req  ecsmodel.ListTasksRequest
		want []string
	}{
		{"running by default", ecsmodel.ListTasksRequest{}, sorted(web, api[1:])},
		{"family", ecsmodel.ListTasksRequest{Family: "web"}, sorted(web)},
		{"container instance", ecsmodel.ListTasksRequest{ContainerInstance: b.ContainerInstanceArn}, sorted(api[1:])},
		{"container instance id", ecsmodel.ListTasksRequest{ContainerInstance: instanceIDOf(a.ContainerInstanceArn)}, sorted(web)},
		{"startedBy", ecsmodel.ListTasksRequest{StartedBy: "job"}, sorted(web)},
		{"stopped", ecsmodel.ListTasksRequest{DesiredStatus: "STOPPED"}, []string{stopped}},
		{"pending: never set", ecsmodel.ListTasksRequest{DesiredStatus: "PENDING"}, nil},
		{"launch type", ecsmodel.ListTasksRequest{LaunchType: "FARGATE"}, nil},
		{"service", ecsmodel.ListTasksRequest{ServiceName: "svc"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := e.listAllTasks("", tc.req); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, req := range []ecsmodel.ListTasksRequest{
		{StartedBy: "job", Family: "web"},
		{MaxResults: ptr[int32](101)},
		{NextToken: "garbage"},
		{ContainerInstance: "bad id!"},
	} {
		_, err := e.svc.ListTasks(e.ctx, &req)
		wantCode(t, err, ecs.CodeInvalidParameter)
	}
}
