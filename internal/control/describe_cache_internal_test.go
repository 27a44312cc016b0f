package control

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
	"github.com/berth-io/berth/internal/store/boltstore"
)

// describeCacheFixture is a Service on a fresh bbolt file with n tasks,
// tagged k=v.
func describeCacheFixture(t testing.TB, n int32) (*Service, []string) {
	t.Helper()
	ctx := context.Background()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "berth.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := New(Config{Store: st, Account: loadAccount})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RegisterTaskDefinition(ctx, ecstest.TaskDefinition()); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RegisterContainerInstance(ctx, ecstest.RegisterInstance(ecstest.InstanceCPU(1<<20), ecstest.InstanceMemory(1<<20))); err != nil {
		t.Fatal(err)
	}
	var arns []string
	for left := n; left > 0; left -= min(left, 10) {
		count := min(left, 10)
		out, err := svc.RunTask(ctx, &ecsmodel.RunTaskRequest{TaskDefinition: ecstest.DefaultFamily, Count: &count, Tags: ecstest.Tags("k", "v")})
		if err != nil || len(out.Tasks) != int(count) {
			t.Fatalf("RunTask: got %v, %+v, want %d tasks", err, out, count)
		}
		for _, task := range out.Tasks {
			arns = append(arns, task.TaskArn)
		}
	}
	return svc, arns
}

// cachedTask is the Task the describe cache holds for a task ARN at its
// record's current revision, nil when it holds none.
func cachedTask(t *testing.T, svc *Service, arn string) *ecsmodel.Task {
	t.Helper()
	id, _ := svc.taskID(DefaultCluster, arn)
	key := taskKey(DefaultCluster, id)
	kv, ok, err := svc.store.Get(context.Background(), key)
	if err != nil || !ok {
		t.Fatalf("Get(%s): got %v, %v, want the record", key, ok, err)
	}
	task, _ := svc.described.tasks.get(key, kv.ModRevision)
	return task
}

// TestDescribeCacheHits checks that DescribeTasks fills the cache, that a
// second call decodes nothing (it gets the very Tasks cached), and that a
// changed record replaces its entry.
func TestDescribeCacheHits(t *testing.T) {
	svc, arns := describeCacheFixture(t, 10)
	ctx := context.Background()
	describe := func() {
		t.Helper()
		out, err := svc.DescribeTasks(ctx, &ecsmodel.DescribeTasksRequest{Tasks: arns, Include: []ecsmodel.TaskField{ecsmodel.TaskFieldTags}})
		if err != nil || len(out.Tasks) != len(arns) {
			t.Fatalf("DescribeTasks: got %v, %d tasks, want %d", err, len(out.Tasks), len(arns))
		}
	}
	describe()
	first := cachedTask(t, svc, arns[0])
	if first == nil {
		t.Fatalf("after DescribeTasks: got no cached Task, want one")
	}
	if tasks, _ := svc.described.tasks.stats(); tasks != len(arns) {
		t.Errorf("got %d cached tasks, want %d", tasks, len(arns))
	}
	if tags, _ := svc.described.tags.stats(); tags != len(arns) {
		t.Errorf("got %d cached tag lists, want %d", tags, len(arns))
	}
	describe()
	if again := cachedTask(t, svc, arns[0]); again != first {
		t.Errorf("second DescribeTasks: got a different cached Task, want the first one kept")
	}
	if _, err := svc.ApplyTaskStateChange(ctx, TaskStateChange{Task: arns[0], Status: "RUNNING"}); err != nil {
		t.Fatal(err)
	}
	if got := cachedTask(t, svc, arns[0]); got != nil {
		t.Errorf("after a change, before DescribeTasks: got a cached Task at the new revision, want none")
	}
	describe()
	changed := cachedTask(t, svc, arns[0])
	if changed == nil || changed.LastStatus != "RUNNING" || first.LastStatus != "PENDING" {
		t.Errorf("after a change: got cached %+v (first still %s), want a new RUNNING Task and the first unchanged", changed, first.LastStatus)
	}
	if tasks, _ := svc.described.tasks.stats(); tasks != len(arns) {
		t.Errorf("after a change: got %d cached tasks, want %d (replaced, not added)", tasks, len(arns))
	}
}

// TestDescribeCachePerService checks that each Service has a cache of its
// own: two stores may hold the same key at the same revision.
func TestDescribeCachePerService(t *testing.T) {
	a, _ := describeCacheFixture(t, 1)
	b, _ := describeCacheFixture(t, 1)
	if a.described != a.described {
		t.Errorf("one Service: got two caches, want one")
	}
	if a.described == b.described {
		t.Errorf("two Services: got one cache, want one each")
	}
}
