package control

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

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
		s.state(cluster).applyTask(rec, kv.ModRevision)
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

func TestLoadIndexReportsCorruptTask(t *testing.T) {
	st, _ := loadFixture(t)
	key := taskKey(DefaultCluster, strings.Repeat("f", 32)) // sorts after every other task
	if _, err := st.Commit(context.Background(), store.Batch{Ops: []store.Op{{Key: key, Value: []byte(`{"task":`)}}}); err != nil {
		t.Fatal(err)
	}
	_, err := New(Config{Store: st, Account: loadAccount})
	if err == nil || !strings.Contains(err.Error(), "decode "+key) {
		t.Fatalf("got error %v, want one naming %s", err, key)
	}
}
