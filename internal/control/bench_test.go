package control_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
	"github.com/berth-io/berth/internal/store/boltstore"
)

// benchService is a Service on a bbolt file with fsync, as in production.
func benchService(b *testing.B) *control.Service {
	b.Helper()
	st, err := boltstore.Open(filepath.Join(b.TempDir(), "berth.db"), boltstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	svc, err := control.New(control.Config{Store: st, Account: account, Now: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	return svc
}

// BenchmarkRegisterTaskDefinition registers revisions from parallel
// callers, each into its own family (registrations of one family serialise
// on its family record), so this measures group commit.
func BenchmarkRegisterTaskDefinition(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		req := ecstest.TaskDefinition(ecstest.Family(fmt.Sprintf("f%d", n.Add(1))))
		for pb.Next() {
			if _, err := svc.RegisterTaskDefinition(ctx, req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkRegisterContainerInstance registers new instances from parallel
// callers into one cluster (each rewrites the cluster record).
func BenchmarkRegisterContainerInstance(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := svc.RegisterContainerInstance(ctx, ecstest.RegisterInstance()); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkDescribeContainerInstances describes 100 instances per call.
func BenchmarkDescribeContainerInstances(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	var arns []string
	for range 100 {
		out, err := svc.RegisterContainerInstance(ctx, ecstest.RegisterInstance())
		if err != nil {
			b.Fatal(err)
		}
		arns = append(arns, out.ContainerInstance.ContainerInstanceArn)
	}
	req := &ecsmodel.DescribeContainerInstancesRequest{ContainerInstances: arns}
	b.ResetTimer()
	for b.Loop() {
		out, err := svc.DescribeContainerInstances(ctx, req)
		if err != nil || len(out.ContainerInstances) != 100 {
			b.Fatalf("got %d instances, %v; want 100", len(out.ContainerInstances), err)
		}
	}
}
