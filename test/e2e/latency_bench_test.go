package e2e

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/berth-io/berth/internal/agent"
)

// BenchmarkRunTaskToRunning measures the time from sending RunTask to
// DescribeTasks first showing the task RUNNING, through the whole stack
// (SDK, SigV4, edge, placement, durable commit, agent channel, runtime,
// state report), polling every millisecond. It reports p50 and p99.
// Each task is stopped again (untimed) so the instance never fills.
func BenchmarkRunTaskToRunning(b *testing.B) {
	for _, runtime := range []string{agent.RuntimeSim, agent.RuntimeProcess} {
		b.Run(runtime, func(b *testing.B) {
			h := startB(b)
			startAgentB(b, h, runtime)
			if _, err := h.ecs.RegisterTaskDefinition(bctx(b), taskDef("lat")); err != nil {
				b.Fatal(err)
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				begin := time.Now()
				run, err := h.ecs.RunTask(bctx(b), &ecs.RunTaskInput{TaskDefinition: aws.String("lat")})
				if err != nil || len(run.Tasks) != 1 {
					b.Fatalf("RunTask: %v %+v", err, run)
				}
				arn := aws.ToString(run.Tasks[0].TaskArn)
				for {
					out, err := h.ecs.DescribeTasks(bctx(b), &ecs.DescribeTasksInput{Tasks: []string{arn}})
					if err != nil {
						b.Fatal(err)
					}
					if aws.ToString(out.Tasks[0].LastStatus) == "RUNNING" {
						break
					}
					time.Sleep(time.Millisecond)
				}
				lat = append(lat, time.Since(begin))
				b.StopTimer()
				if _, err := h.ecs.StopTask(bctx(b), &ecs.StopTaskInput{Task: aws.String(arn)}); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
