package control

import (
	"context"
	"testing"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

// taskCacheFixture is a Service on a fresh bbolt file with n tasks,
// tagged k=v.
func taskCacheFixture(t testing.TB, n int32) (*Service, []string) {
	t.Helper()
	ctx := context.Background()
	_, svc := newTestService(t)
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

// cachedRecord is the record the task cache holds for a task ARN at its
// record's current revision, nil when it holds none.
func cachedRecord(t *testing.T, svc *Service, arn string) *taskRecord {
	t.Helper()
	id, _ := svc.taskID(DefaultCluster, arn)
	key := taskKey(DefaultCluster, id)
	kv, ok, err := svc.store.Get(context.Background(), key)
	if err != nil || !ok {
		t.Fatalf("Get(%s): got %v, %v, want the record", key, ok, err)
	}
	rec, _ := svc.cache.records.get(key, kv.ModRevision)
	return rec
}

// describeAll describes arns with their tags and checks every one is found.
func describeAll(t *testing.T, svc *Service, arns []string) []ecsmodel.Task {
	t.Helper()
	out, err := svc.DescribeTasks(context.Background(), &ecsmodel.DescribeTasksRequest{Tasks: arns, Include: []ecsmodel.TaskField{ecsmodel.TaskFieldTags}})
	if err != nil || len(out.Tasks) != len(arns) {
		t.Fatalf("DescribeTasks: got %v, %d tasks, want %d", err, len(out.Tasks), len(arns))
	}
	return out.Tasks
}

// TestTaskCacheFilledByWriters checks that a launch caches the records it
// committed at their revision, that DescribeTasks then decodes none of
// them (the very records stay cached), and that a reported change caches
// the changed record at its new revision while the record it started
// from stays as it was.
func TestTaskCacheFilledByWriters(t *testing.T) {
	svc, arns := taskCacheFixture(t, 10)
	ctx := context.Background()
	first := cachedRecord(t, svc, arns[0])
	if first == nil {
		t.Fatalf("after RunTask: got no cached record, want the launched one")
	}
	if recs, _ := svc.cache.records.stats(); recs != len(arns) {
		t.Errorf("after RunTask: got %d cached records, want %d", recs, len(arns))
	}
	describeAll(t, svc, arns)
	if again := cachedRecord(t, svc, arns[0]); again != first {
		t.Errorf("DescribeTasks: got a different cached record, want the launched one kept")
	}
	if tags, _ := svc.cache.tags.stats(); tags != len(arns) {
		t.Errorf("got %d cached tag lists, want %d", tags, len(arns))
	}
	if _, err := svc.ApplyTaskStateChange(ctx, TaskStateChange{Task: arns[0], Status: "RUNNING",
		Containers: []ContainerStateChange{{Name: ecstest.DefaultContainerName, Status: "RUNNING", RuntimeID: "c1"}}}); err != nil {
		t.Fatal(err)
	}
	changed := cachedRecord(t, svc, arns[0])
	if changed == nil || changed.Task.LastStatus != "RUNNING" || changed.Task.Containers[0].RuntimeId != "c1" {
		t.Fatalf("after a change: got cached %+v, want the RUNNING record with runtime id c1", changed)
	}
	if first.Task.LastStatus != "PENDING" || first.Task.Containers[0].LastStatus != "PENDING" || first.Task.Containers[0].RuntimeId != "" {
		t.Errorf("after a change: got the launched record changed to %s/%s/%q, want it PENDING/PENDING/\"\"",
			first.Task.LastStatus, first.Task.Containers[0].LastStatus, first.Task.Containers[0].RuntimeId)
	}
	if recs, _ := svc.cache.records.stats(); recs != len(arns) {
		t.Errorf("after a change: got %d cached records, want %d (replaced, not added)", recs, len(arns))
	}
	got := describeAll(t, svc, arns[:1])[0]
	if got.LastStatus != "RUNNING" || got.Version != first.Task.Version+1 {
		t.Errorf("DescribeTasks after the change: got %s version %d, want RUNNING version %d", got.LastStatus, got.Version, first.Task.Version+1)
	}
}

// TestTaskCacheColdStart checks that a Service started on a store written
// by another reads records it has not cached: DescribeTasks and a
// reported change decode them and cache what they read.
func TestTaskCacheColdStart(t *testing.T) {
	svc, arns := taskCacheFixture(t, 3)
	cold, err := New(Config{Store: svc.store, Account: loadAccount})
	if err != nil {
		t.Fatal(err)
	}
	if recs, _ := cold.cache.records.stats(); recs != 0 {
		t.Fatalf("new Service: got %d cached records, want 0", recs)
	}
	describeAll(t, cold, arns[:1])
	if cachedRecord(t, cold, arns[0]) == nil {
		t.Errorf("after DescribeTasks: got no cached record, want the one read")
	}
	if _, err := cold.ApplyTaskStateChange(context.Background(), TaskStateChange{Task: arns[1], Status: "RUNNING"}); err != nil {
		t.Fatal(err)
	}
	if rec := cachedRecord(t, cold, arns[1]); rec == nil || rec.Task.LastStatus != "RUNNING" {
		t.Errorf("after a change: got cached %+v, want the RUNNING record", rec)
	}
}

// TestCopyForChange checks that changing what copyForChange allows on a
// copy leaves the shared record as it was.
func TestCopyForChange(t *testing.T) {
	shared := &taskRecord{Task: ecsmodel.Task{
		LastStatus:  "PENDING",
		Containers:  []ecsmodel.Container{{Name: "a", LastStatus: "PENDING"}},
		Attachments: []ecsmodel.Attachment{{Type: attachmentENI, Status: "PRECREATED"}},
	}}
	c := shared.copyForChange()
	c.Task.LastStatus = "RUNNING"
	c.Task.Containers[0].LastStatus = "RUNNING"
	c.Task.Containers[0].ExitCode = new(int32(1))
	setAttachments(&c.Task, "ATTACHED")
	for _, f := range []struct{ name, got, want string }{
		{"task status", shared.Task.LastStatus, "PENDING"},
		{"container status", shared.Task.Containers[0].LastStatus, "PENDING"},
		{"attachment status", shared.Task.Attachments[0].Status, "PRECREATED"},
	} {
		if f.got != f.want {
			t.Errorf("shared %s: got %s, want %s", f.name, f.got, f.want)
		}
	}
	if shared.Task.Containers[0].ExitCode != nil {
		t.Errorf("shared exit code: got %d, want none", *shared.Task.Containers[0].ExitCode)
	}
}

// TestTaskCachePerService checks that each Service has a cache of its
// own: two stores may hold the same key at the same revision.
func TestTaskCachePerService(t *testing.T) {
	a, _ := taskCacheFixture(t, 1)
	b, _ := taskCacheFixture(t, 1)
	if a.cache == b.cache {
		t.Errorf("two Services: got one cache, want one each")
	}
}
