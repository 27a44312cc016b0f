package control

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
	"github.com/berth-io/berth/internal/store"
	"github.com/berth-io/berth/internal/store/boltstore"
)

var loadAccount = ecs.Account{Region: "us-east-1", ID: "123456789012"}

// loadFixture is a store holding tasks in every state the index tells
// apart, more than a page of them.
func loadFixture(t *testing.T) (*boltstore.Store, *Service) {
	t.Helper()
	ctx := context.Background()
	st, svc := newTestService(t)
	td := ecstest.TaskDefinition(ecstest.Containers(
		ecstest.Container("web", ecstest.CPU(10), ecstest.Memory(16), ecstest.HostPort(80, 0)),
		ecstest.Container("side", ecstest.CPU(5), ecstest.Memory(16))))
	if _, err := svc.RegisterTaskDefinition(ctx, td); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := svc.RegisterContainerInstance(ctx, ecstest.RegisterInstance(ecstest.InstanceCPU(1<<20), ecstest.InstanceMemory(1<<20))); err != nil {
			t.Fatal(err)
		}
	}
	var arns []string
	for i := range 130 { // 1,300 tasks: three pages of listPage
		out, err := svc.RunTask(ctx, &ecsmodel.RunTaskRequest{TaskDefinition: ecstest.DefaultFamily, Count: new(int32(10)),
			StartedBy: []string{"", "ci", "deploy-7"}[i%3], Group: []string{"", "batch"}[i%2]})
		if err != nil || len(out.Tasks) != 10 {
			t.Fatalf("RunTask: got %v, %+v, want 10 tasks", err, out)
		}
		for _, task := range out.Tasks {
			arns = append(arns, task.TaskArn)
		}
	}
	for i, arn := range arns {
		var err error
		switch i % 5 {
		case 1: // running, as its agent reports
			_, err = svc.ApplyTaskStateChange(ctx, TaskStateChange{Task: arn, Status: "RUNNING"})
		case 2: // stopping: desired STOPPED, last PENDING
			_, err = svc.StopTask(ctx, &ecsmodel.StopTaskRequest{Task: arn})
		case 3: // stopped
			if _, err = svc.StopTask(ctx, &ecsmodel.StopTaskRequest{Task: arn}); err == nil {
				_, err = svc.ApplyTaskStateChange(ctx, TaskStateChange{Task: arn, Status: "STOPPED"})
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return st, svc
}

// fullIndex builds the index as the loader did before it decoded only
// the index's fields: every record decoded whole, applied in key order.
func fullIndex(t *testing.T, st store.Store) map[string]*clusterState {
	t.Helper()
	s := &Service{}
	s.idx.clusters = map[string]*clusterState{}
	ctx := context.Background()
	insts, err := listAll(ctx, st, prefixInstances)
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range insts {
		rec, err := decode[instanceRecord](kv)
		if err != nil {
			t.Fatal(err)
		}
		s.state(rec.Cluster).applyInstance(rec, kv.ModRevision)
	}
	tasks, err := listAll(ctx, st, prefixTasks)
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range tasks {
		rec, err := decode[taskRecord](kv)
		if err != nil {
			t.Fatal(err)
		}
		cluster, _, _ := strings.Cut(strings.TrimPrefix(kv.Key, prefixTasks), "/")
		s.state(cluster).applyRecord(rec, kv.ModRevision)
	}
	return s.idx.clusters
}

// storeChange changes the store of loadFixture before it is loaded again.
type storeChange func(t *testing.T, st store.Store, live *Service)

// otherCluster adds a cluster with two instances and tasks of its own,
// some stopped: the load meets two clusters' tasks, in runs.
func otherCluster(t *testing.T, _ store.Store, live *Service) {
	ctx := context.Background()
	if _, err := live.CreateCluster(ctx, ecstest.CreateCluster("batch")); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := live.RegisterContainerInstance(ctx, ecstest.RegisterInstance(ecstest.OnCluster("batch"),
			ecstest.InstanceCPU(1<<20), ecstest.InstanceMemory(1<<20))); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 4 {
		out, err := live.RunTask(ctx, &ecsmodel.RunTaskRequest{Cluster: "batch", TaskDefinition: ecstest.DefaultFamily, Count: new(int32(10))})
		if err != nil || len(out.Tasks) != 10 {
			t.Fatalf("RunTask: got %v, %+v, want 10 tasks", err, out)
		}
		if i%2 == 1 {
			if _, err := live.StopTask(ctx, &ecsmodel.StopTaskRequest{Cluster: "batch", Task: out.Tasks[0].TaskArn}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// someInstance returns the id of one of the default cluster's instances.
func someInstance(t *testing.T, live *Service) string {
	t.Helper()
	for id := range live.state(DefaultCluster).insts {
		return id
	}
	t.Fatal("got no instance in the fixture, want three")
	return ""
}

// instanceGone deletes an instance's record: its tasks name an instance
// the index does not know, so they hold nothing.
func instanceGone(t *testing.T, st store.Store, live *Service) {
	key := instanceKey(DefaultCluster, someInstance(t, live))
	if _, err := st.Commit(context.Background(), store.Batch{Ops: []store.Op{{Key: key, Delete: true}}}); err != nil {
		t.Fatal(err)
	}
}

// instanceShrunk re-registers an instance with less CPU than its tasks
// hold: placement refuses their reservations, and the index gives it the
// clamped usage instead.
func instanceShrunk(t *testing.T, st store.Store, live *Service) {
	ctx := context.Background()
	key := instanceKey(DefaultCluster, someInstance(t, live))
	kv, _, err := st.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := decode[instanceRecord](kv)
	if err != nil {
		t.Fatal(err)
	}
	res := rec.Instance.RegisteredResources
	for i := range res {
		if res[i].Name == resCPU {
			res[i].IntegerValue = 100
		}
	}
	b, err := encode(key, rec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Commit(ctx, store.Batch{Ops: []store.Op{{Key: key, Value: b}}}); err != nil {
		t.Fatal(err)
	}
}

// TestLoadIndexMatchesFullRecords loads stores written through the API
// and checks that the index is the one applying every full record in key
// order builds (fullIndex): the entries, the instances' usage and
// counters, the lists (down to their blocks) and the placement state; and,
// for a store as written, that ListTasks answers as before the restart.
func TestLoadIndexMatchesFullRecords(t *testing.T) {
	for _, tc := range []struct {
		name      string
		change    storeChange
		unchanged bool // the index still describes the store: compare ListTasks with it
	}{
		{"as written", nil, true},
		{"two clusters", otherCluster, true},
		{"an instance record gone", instanceGone, false},
		{"an instance shrunk below its tasks", instanceShrunk, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, live := loadFixture(t)
			if tc.change != nil {
				tc.change(t, st, live)
			}
			want := fullIndex(t, st)
			loaded, err := New(Config{Store: st, Account: loadAccount})
			if err != nil {
				t.Fatal(err)
			}
			checkSameIndex(t, loaded.idx.clusters, want)
			if tc.unchanged {
				for name := range want {
					checkSameListTasks(t, loaded, live, name)
				}
			}
		})
	}
}

// checkSameIndex fails unless got and want hold the same clusters with
// the same entries, instances, lists and placement state.
func checkSameIndex(t *testing.T, got, want map[string]*clusterState) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d clusters, want %d", len(got), len(want))
	}
	for name, w := range want {
		g := got[name]
		if g == nil {
			t.Fatalf("got no index of cluster %s, want one", name)
		}
		if len(g.tasks) != len(w.tasks) {
			t.Fatalf("cluster %s: got %d tasks, want %d", name, len(g.tasks), len(w.tasks))
		}
		for id, we := range w.tasks {
			if ge := g.tasks[id]; !reflect.DeepEqual(ge, we) {
				t.Errorf("task %s: got entry %+v, want %+v", id, ge, we)
			}
		}
		if len(g.insts) != len(w.insts) {
			t.Fatalf("cluster %s: got %d instances, want %d", name, len(g.insts), len(w.insts))
		}
		for id, we := range w.insts {
			if ge := g.insts[id]; !reflect.DeepEqual(ge, we) {
				t.Errorf("instance %s: got %+v, want %+v", id, ge, we)
			}
		}
		if g.live != w.live {
			t.Errorf("cluster %s: got %d live instances, want %d", name, g.live, w.live)
		}
		checkSameLists(t, g.listed, w.listed)
		if !reflect.DeepEqual(g.place, w.place) {
			t.Errorf("cluster %s: got placement state %+v, want %+v", name, g.place, w.place)
		}
	}
}

// checkSameListTasks fails unless got and want answer ListTasks alike in
// cluster: by desired status, and by instance and desired status, a page
// of 7 at a time.
func checkSameListTasks(t *testing.T, got, want *Service, cluster string) {
	t.Helper()
	reqs := []*ecsmodel.ListTasksRequest{{DesiredStatus: "RUNNING"}, {DesiredStatus: "STOPPED"}, {StartedBy: "ci"}}
	for id := range want.state(cluster).insts {
		for _, d := range []ecsmodel.DesiredStatus{"RUNNING", "STOPPED"} {
			reqs = append(reqs, &ecsmodel.ListTasksRequest{ContainerInstance: id, DesiredStatus: d})
		}
	}
	compared := 0
	for _, req := range reqs {
		req.Cluster = cluster
		g, w := listTaskARNs(t, got, *req), listTaskARNs(t, want, *req)
		if !slices.Equal(g, w) {
			t.Errorf("ListTasks %+v: got %d ARNs %v, want %d %v", *req, len(g), g, len(w), w)
		}
		compared += len(w)
	}
	if compared == 0 {
		t.Errorf("cluster %s: got no task ARNs to compare, want some", cluster)
	}
}

// listTaskARNs pages through ListTasks.
func listTaskARNs(t *testing.T, svc *Service, req ecsmodel.ListTasksRequest) []string {
	t.Helper()
	var arns []string
	req.MaxResults = new(int32(7))
	for {
		out, err := svc.ListTasks(context.Background(), &req)
		if err != nil {
			t.Fatalf("ListTasks %+v: %v", req, err)
		}
		arns = append(arns, out.TaskArns...)
		if out.NextToken == "" {
			return arns
		}
		req.NextToken = out.NextToken
	}
}

func TestLoadIndexReportsCorruptSummary(t *testing.T) {
	st, _ := loadFixture(t)
	id := strings.Repeat("f", 32) // sorts after every other task
	cases := []struct {
		name  string
		value []byte
		want  string
	}{
		{"unknown version", []byte{9, 1, 2}, "task summary " + id + ": unknown format"},
		{"empty", []byte{}, "task summary " + id + ": unknown format"},
		{"cut short", encodeTaskSummary(&taskSummary{instanceID: "i"})[:5], "summary ends early"},
		{"trailing bytes", append(encodeTaskSummary(&taskSummary{}), 0), "1 bytes after the last field"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key := taskSummaryKey(DefaultCluster, id)
			if _, err := st.Commit(context.Background(), store.Batch{Ops: []store.Op{{Key: key, Value: tc.value}}}); err != nil {
				t.Fatal(err)
			}
			_, err := New(Config{Store: st, Account: loadAccount})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// dropSummaries turns st back into a store from before summaries: no
// /taskidx/ keys and no completion mark.
func dropSummaries(t *testing.T, st store.Store) int {
	t.Helper()
	ctx := context.Background()
	kvs, err := listAll(ctx, st, prefixSummaries)
	if err != nil {
		t.Fatal(err)
	}
	ops := []store.Op{{Key: keySummariesDone, Delete: true}}
	for _, kv := range kvs {
		ops = append(ops, store.Op{Key: kv.Key, Delete: true})
		if len(ops) == store.MaxOps {
			if _, err := st.Commit(ctx, store.Batch{Ops: ops}); err != nil {
				t.Fatal(err)
			}
			ops = nil
		}
	}
	if _, err := st.Commit(ctx, store.Batch{Ops: ops}); err != nil {
		t.Fatal(err)
	}
	return len(kvs)
}

func TestLoadIndexMigratesStoreWithoutSummaries(t *testing.T) {
	st, live := loadFixture(t)
	want := fullIndex(t, st)
	if n := dropSummaries(t, st); n != len(live.state(DefaultCluster).tasks) {
		t.Fatalf("got %d summaries in the fixture, want one per task (%d)", n, len(live.state(DefaultCluster).tasks))
	}
	migrated, err := New(Config{Store: st, Account: loadAccount})
	if err != nil {
		t.Fatal(err)
	}
	got := migrated.state(DefaultCluster).tasks
	if len(got) != len(want[DefaultCluster].tasks) {
		t.Fatalf("got %d tasks after the migration, want %d", len(got), len(want[DefaultCluster].tasks))
	}
	for id, we := range want[DefaultCluster].tasks {
		ge := *got[id]
		w := *we
		ge.rev, w.rev = 0, 0 // the index takes the summaries' new revisions
		if !reflect.DeepEqual(ge, w) {
			t.Errorf("task %s: got entry %+v, want %+v", id, ge, w)
		}
	}
	sums, err := listAll(context.Background(), st, prefixSummaries)
	if err != nil || len(sums) != len(got) {
		t.Fatalf("got %d summaries (err %v) after the migration, want %d", len(sums), err, len(got))
	}
	for _, kv := range sums {
		id := kv.Key[strings.LastIndexByte(kv.Key, '/')+1:]
		if e := got[id]; e == nil || e.rev != kv.ModRevision {
			t.Errorf("summary %s at revision %d: got index entry %+v, want one at that revision", id, kv.ModRevision, e)
		}
	}
	// A second start reads the summaries and builds the same index.
	again, err := New(Config{Store: st, Account: loadAccount})
	if err != nil {
		t.Fatal(err)
	}
	for id, e := range got {
		if ge := again.state(DefaultCluster).tasks[id]; !reflect.DeepEqual(ge, e) {
			t.Errorf("task %s after a second start: got %+v, want %+v", id, ge, e)
		}
	}
}

func TestJanitorDeletesMigratedTasks(t *testing.T) {
	st, live := loadFixture(t)
	stopped := 0
	for _, e := range live.state(DefaultCluster).tasks {
		if !e.live() {
			stopped++
		}
	}
	dropSummaries(t, st)
	later := time.Now().Add(2 * DefaultStoppedTaskRetention)
	svc, err := New(Config{Store: st, Account: loadAccount, Now: func() time.Time { return later }})
	if err != nil {
		t.Fatal(err)
	}
	stats, err := svc.Sweep(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if stats.TasksDeleted != stopped || stopped == 0 {
		t.Fatalf("got %d tasks deleted, want the %d stopped ones", stats.TasksDeleted, stopped)
	}
	for _, prefix := range []string{prefixTasks, prefixSummaries} {
		kvs, err := listAll(context.Background(), st, prefix)
		if err != nil || len(kvs) != len(live.state(DefaultCluster).tasks)-stopped {
			t.Errorf("got %d keys under %s (err %v), want %d", len(kvs), prefix, err, len(live.state(DefaultCluster).tasks)-stopped)
		}
	}
}

// summaryStore returns a store with instances container instances and
// tasks task summaries (no task records: New reads only the summaries),
// half of them stopped, spread over the instances at random.
func summaryStore(b *testing.B, instances, tasks int) store.Store {
	b.Helper()
	ctx := context.Background()
	st, svc := newTestService(b)
	var ids []string
	for range instances {
		out, err := svc.RegisterContainerInstance(ctx, ecstest.RegisterInstance(ecstest.InstanceCPU(1<<20), ecstest.InstanceMemory(1<<20)))
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, ecs.LastSegment(out.ContainerInstance.ContainerInstanceArn))
	}
	r := rand.New(rand.NewPCG(1, 2))
	created := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	var batch store.Batch
	for i := range tasks {
		sum := taskSummary{desired: statusRunning, last: statusRunning, startedBy: "bench", group: "family:web",
			launchType: "EC2", instanceID: ids[r.IntN(len(ids))], family: "web", createdAt: created,
			alloc: taskAlloc{Group: "family:web", CPU: 10, Memory: 128}}
		if i%2 == 1 {
			sum.desired, sum.last, sum.stoppedAt = statusStopped, statusStopped, created.Add(time.Minute)
		}
		id := fmt.Sprintf("%012x%020x", created.UnixMilli()+int64(i/10), r.Uint64()>>16)
		batch.Ops = append(batch.Ops, store.Op{Key: taskSummaryKey(DefaultCluster, id), Value: encodeTaskSummary(&sum)})
		if len(batch.Ops) == store.MaxOps || i == tasks-1 {
			if _, err := st.Commit(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch.Ops = batch.Ops[:0]
		}
	}
	return st
}

// BenchmarkLoadIndex loads the index of 100,000 tasks on 100 instances
// from a warm store, as New does on a restart.
func BenchmarkLoadIndex(b *testing.B) {
	const tasks = 100_000
	st := summaryStore(b, 100, tasks)
	for b.Loop() {
		svc, err := New(Config{Store: st, Account: loadAccount})
		if err != nil {
			b.Fatal(err)
		}
		if got := len(svc.state(DefaultCluster).tasks); got != tasks {
			b.Fatalf("got %d tasks loaded, want %d", got, tasks)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*tasks), "ns/task")
}
