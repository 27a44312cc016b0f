package control_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
	"github.com/berth-io/berth/internal/store/boltstore"
)

// account is the region and account of every test service.
var account = ecs.Account{Region: "us-east-1", ID: "123456789012"}

// t0 is the test clock's time.
var t0 = time.Date(2025, 3, 14, 15, 9, 26, 535_000_000, time.UTC)

// env is a Service on a real bbolt file in a temporary directory.
type env struct {
	t    *testing.T
	ctx  context.Context
	svc  *control.Service
	st   *boltstore.Store
	path string
}

// newEnv opens a fresh store (without fsync: these tests do not crash the
// machine) and a Service on it.
func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), path: filepath.Join(t.TempDir(), "berth.db")}
	e.open(boltstore.Options{NoSync: true})
	return e
}

// open opens the store at e.path and a new Service on it.
func (e *env) open(opts boltstore.Options) {
	e.t.Helper()
	st, err := boltstore.Open(e.path, opts)
	if err != nil {
		e.t.Fatalf("boltstore.Open: %v", err)
	}
	e.t.Cleanup(func() { st.Close() })
	svc, err := control.New(control.Config{Store: st, Account: account, Now: func() time.Time { return t0 }})
	if err != nil {
		e.t.Fatalf("control.New: %v", err)
	}
	e.st, e.svc = st, svc
}

// reopen closes the store and opens it again with a new Service, as a
// restart does.
func (e *env) reopen() {
	e.t.Helper()
	if err := e.st.Close(); err != nil {
		e.t.Fatalf("Close: %v", err)
	}
	e.open(boltstore.Options{NoSync: true})
}

// wantCode fails unless err is an *ecs.Error with code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	if !errors.Is(err, &ecs.Error{Code: code}) {
		t.Fatalf("got error %v, want %s", err, code)
	}
}

// wantError fails unless err is an *ecs.Error with code and message.
func wantError(t *testing.T, err error, code, message string) {
	t.Helper()
	if !errors.Is(err, &ecs.Error{Code: code, Message: message}) {
		t.Fatalf("got error %v, want %s: %s", err, code, message)
	}
}

// createCluster creates a cluster and fails the test on error.
func (e *env) createCluster(name string, opts ...ecstest.ClusterOption) *ecsmodel.Cluster {
	e.t.Helper()
	out, err := e.svc.CreateCluster(e.ctx, ecstest.CreateCluster(name, opts...))
	if err != nil {
		e.t.Fatalf("CreateCluster(%q): %v", name, err)
	}
	return out.Cluster
}

// register registers a task definition and fails the test on error.
func (e *env) register(opts ...ecstest.TaskDefOption) *ecsmodel.TaskDefinition {
	e.t.Helper()
	out, err := e.svc.RegisterTaskDefinition(e.ctx, ecstest.TaskDefinition(opts...))
	if err != nil {
		e.t.Fatalf("RegisterTaskDefinition: %v", err)
	}
	return out.TaskDefinition
}

// registerInstance registers a container instance and fails on error.
func (e *env) registerInstance(opts ...ecstest.InstanceOption) *ecsmodel.ContainerInstance {
	e.t.Helper()
	out, err := e.svc.RegisterContainerInstance(e.ctx, ecstest.RegisterInstance(opts...))
	if err != nil {
		e.t.Fatalf("RegisterContainerInstance: %v", err)
	}
	return out.ContainerInstance
}

// describeInstance describes one instance of cluster and fails unless it
// is found.
func (e *env) describeInstance(cluster, ref string) ecsmodel.ContainerInstance {
	e.t.Helper()
	out, err := e.svc.DescribeContainerInstances(e.ctx, &ecsmodel.DescribeContainerInstancesRequest{
		Cluster: cluster, ContainerInstances: []string{ref}, Include: []ecsmodel.ContainerInstanceField{ecsmodel.ContainerInstanceFieldTags},
	})
	if err != nil {
		e.t.Fatalf("DescribeContainerInstances: %v", err)
	}
	if len(out.ContainerInstances) != 1 {
		e.t.Fatalf("DescribeContainerInstances(%s): got %d instances and failures %+v, want 1 instance", ref, len(out.ContainerInstances), out.Failures)
	}
	return out.ContainerInstances[0]
}

// describeCluster describes one cluster with every include and fails
// unless it is found.
func (e *env) describeCluster(ref string) ecsmodel.Cluster {
	e.t.Helper()
	out, err := e.svc.DescribeClusters(e.ctx, &ecsmodel.DescribeClustersRequest{
		Clusters: []string{ref},
		Include:  []ecsmodel.ClusterField{ecsmodel.ClusterFieldTags, ecsmodel.ClusterFieldSettings, ecsmodel.ClusterFieldStatistics, ecsmodel.ClusterFieldConfigurations},
	})
	if err != nil {
		e.t.Fatalf("DescribeClusters: %v", err)
	}
	if len(out.Clusters) != 1 {
		e.t.Fatalf("DescribeClusters(%s): got %d clusters and failures %+v, want 1", ref, len(out.Clusters), out.Failures)
	}
	return out.Clusters[0]
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// resource returns the named resource of rs, failing when absent.
func resource(t *testing.T, rs []ecsmodel.Resource, name string) ecsmodel.Resource {
	t.Helper()
	for _, r := range rs {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("resource %s missing from %+v", name, rs)
	return ecsmodel.Resource{}
}

// attribute returns the value of the named attribute and whether it exists.
func attribute(attrs []ecsmodel.Attribute, name string) (string, bool) {
	for _, a := range attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}
