package e2e

import (
	"syscall"
	"testing"
	"time"
)

// BenchmarkFleetStorm measures, for an empty cluster of simulated
// instances that are all connected, the time from the first RunTask of a
// storm (count=10 calls from 32 SDK clients, fsync on) until
// DescribeClusters counts every task RUNNING; each task is then checked
// with DescribeTasks, untimed. The time per op is that time; storm-s is
// the part spent in the RunTask calls; retried-calls is how many calls the
// SDK's retryer had to repeat (see newRetryingClient); cpu-s is the CPU
// time the whole process (server, fleet and clients) used meanwhile, which
// tells a busy machine from a slow storm. Setting up the control plane and
// the fleet is not timed. Run it with -benchtime=1x; the target for 1,000
// instances and 10,000 tasks is 10 s.
func BenchmarkFleetStorm(b *testing.B) {
	for _, size := range []stormSize{stormDefault, stormFull} {
		b.Run(size.String(), func(b *testing.B) {
			var (
				stormed, total, cpu time.Duration
				retries             int64
			)
			b.StopTimer()
			for range b.N {
				c := newStormCluster(b, size)
				b.StartTimer()
				cpuBefore := processCPU(b)
				begin := time.Now()
				arns := c.storm(b)
				stormed += time.Since(begin)
				c.awaitRunning(b, size.tasks, 5*time.Minute)
				total += time.Since(begin)
				cpu += processCPU(b) - cpuBefore
				b.StopTimer()
				c.allRunning(b, arns)
				retries += c.retries.Load()
				c.close()
			}
			b.ReportMetric(stormed.Seconds()/float64(b.N), "storm-s")
			b.ReportMetric(total.Seconds()/float64(b.N), "to-running-s")
			b.ReportMetric(float64(size.tasks)*float64(b.N)/total.Seconds(), "tasks/s")
			b.ReportMetric(float64(retries)/float64(b.N), "retried-calls")
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s")
		})
	}
}

// processCPU returns the user and system CPU time this process has used.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
