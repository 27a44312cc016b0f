package e2e

import (
	"regexp"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

var (
	e2eTaskARN      = regexp.MustCompile(`^arn:aws:ecs:us-east-1:123456789012:task/default/[0-9a-f]{32}$`)
	e2eContainerARN = regexp.MustCompile(`^arn:aws:ecs:us-east-1:123456789012:container/default/[0-9a-f]{32}/[0-9a-f-]{36}$`)
)

// TestRunTaskSleep360 is the CLI's example: aws ecs run-task --cluster
// default --task-definition sleep360:1. The task comes back PENDING with
// the shape of the example's output, and is then described, listed and
// stopped through the SDK.
func TestRunTaskSleep360(t *testing.T) {
	h := start(t)
	td := registerTaskDef(t, h, sleep360())
	ci := registerInstance(t, h, instance("default", 2048, 4096))
	out, err := h.ecs.RunTask(ctx(t), &ecs.RunTaskInput{Cluster: aws.String("default"), TaskDefinition: aws.String("sleep360:1"), Count: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tasks) != 1 || len(out.Failures) != 0 {
		t.Fatalf("got %d tasks and failures %+v, want 1 task", len(out.Tasks), out.Failures)
	}
	task := out.Tasks[0]
	arn := aws.ToString(task.TaskArn)
	if !e2eTaskARN.MatchString(arn) || aws.ToString(task.ContainerInstanceArn) != ci ||
		aws.ToString(task.TaskDefinitionArn) != aws.ToString(td.TaskDefinitionArn) ||
		aws.ToString(task.LastStatus) != "PENDING" || aws.ToString(task.DesiredStatus) != "RUNNING" || task.Version != 1 {
		t.Errorf("got task %s on %s of %s, %s/%s version %d; want a long ARN on %s of sleep360:1, PENDING/RUNNING version 1",
			arn, aws.ToString(task.ContainerInstanceArn), aws.ToString(task.TaskDefinitionArn), aws.ToString(task.LastStatus), aws.ToString(task.DesiredStatus), task.Version, ci)
	}
	if o := task.Overrides; o == nil || len(o.ContainerOverrides) != 1 || aws.ToString(o.ContainerOverrides[0].Name) != "sleep" {
		t.Errorf("got overrides %+v, want containerOverrides [{name: sleep}]", o)
	}
	if len(task.Containers) != 1 {
		t.Fatalf("got containers %+v, want one", task.Containers)
	}
	c := task.Containers[0]
	if !e2eContainerARN.MatchString(aws.ToString(c.ContainerArn)) || aws.ToString(c.TaskArn) != arn || aws.ToString(c.LastStatus) != "PENDING" || aws.ToString(c.Name) != "sleep" {
		t.Errorf("got container %s of %s %s %s, want a container ARN of the task, PENDING, sleep", aws.ToString(c.ContainerArn), aws.ToString(c.TaskArn), aws.ToString(c.LastStatus), aws.ToString(c.Name))
	}
	if task.CreatedAt == nil || aws.ToString(task.Group) != "family:sleep360" || aws.ToString(task.Cpu) != "10" || aws.ToString(task.Memory) != "10" {
		t.Errorf("got createdAt %v group %s cpu %s memory %s, want a time, family:sleep360, 10, 10", task.CreatedAt, aws.ToString(task.Group), aws.ToString(task.Cpu), aws.ToString(task.Memory))
	}
	if got := remainingMemory(t, h, "default", ci); got != 4096-10 {
		t.Errorf("got %d MiB remaining, want %d", got, 4096-10)
	}

	desc, err := h.ecs.DescribeTasks(ctx(t), &ecs.DescribeTasksInput{Tasks: []string{arn, "0123456789abcdef0123456789abcdef"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(desc.Tasks) != 1 || aws.ToString(desc.Tasks[0].TaskArn) != arn || len(desc.Failures) != 1 || aws.ToString(desc.Failures[0].Reason) != "MISSING" {
		t.Errorf("got %d tasks and failures %+v, want the task and one MISSING", len(desc.Tasks), desc.Failures)
	}
	list, err := h.ecs.ListTasks(ctx(t), &ecs.ListTasksInput{Family: aws.String("sleep360")})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(list.TaskArns, []string{arn}) {
		t.Errorf("got %v listed, want [%s]", list.TaskArns, arn)
	}
	stop, err := h.ecs.StopTask(ctx(t), &ecs.StopTaskInput{Task: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(stop.Task.DesiredStatus) != "STOPPED" || stop.Task.StopCode != types.TaskStopCodeUserInitiated || aws.ToString(stop.Task.StoppedReason) != "Task stopped by user" || stop.Task.StoppingAt == nil {
		t.Errorf("got %+v, want desired STOPPED, UserInitiated, the default reason and stoppingAt", stop.Task)
	}
	if got := remainingMemory(t, h, "default", ci); got != 4096 {
		t.Errorf("got %d MiB remaining after StopTask, want all 4096", got)
	}
}

// TestRunTaskPlacement runs the placement examples of the ECS
// documentation through the SDK: spread over zones then binpack on memory,
// a memberOf constraint, and a RESOURCE:MEMORY failure naming the closest
// instance.
func TestRunTaskPlacement(t *testing.T) {
	h := start(t)
	registerTaskDef(t, h, sleep360(withMemory(1000)))
	smallA := registerInstance(t, h, instance("default", 4096, 2500, inZone("us-east-1a")))
	registerInstance(t, h, instance("default", 4096, 4000, inZone("us-east-1a")))
	smallB := registerInstance(t, h, instance("default", 4096, 3000, inZone("us-east-1b"), withAttrs(attr("stack", "prod"))))
	registerInstance(t, h, instance("default", 4096, 4000, inZone("us-east-1b")))

	spread, err := h.ecs.RunTask(ctx(t), &ecs.RunTaskInput{TaskDefinition: aws.String("sleep360"), Count: aws.Int32(2),
		PlacementStrategy: []types.PlacementStrategy{
			{Type: types.PlacementStrategyTypeSpread, Field: aws.String("attribute:ecs.availability-zone")},
			{Type: types.PlacementStrategyTypeBinpack, Field: aws.String("memory")},
		}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	zones := map[string]bool{}
	for _, task := range spread.Tasks {
		got = append(got, aws.ToString(task.ContainerInstanceArn))
		zones[aws.ToString(task.AvailabilityZone)] = true
	}
	slices.Sort(got)
	want := []string{smallA, smallB}
	slices.Sort(want)
	if !slices.Equal(got, want) || len(zones) != 2 {
		t.Errorf("got instances %v in zones %v, want the smallest of each zone %v", got, zones, want)
	}

	member, err := h.ecs.RunTask(ctx(t), &ecs.RunTaskInput{TaskDefinition: aws.String("sleep360"),
		PlacementConstraints: []types.PlacementConstraint{{Type: types.PlacementConstraintTypeMemberOf, Expression: aws.String("attribute:stack == prod")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(member.Tasks) != 1 || aws.ToString(member.Tasks[0].ContainerInstanceArn) != smallB {
		t.Errorf("got %+v, want the task on the prod instance %s", member.Tasks, smallB)
	}
	// smallA has 1500 MiB left, smallB 1000, the others 4000 each: ten
	// more tasks fill them all (smallA keeps 500 MiB); the eleventh fails
	// on the instance closest to fitting it, smallA.
	fill, err := h.ecs.RunTask(ctx(t), &ecs.RunTaskInput{TaskDefinition: aws.String("sleep360"), Count: aws.Int32(10),
		PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeBinpack, Field: aws.String("memory")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(fill.Tasks) != 10 || len(fill.Failures) != 0 {
		t.Fatalf("got %d tasks and failures %+v, want 10 tasks", len(fill.Tasks), fill.Failures)
	}
	fill, err = h.ecs.RunTask(ctx(t), &ecs.RunTaskInput{TaskDefinition: aws.String("sleep360")})
	if err != nil {
		t.Fatal(err)
	}
	if len(fill.Tasks) != 0 || len(fill.Failures) != 1 {
		t.Fatalf("got %d tasks and failures %+v, want one failure", len(fill.Tasks), fill.Failures)
	}
	if f := fill.Failures[0]; aws.ToString(f.Reason) != "RESOURCE:MEMORY" || aws.ToString(f.Arn) != smallA {
		t.Errorf("got failure %s on %s, want RESOURCE:MEMORY on %s", aws.ToString(f.Reason), aws.ToString(f.Arn), smallA)
	}

	_, err = h.ecs.RunTask(ctx(t), &ecs.RunTaskInput{TaskDefinition: aws.String("sleep360"),
		PlacementConstraints: []types.PlacementConstraint{{Type: types.PlacementConstraintTypeMemberOf, Expression: aws.String("attribute:stack ==")}}})
	wantTyped[*types.InvalidParameterException](t, err)
	_, err = h.ecs.RunTask(ctx(t), &ecs.RunTaskInput{Cluster: aws.String("nope"), TaskDefinition: aws.String("sleep360")})
	wantAPIError(t, err, "ClusterNotFoundException", "Cluster not found.")
	_, err = h.ecs.RunTask(ctx(t), &ecs.RunTaskInput{TaskDefinition: aws.String("sleep360:7")})
	wantAPIError(t, err, "ClientException", "TaskDefinition not found.")
}

// TestRunTaskClientToken repeats a RunTask with the SDK's clientToken: the
// same request gets the same tasks, a different one the typed
// ConflictException with the tasks' ARNs.
func TestRunTaskClientToken(t *testing.T) {
	h := start(t)
	registerTaskDef(t, h, sleep360())
	registerInstance(t, h, instance("default", 2048, 4096))
	in := &ecs.RunTaskInput{TaskDefinition: aws.String("sleep360"), Count: aws.Int32(2), ClientToken: aws.String("e2e-token-1")}
	first, err := h.ecs.RunTask(ctx(t), in)
	if err != nil {
		t.Fatal(err)
	}
	var arns []string
	for _, task := range first.Tasks {
		arns = append(arns, aws.ToString(task.TaskArn))
	}
	again, err := h.ecs.RunTask(ctx(t), in)
	if err != nil {
		t.Fatal(err)
	}
	var againARNs []string
	for _, task := range again.Tasks {
		againARNs = append(againARNs, aws.ToString(task.TaskArn))
	}
	if !slices.Equal(againARNs, arns) {
		t.Errorf("got %v repeating the request, want %v", againARNs, arns)
	}
	_, err = h.ecs.RunTask(ctx(t), &ecs.RunTaskInput{TaskDefinition: aws.String("sleep360"), Count: aws.Int32(1), ClientToken: aws.String("e2e-token-1")})
	conflict := wantTyped[*types.ConflictException](t, err)
	if !slices.Equal(conflict.ResourceIds, arns) {
		t.Errorf("got resourceIds %v, want %v", conflict.ResourceIds, arns)
	}
	// Without a token of its own, every SDK call gets a fresh one.
	fresh, err := h.ecs.RunTask(ctx(t), &ecs.RunTaskInput{TaskDefinition: aws.String("sleep360")})
	if err != nil || len(fresh.Tasks) != 1 || slices.Contains(arns, aws.ToString(fresh.Tasks[0].TaskArn)) {
		t.Errorf("got %+v, %v; want a new task", fresh, err)
	}
}
