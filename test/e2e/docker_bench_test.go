package e2e

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	dockercontainer "github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"

	"github.com/berth-io/berth/internal/agent"
	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/runtimetest"
)

// BenchmarkRunTaskToRunningDocker is BenchmarkRunTaskToRunning with the
// docker runtime: from sending RunTask to DescribeTasks first showing the
// task RUNNING (polled every millisecond), with the probe image already
// cached, so no registry is involved: create and start of a real
// container, its state report and the durable commit. It reports p50 and
// p99. Each task is stopped (untimed) and waited for before the next.
func BenchmarkRunTaskToRunningDocker(b *testing.B) {
	cli := requireDocker(b)
	h := startB(b)
	var arns []string
	// Registered before the agent starts, so it runs after the agent stops.
	b.Cleanup(func() { removeTaskContainers(b, cli, arns) })
	startAgentB(b, h, agent.RuntimeDocker)
	entry, command, _ := runtimetest.ProbeCommand("/probe", "")(runtimetest.Program{Forever: true})
	_, err := h.ecs.RegisterTaskDefinition(bctx(b), &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("latdocker"),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("app"), Image: aws.String(runtimetest.ProbeImage), Essential: aws.Bool(true),
			Cpu: 16, Memory: aws.Int32(64), EntryPoint: entry, Command: command,
		}},
	})
	if err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		begin := time.Now()
		run, err := h.ecs.RunTask(bctx(b), &ecs.RunTaskInput{TaskDefinition: aws.String("latdocker")})
		if err != nil || len(run.Tasks) != 1 {
			b.Fatalf("RunTask: %v %+v", err, run)
		}
		arn := aws.ToString(run.Tasks[0].TaskArn)
		arns = append(arns, arn)
		pollStatus(b, h, arn, "RUNNING", time.Millisecond)
		lat = append(lat, time.Since(begin))
		b.StopTimer()
		if _, err := h.ecs.StopTask(bctx(b), &ecs.StopTaskInput{Task: aws.String(arn)}); err != nil {
			b.Fatal(err)
		}
		pollStatus(b, h, arn, "STOPPED", 10*time.Millisecond)
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// pollStatus describes the task every interval until its last status is
// status; a STOPPED task that should have become something else fails b.
func pollStatus(b *testing.B, h *harness, arn, status string, interval time.Duration) {
	b.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		out, err := h.ecs.DescribeTasks(bctx(b), &ecs.DescribeTasksInput{Tasks: []string{arn}})
		if err != nil || len(out.Tasks) != 1 {
			b.Fatalf("DescribeTasks: %v %+v", err, out)
		}
		switch got := aws.ToString(out.Tasks[0].LastStatus); {
		case got == status:
			return
		case got == "STOPPED":
			b.Fatalf("task %s: got STOPPED (%s), want %s", arn, aws.ToString(out.Tasks[0].StoppedReason), status)
		case time.Now().After(deadline):
			b.Fatalf("task %s: still %s after a minute, want %s", arn, got, status)
		}
		time.Sleep(interval)
	}
}

// removeTaskContainers force-removes every container of the given tasks,
// found through the Docker API by their task label.
func removeTaskContainers(tb testing.TB, cli *client.Client, arns []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, arn := range arns {
		list, err := cli.ContainerList(ctx, dockercontainer.ListOptions{
			All: true, Filters: filters.NewArgs(filters.Arg("label", runtime.LabelTaskARN+"="+arn)),
		})
		if err != nil {
			tb.Errorf("list containers of %s: %v", arn, err)
			continue
		}
		for _, c := range list {
			if err := cli.ContainerRemove(ctx, c.ID, dockercontainer.RemoveOptions{Force: true}); err != nil {
				tb.Errorf("remove container %s: %v", c.ID, err)
			}
		}
	}
}
