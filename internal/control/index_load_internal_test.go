package control

import (
	"context"
	"path/filepath"
	"reflect"
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
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "berth.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := New(Config{Store: st, Account: loadAccount})
	if err != nil {
		t.Fatal(err)
	}
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

func TestLoadIndexMatchesFullRecords(t *testing.T) {
	st, live := loadFixture(t)
	want := fullIndex(t, st)
	loaded, err := New(Config{Store: st, Account: loadAccount})
	if err != nil {
		t.Fatal(err)
	}
	got := loaded.idx.clusters
	if len(got) != len(want) {
		t.Fatalf("got %d clusters, want %d", len(got), len(want))
	}
	for name, w := range want {
		g := got[name]
		if g == nil {
			t.Fatalf("got no index of cluster %s, want one", name)
		}
		if len(g.tasks) != len(w.tasks) || len(g.tasks) != len(live.state(name).tasks) {
			t.Fatalf("cluster %s: got %d tasks, want %d (and %d before the restart)", name, len(g.tasks), len(w.tasks), len(live.state(name).tasks))
		}
		for id, we := range w.tasks {
			if ge := g.tasks[id]; !reflect.DeepEqual(ge, we) {
				t.Errorf("task %s: got entry %+v, want %+v", id, ge, we)
			}
		}
		for id, we := range w.insts {
			ge := g.insts[id]
			if ge == nil || !reflect.DeepEqual(ge.used, we.used) || ge.running != we.running || ge.pending != we.pending || ge.rev != we.rev {
				t.Errorf("instance %s: got %+v, want %+v", id, ge, we)
			}
		}
		if g.live != w.live {
			t.Errorf("cluster %s: got %d live instances, want %d", name, g.live, w.live)
		}
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
