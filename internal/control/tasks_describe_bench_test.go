package control

import (
	"context"
	"testing"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// BenchmarkDescribeTasks100 describes 100 tasks, with the decoded records
// in the describe cache (hit) and with an empty cache (miss), without the
// API edge: what the control plane alone spends on the call.
func BenchmarkDescribeTasks100(b *testing.B) {
	svc, arns := taskCacheFixture(b, 100)
	ctx := context.Background()
	in := &ecsmodel.DescribeTasksRequest{Tasks: arns}
	for _, bc := range []struct {
		name  string
		fresh bool
	}{{"hit", false}, {"miss", true}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if bc.fresh {
					svc.cache = newTaskCache(defaultTaskCacheBytes)
				}
				out, err := svc.DescribeTasks(ctx, in)
				if err != nil || len(out.Tasks) != len(arns) {
					b.Fatalf("DescribeTasks: got %v, %d tasks, want %d", err, len(out.Tasks), len(arns))
				}
			}
		})
	}
}
