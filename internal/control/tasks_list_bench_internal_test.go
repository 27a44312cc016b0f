package control

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// BenchmarkListTasks lists one page of 100 in a cluster of 100,000
// committed tasks, half of them STOPPED, spread over 100 instances.
func BenchmarkListTasks(b *testing.B) {
	s := listService(b)
	tasks := bigCluster(100_000, 100)
	apply(s, tasks)
	mid, _ := s.ListTasks(context.Background(), &ecsmodel.ListTasksRequest{Cluster: listCluster})
	for _, bc := range []struct {
		name string
		req  ecsmodel.ListTasksRequest
	}{
		{"default", ecsmodel.ListTasksRequest{}},
		{"default/second-page", ecsmodel.ListTasksRequest{NextToken: mid.NextToken}},
		{"stopped", ecsmodel.ListTasksRequest{DesiredStatus: "STOPPED"}},
		{"family=10%", ecsmodel.ListTasksRequest{Family: "api"}},
		{"family=0.1%", ecsmodel.ListTasksRequest{Family: "rare"}},
		{"containerInstance=1%", ecsmodel.ListTasksRequest{ContainerInstance: tasks[0].instanceID}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := bc.req
			req.Cluster = listCluster
			ctx := context.Background()
			for b.Loop() {
				out, err := s.ListTasks(ctx, &req)
				if err != nil || len(out.TaskArns) == 0 {
					b.Fatalf("ListTasks: got %v, %d tasks, want a page", err, len(out.TaskArns))
				}
			}
		})
	}
}

// BenchmarkTaskIndexMemory reports the live heap the index of one cluster
// of a million committed tasks (bigCluster) takes per task, and the part
// of it the ListTasks lists take. Run it with -benchtime=1x.
func BenchmarkTaskIndexMemory(b *testing.B) {
	const n = 1_000_000
	tasks := bigCluster(n, 1000)
	for b.Loop() {
		s := &Service{}
		s.idx.clusters = map[string]*clusterState{}
		before := liveHeap()
		apply(s, tasks)
		after := liveHeap()
		s.state(listCluster).listed = taskLists{}
		unlisted := liveHeap()
		b.ReportMetric(float64(after-before)/n, "index-B/task")
		b.ReportMetric(float64(after-unlisted)/n, "lists-B/task")
		runtime.KeepAlive(s)
	}
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkIndexTasks applies the records of 100,000 new tasks (bigCluster)
// to an empty index, as a restart does, and reports the cost per task.
func BenchmarkIndexTasks(b *testing.B) {
	const n = 100_000
	tasks := bigCluster(n, 100)
	recs := make([]*taskRecord, n)
	for i, t := range tasks {
		recs[i] = t.record()
	}
	for b.Loop() {
		cs := newClusterState()
		for i, rec := range recs {
			cs.applyRecord(rec, int64(i+1))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/task")
}

// BenchmarkLiveTasksOn finds the live tasks of one instance (the snapshot
// an agent gets when it connects) and the janitor's candidates in a
// cluster of 100,000 committed tasks, half of them STOPPED, on 100
// instances.
func BenchmarkLiveTasksOn(b *testing.B) {
	s := listService(b)
	tasks := bigCluster(100_000, 100)
	apply(s, tasks)
	b.Run("liveTasksOn", func(b *testing.B) {
		for b.Loop() {
			if ids := s.liveTasksOn(listCluster, tasks[0].instanceID); len(ids) == 0 {
				b.Fatalf("liveTasksOn: got no tasks, want the instance's live ones")
			}
		}
	})
	b.Run("sweepCandidates", func(b *testing.B) {
		cutoff := listT0.Add(24 * time.Hour) // after every fixture task
		for b.Loop() {
			if old, _ := s.sweepCandidates(listCluster, cutoff); len(old) == 0 {
				b.Fatalf("sweepCandidates: got no old tasks, want the stopped ones")
			}
		}
	})
}
