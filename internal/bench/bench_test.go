package bench

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// motoDescribeBody is a moto-style DescribeTasks response of n tasks.
func motoDescribeBody(n int) []byte {
	tasks := make([]string, n)
	for i := range tasks {
		tasks[i] = fmt.Sprintf(`{"taskArn": "arn:aws:ecs:us-east-1:123456789012:task/c/%032d", "lastStatus": "RUNNING",
 "containers": [{"name": "bench", "image": "busybox:latest", "cpu": 1, "memory": 6, "exitCode": 0,
 "containerArn": "arn:aws:ecs:us-east-1:123456789012:container/%032d"}], "overrides": {}, "tags": []}`, i, i)
	}
	return []byte(`{"tasks": [` + strings.Join(tasks, ",") + `], "failures": []}`)
}

// BenchmarkFixContainerNumbers measures what --lenient-json costs the
// client per response; the runner subtracts it from each call's latency.
func BenchmarkFixContainerNumbers(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		body := motoDescribeBody(n)
		b.Run(fmt.Sprintf("%d tasks", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				fixContainerNumbers(body)
			}
		})
	}
}

// BenchmarkCollectorRecord measures the bookkeeping after each call, with
// every client recording at once: the cost of the one shared mutex.
func BenchmarkCollectorRecord(b *testing.B) {
	col := newCollector()
	o := outcome{op: "RunTask", requested: 1, placed: 1, items: 1}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			col.record(o, 1234*time.Microsecond, nil)
		}
	})
}
