package control

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// listCluster is the cluster of the ListTasks fixtures.
const listCluster = "big"

// listT0 is when the fixtures' first task was created.
var listT0 = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

// listService is a Service on a real bbolt file with the ACTIVE cluster
// listCluster and no tasks; the fixtures put tasks straight into its index.
func listService(tb testing.TB) *Service {
	tb.Helper()
	_, s := newTestService(tb)
	if _, err := s.CreateCluster(context.Background(), &ecsmodel.CreateClusterRequest{ClusterName: listCluster}); err != nil {
		tb.Fatal(err)
	}
	return s
}

// fakeTask describes one task record of a fixture.
type fakeTask struct {
	id, instanceID, family, startedBy, service, launchType string
	desired                                                string
}

// record is the committed record of t.
func (t fakeTask) record() *taskRecord {
	rec := &taskRecord{InstanceID: t.instanceID, Family: t.family, ServiceName: t.service}
	rec.Task.TaskArn = loadAccount.TaskARN(listCluster, t.id)
	rec.Task.DesiredStatus, rec.Task.LastStatus = t.desired, t.desired
	rec.Task.StartedBy = t.startedBy
	rec.Task.LaunchType = ecsmodel.LaunchType(t.launchType)
	return rec
}

// bigCluster builds n tasks with time-ordered ids, ten per millisecond:
// every other one STOPPED, spread over instances instances, family "web"
// but for every tenth ("api") and every thousandth ("rare").
func bigCluster(n, instances int) []fakeTask {
	insts := make([]string, instances)
	for i := range insts {
		insts[i] = fmt.Sprintf("%032x", i+1)
	}
	out := make([]fakeTask, n)
	for i := range out {
		t := fakeTask{id: ecs.NewTimeOrderedID(listT0.Add(time.Duration(i) * 100 * time.Microsecond)),
			instanceID: insts[i%instances], family: "web", launchType: "EC2", desired: statusRunning}
		if i%2 == 1 {
			t.desired = statusStopped
		}
		switch {
		case i%1000 == 0:
			t.family = "rare"
		case i%10 == 0:
			t.family = "api"
		}
		out[i] = t
	}
	return out
}

// fixtureRev is the last revision apply used.
var fixtureRev atomic.Int64

// apply commits fixture tasks to the cluster's index at increasing
// revisions, as committed writes do.
func apply(s *Service, tasks []fakeTask) {
	cs := s.state(listCluster)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for _, t := range tasks {
		cs.applyRecord(t.record(), fixtureRev.Add(1))
	}
}
