package control_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecstest"
)

// BenchmarkApplyTaskStateChange applies the report an agent sends when a
// task starts (the task and its container RUNNING) from 32 parallel
// callers, as the agent channels of a fleet do, with fsync. Each op is the
// first RUNNING report of a fresh PENDING task; placing the tasks is not
// timed.
func BenchmarkApplyTaskStateChange(b *testing.B) {
	svc := runTaskService(b)
	ctx := context.Background()
	arns := make([]string, 0, b.N+10)
	for len(arns) < b.N {
		out, err := svc.RunTask(ctx, runRequest(count(10), token(fmt.Sprintf("pending-%d", len(arns)))))
		if err != nil {
			b.Fatal(err)
		}
		for _, t := range out.Tasks {
			arns = append(arns, t.TaskArn)
		}
	}
	var next atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			arn := arns[next.Add(1)-1]
			ch := control.TaskStateChange{Cluster: "default", Task: arn, Status: "RUNNING",
				Containers: []control.ContainerStateChange{{Name: ecstest.DefaultContainerName, Status: "RUNNING", RuntimeID: "sim-" + arn[len(arn)-12:]}}}
			if _, err := svc.ApplyTaskStateChange(ctx, ch); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
