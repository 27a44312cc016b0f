package server

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestEtcdServerKeepsTasksAcrossRestart runs the control plane on the
// embedded etcd member through aws-sdk-go-v2: it registers a task
// definition and an instance, runs tasks, restarts the server on the same
// prefix (with a fresh data dir: the state is all in etcd), and finds the
// tasks, their reservations and the clientToken again.
func TestEtcdServerKeepsTasksAcrossRestart(t *testing.T) {
	prefix := newPrefix(t)
	srv := startOn(t, configOn(t, onEtcd(t, prefix)))
	client := sdk(srv)
	ctx := ctxFor(t)

	td, err := client.RegisterTaskDefinition(ctx, sleepTaskDef("sleep360"))
	if err != nil {
		t.Fatalf("RegisterTaskDefinition: %v", err)
	}
	if got := td.TaskDefinition.Revision; got != 1 {
		t.Errorf("task definition revision: got %d, want 1", got)
	}
	reg, err := client.RegisterContainerInstance(ctx, instanceOf(1024, 1024))
	if err != nil {
		t.Fatalf("RegisterContainerInstance: %v", err)
	}
	instanceArn := aws.ToString(reg.ContainerInstance.ContainerInstanceArn)
	run := &ecs.RunTaskInput{TaskDefinition: aws.String("sleep360:1"), Count: aws.Int32(3), ClientToken: aws.String("etcd-restart-token")}
	ran, err := client.RunTask(ctx, run)
	if err != nil {
		t.Fatalf("RunTask: %v", err)
	}
	if len(ran.Tasks) != 3 || len(ran.Failures) != 0 {
		t.Fatalf("RunTask: got %d tasks and failures %+v, want 3 tasks and no failures", len(ran.Tasks), ran.Failures)
	}
	var arns []string
	for _, task := range ran.Tasks {
		arns = append(arns, aws.ToString(task.TaskArn))
	}
	slices.Sort(arns)

	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	srv = startOn(t, configOn(t, onEtcd(t, prefix)))
	client = sdk(srv)

	desc, err := client.DescribeTasks(ctx, &ecs.DescribeTasksInput{Tasks: arns})
	if err != nil {
		t.Fatalf("DescribeTasks after restart: %v", err)
	}
	if len(desc.Tasks) != 3 || len(desc.Failures) != 0 {
		t.Fatalf("DescribeTasks after restart: got %d tasks and failures %+v, want the 3 tasks", len(desc.Tasks), desc.Failures)
	}
	for _, task := range desc.Tasks {
		if got := aws.ToString(task.DesiredStatus); got != "RUNNING" {
			t.Errorf("task %s desired status: got %s, want RUNNING", aws.ToString(task.TaskArn), got)
		}
		if got := aws.ToString(task.ContainerInstanceArn); got != instanceArn {
			t.Errorf("task %s instance: got %s, want %s", aws.ToString(task.TaskArn), got, instanceArn)
		}
	}
	// The placement index is rebuilt from etcd: the instance still has
	// the three tasks' memory reserved.
	inst, err := client.DescribeContainerInstances(ctx, &ecs.DescribeContainerInstancesInput{ContainerInstances: []string{instanceArn}})
	if err != nil || len(inst.ContainerInstances) != 1 {
		t.Fatalf("DescribeContainerInstances after restart: %v %+v", err, inst)
	}
	if got, want := remaining(t, inst.ContainerInstances[0].RemainingResources, "MEMORY"), int32(1024-3*64); got != want {
		t.Errorf("remaining MEMORY after restart: got %d, want %d", got, want)
	}
	// The clientToken record survived too: the same RunTask answers the
	// same tasks instead of launching more.
	again, err := client.RunTask(ctx, run)
	if err != nil {
		t.Fatalf("RunTask retried after restart: %v", err)
	}
	var againArns []string
	for _, task := range again.Tasks {
		againArns = append(againArns, aws.ToString(task.TaskArn))
	}
	slices.Sort(againArns)
	if !slices.Equal(againArns, arns) {
		t.Errorf("RunTask retried after restart: got tasks %v, want %v", againArns, arns)
	}
	list, err := client.ListTasks(ctx, &ecs.ListTasksInput{DesiredStatus: types.DesiredStatusRunning})
	if err != nil {
		t.Fatalf("ListTasks: %v", err)
	}
	if len(list.TaskArns) != 3 {
		t.Errorf("ListTasks after restart: got %d tasks, want 3", len(list.TaskArns))
	}
	next, err := client.RegisterTaskDefinition(ctx, sleepTaskDef("sleep360"))
	if err != nil {
		t.Fatalf("RegisterTaskDefinition after restart: %v", err)
	}
	if got := next.TaskDefinition.Revision; got != 2 {
		t.Errorf("task definition revision after restart: got %d, want 2", got)
	}
}

// TestEtcdPrefixesAreSeparate runs two servers, one after the other, on
// two prefixes of one cluster: neither sees the other's state.
func TestEtcdPrefixesAreSeparate(t *testing.T) {
	ctx := ctxFor(t)
	a := startOn(t, configOn(t, onEtcd(t, newPrefix(t))))
	if _, err := sdk(a).RegisterTaskDefinition(ctx, sleepTaskDef("only-in-a")); err != nil {
		t.Fatalf("RegisterTaskDefinition: %v", err)
	}
	b := startOn(t, configOn(t, onEtcd(t, newPrefix(t))))
	fams, err := sdk(b).ListTaskDefinitionFamilies(ctx, &ecs.ListTaskDefinitionFamiliesInput{})
	if err != nil {
		t.Fatalf("ListTaskDefinitionFamilies: %v", err)
	}
	if len(fams.Families) != 0 {
		t.Errorf("families on another prefix: got %v, want none", fams.Families)
	}
}
