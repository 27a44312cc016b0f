package control_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecstest"
	"github.com/berth-io/berth/internal/store/boltstore"
)

// benchInstances is the size of the cluster BenchmarkRunTask places into.
const benchInstances = 1000

// runTaskService returns a Service on a bbolt file with fsync (as in
// production) holding benchInstances large instances and the task
// definition web. The instances are registered without fsync first, then
// the store is opened again with it, so the setup stays short.
func runTaskService(b *testing.B) *control.Service {
	b.Helper()
	path := filepath.Join(b.TempDir(), "berth.db")
	ctx := context.Background()
	st, err := boltstore.Open(path, boltstore.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := control.New(control.Config{Store: st, Account: account})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.RegisterTaskDefinition(ctx, ecstest.TaskDefinition()); err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 20 {
		wg.Go(func() {
			for range benchInstances / 20 {
				req := ecstest.RegisterInstance(ecstest.InstanceCPU(1<<30), ecstest.InstanceMemory(1<<30),
					ecstest.Identity(ecstest.NewEC2InstanceID(), fmt.Sprintf("us-east-1%c", 'a'+w%3)))
				if _, err := svc.RegisterContainerInstance(ctx, req); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	if st, err = boltstore.Open(path, boltstore.Options{}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if svc, err = control.New(control.Config{Store: st, Account: account}); err != nil {
		b.Fatal(err)
	}
	return svc
}

// BenchmarkRunTask runs RunTask from many parallel callers (64 on two
// cores) into a cluster of 1,000 instances, with fsync, each call with a
// fresh clientToken as SDKs send, placing at random (ECS's default) and
// spreading over zones. It reports calls/s and tasks/s.
func BenchmarkRunTask(b *testing.B) {
	for _, bc := range []struct {
		name     string
		count    int32
		strategy []string
	}{
		{"count=1", 1, nil},
		{"count=10", 10, nil},
		{"count=10/spread-zone-binpack", 10, []string{"spread", "attribute:ecs.availability-zone", "binpack", "memory"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			svc := runTaskService(b)
			ctx := context.Background()
			var tasks, seq atomic.Int64
			b.SetParallelism(32)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := runRequest(count(bc.count), token(fmt.Sprintf("bench-%d", seq.Add(1))), strategy(bc.strategy...))
					out, err := svc.RunTask(ctx, req)
					if err != nil {
						b.Error(err)
						return
					}
					tasks.Add(int64(len(out.Tasks)))
				}
			})
			elapsed := time.Since(start).Seconds()
			b.ReportMetric(float64(b.N)/elapsed, "calls/s")
			b.ReportMetric(float64(tasks.Load())/elapsed, "tasks/s")
			if tasks.Load() != int64(b.N)*int64(bc.count) {
				b.Errorf("got %d tasks placed, want %d", tasks.Load(), int64(b.N)*int64(bc.count))
			}
		})
	}
}
