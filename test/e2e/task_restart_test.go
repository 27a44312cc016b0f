package e2e

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// TestTasksSurviveRestart launches and stops tasks, restarts the server on
// the same data dir, and finds the tasks and what they hold again.
func TestTasksSurviveRestart(t *testing.T) {
	h := start(t)
	registerTaskDef(t, h, sleep360(withMemory(1000)))
	ci := registerInstance(t, h, instance("default", 2048, 4000))
	out, err := h.ecs.RunTask(ctx(t), &ecs.RunTaskInput{TaskDefinition: aws.String("sleep360"), Count: aws.Int32(3)})
	if err != nil || len(out.Tasks) != 3 {
		t.Fatalf("got %+v, %v; want 3 tasks", out, err)
	}
	if _, err := h.ecs.StopTask(ctx(t), &ecs.StopTaskInput{Task: out.Tasks[0].TaskArn}); err != nil {
		t.Fatal(err)
	}

	h.restart()

	if got := remainingMemory(t, h, "default", ci); got != 2000 {
		t.Errorf("got %d MiB remaining after restart, want 2000 (two tasks still running)", got)
	}
	desc, err := h.ecs.DescribeTasks(ctx(t), &ecs.DescribeTasksInput{Tasks: []string{aws.ToString(out.Tasks[0].TaskArn), aws.ToString(out.Tasks[1].TaskArn)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(desc.Tasks) != 2 || aws.ToString(desc.Tasks[0].DesiredStatus) != "STOPPED" || aws.ToString(desc.Tasks[1].DesiredStatus) != "RUNNING" {
		t.Errorf("got %+v, want the stopped and the running task", desc.Tasks)
	}
	more, err := h.ecs.RunTask(ctx(t), &ecs.RunTaskInput{TaskDefinition: aws.String("sleep360"), Count: aws.Int32(3)})
	if err != nil {
		t.Fatal(err)
	}
	if len(more.Tasks) != 2 || len(more.Failures) != 1 || aws.ToString(more.Failures[0].Reason) != "RESOURCE:MEMORY" {
		t.Errorf("got %d tasks and failures %+v, want 2 tasks and a RESOURCE:MEMORY failure", len(more.Tasks), more.Failures)
	}
}
