package control

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/placement"
)

// listInstances are the instances of variedCluster.
var listInstances = []string{hexID(101), hexID(102), hexID(103), hexID(104), hexID(105), hexID(106), hexID(107)}

// variedCluster builds n tasks with time-ordered ids made from `from` on,
// whose filtered fields vary with different periods so that the filters
// combine: every other STOPPED, seven instances, family api for one in
// five and rare for one in 997, startedBy ci for one in three, service svc
// for one in eleven, launch type EXTERNAL for one in thirteen.
func variedCluster(from time.Time, n int) []fakeTask {
	out := make([]fakeTask, n)
	for i := range out {
		t := fakeTask{id: ecs.NewTimeOrderedID(from.Add(time.Duration(i) * 100 * time.Microsecond)),
			instanceID: listInstances[i%len(listInstances)], family: "web", launchType: "EC2", desired: statusRunning}
		if i%2 == 1 {
			t.desired = statusStopped
		}
		switch {
		case i%997 == 0:
			t.family = "rare"
		case i%5 == 0:
			t.family = "api"
		}
		if i%3 == 0 {
			t.startedBy = "ci"
		}
		if i%11 == 0 {
			t.service = "svc"
		}
		if i%13 == 0 {
			t.launchType = "EXTERNAL"
		}
		out[i] = t
	}
	return out
}

// listModel is what a cluster's committed tasks are, by id.
type listModel map[string]fakeTask

// put applies tasks to the index and the model.
func (m listModel) put(s *Service, tasks ...fakeTask) {
	apply(s, tasks)
	for _, t := range tasks {
		m[t.id] = t
	}
}

// remove deletes tasks from the index, as the janitor does, and the model.
func (m listModel) remove(s *Service, ids ...string) {
	cs := s.state(listCluster)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for _, id := range ids {
		cs.removeTask(id, fixtureRev.Add(1))
		delete(m, id)
	}
}

// want is the ARNs ListTasks lists for req after the id after, in order.
func (m listModel) want(req *ecsmodel.ListTasksRequest, after string) []string {
	desired := string(req.DesiredStatus)
	if desired == "" {
		desired = statusRunning
	}
	inst := ecs.LastSegment(req.ContainerInstance)
	var ids []string
	for id, t := range m {
		if id > after && t.desired == desired && (inst == "" || t.instanceID == inst) &&
			(req.Family == "" || t.family == req.Family) && (req.StartedBy == "" || t.startedBy == req.StartedBy) &&
			(req.ServiceName == "" || t.service == req.ServiceName) && (req.LaunchType == "" || t.launchType == string(req.LaunchType)) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	arns := make([]string, len(ids))
	for i, id := range ids {
		arns[i] = loadAccount.TaskARN(listCluster, id)
	}
	return arns
}

// listTaskPages pages through ListTasks with req, checking that every page but
// the last is full and only those have a nextToken, and returns the ARNs.
func listTaskPages(t *testing.T, s *Service, req ecsmodel.ListTasksRequest) []string {
	t.Helper()
	req.Cluster = listCluster
	limit := 100
	if req.MaxResults != nil {
		limit = int(*req.MaxResults)
	}
	var all []string
	for {
		out, err := s.ListTasks(context.Background(), &req)
		if err != nil {
			t.Fatalf("ListTasks: got %v, want no error", err)
		}
		all = append(all, out.TaskArns...)
		if out.NextToken == "" {
			return all
		}
		if len(out.TaskArns) != limit {
			t.Fatalf("got a page of %d and a nextToken, want %d", len(out.TaskArns), limit)
		}
		req.NextToken = out.NextToken
	}
}

// listRequests are ListTasks queries for variedCluster.
var listRequests = []struct {
	name string
	req  ecsmodel.ListTasksRequest
}{
	{"default", ecsmodel.ListTasksRequest{}},
	{"default by 1", ecsmodel.ListTasksRequest{MaxResults: new(int32(1))}},
	{"default by 7", ecsmodel.ListTasksRequest{MaxResults: new(int32(7))}},
	{"running", ecsmodel.ListTasksRequest{DesiredStatus: "RUNNING"}},
	{"stopped", ecsmodel.ListTasksRequest{DesiredStatus: "STOPPED", MaxResults: new(int32(33))}},
	{"pending: never set", ecsmodel.ListTasksRequest{DesiredStatus: "PENDING"}},
	{"family", ecsmodel.ListTasksRequest{Family: "api"}},
	{"rare family", ecsmodel.ListTasksRequest{Family: "rare", MaxResults: new(int32(2))}},
	{"stopped rare family", ecsmodel.ListTasksRequest{Family: "rare", DesiredStatus: "STOPPED"}},
	{"unknown family", ecsmodel.ListTasksRequest{Family: "nope"}},
	{"instance id", ecsmodel.ListTasksRequest{ContainerInstance: listInstances[2], MaxResults: new(int32(50))}},
	{"instance ARN, stopped", ecsmodel.ListTasksRequest{ContainerInstance: loadAccount.ContainerInstanceARN(listCluster, listInstances[3]), DesiredStatus: "STOPPED"}},
	{"unknown instance", ecsmodel.ListTasksRequest{ContainerInstance: hexID(999)}},
	{"instance and family", ecsmodel.ListTasksRequest{ContainerInstance: listInstances[0], Family: "api", MaxResults: new(int32(9))}},
	{"startedBy", ecsmodel.ListTasksRequest{StartedBy: "ci"}},
	{"service", ecsmodel.ListTasksRequest{ServiceName: "svc", DesiredStatus: "STOPPED"}},
	{"launch type", ecsmodel.ListTasksRequest{LaunchType: "EXTERNAL", MaxResults: new(int32(13))}},
	{"family, service and launch type", ecsmodel.ListTasksRequest{Family: "api", ServiceName: "svc", LaunchType: "EC2"}},
}

// checkListRequests fails unless every listRequests query lists what m
// says.
func checkListRequests(t *testing.T, s *Service, m listModel) {
	t.Helper()
	for _, tc := range listRequests {
		t.Run(tc.name, func(t *testing.T) {
			want := m.want(&tc.req, "")
			if got := listTaskPages(t, s, tc.req); !slices.Equal(got, want) {
				t.Errorf("got %d tasks, want %d (got %.2q, want %.2q)", len(got), len(want), got, want)
			}
		})
	}
}

func TestListTasksFilters(t *testing.T) {
	s := listService(t)
	m := listModel{}
	tasks := variedCluster(listT0, 12_000) // more RUNNING tasks than a scanChunk
	m.put(s, tasks...)
	t.Run("loaded", func(t *testing.T) { checkListRequests(t, s, m) })

	// Stop one running task in four, move one in nine to another instance,
	// delete one stopped task in three, add tasks, and launch some that
	// never commit.
	var changed []fakeTask
	var deleted []string
	for i, task := range tasks {
		switch {
		case task.desired == statusRunning && i%8 == 0:
			task.desired = statusStopped
			changed = append(changed, task)
		case task.desired == statusRunning && i%9 == 0:
			task.instanceID = listInstances[(i+1)%len(listInstances)]
			changed = append(changed, task)
		case task.desired == statusStopped && i%3 == 0:
			deleted = append(deleted, task.id)
		}
	}
	m.put(s, changed...)
	m.remove(s, deleted...)
	m.put(s, variedCluster(listT0.Add(time.Hour), 3000)...)
	cs := s.state(listCluster)
	cs.mu.Lock()
	for i := range 5 {
		cs.launchEntry(&taskEntry{id: ecs.NewTimeOrderedID(listT0.Add(time.Duration(i) * time.Minute)), instanceID: listInstances[0],
			family: "api", desired: statusRunning, last: statusPending}, placement.Allocation{})
	}
	cs.mu.Unlock()
	t.Run("changed", func(t *testing.T) { checkListRequests(t, s, m) })
}

// TestListTasksPagesAcrossChanges changes the cluster between the pages of
// a listing: the next page starts after the last task of the previous one
// even when that task is gone, and shows what changed after it only.
func TestListTasksPagesAcrossChanges(t *testing.T) {
	s := listService(t)
	m := listModel{}
	tasks := variedCluster(listT0, 400)
	m.put(s, tasks...)
	req := ecsmodel.ListTasksRequest{Cluster: listCluster, MaxResults: new(int32(10))}
	first, err := s.ListTasks(context.Background(), &req)
	if err != nil || len(first.TaskArns) != 10 || first.NextToken == "" {
		t.Fatalf("ListTasks: got %v, %d tasks, token %q, want a full page and a token", err, len(first.TaskArns), first.NextToken)
	}
	last := ecs.LastSegment(first.TaskArns[9])
	i := slices.IndexFunc(tasks, func(t fakeTask) bool { return t.id == last })
	stop := tasks[i+2]
	stop.desired = statusStopped
	m.remove(s, last, tasks[i+4].id)
	m.put(s, stop)
	m.put(s, fakeTask{id: hexID(1), desired: statusRunning}) // sorts first
	m.put(s, variedCluster(listT0.Add(time.Hour), 10)...)

	req.NextToken, req.MaxResults = first.NextToken, nil
	want := m.want(&req, last)
	if got := listTaskPages(t, s, req); !slices.Equal(got, want) {
		t.Errorf("got %d tasks after the first page, want %d (got %.2q, want %.2q)", len(got), len(want), got, want)
	}
}

// TestListTasksWalksInChunks lists with a filter that matches a few tasks
// among several scanChunks of entries, and one that matches nothing.
func TestListTasksWalksInChunks(t *testing.T) {
	s := listService(t)
	m := listModel{}
	tasks := variedCluster(listT0, 3*scanChunk)
	for i := range tasks {
		tasks[i].desired, tasks[i].family = statusRunning, "web"
	}
	// Matches on the first entries a walk resumes at, from the start and
	// from a token.
	slices.SortFunc(tasks, func(a, b fakeTask) int { return strings.Compare(a.id, b.id) })
	for _, i := range []int{0, scanChunk, 2*scanChunk + 1, len(tasks) - 2} {
		tasks[i].family = "rare"
	}
	m.put(s, tasks...)
	for _, tc := range []struct {
		name  string
		req   ecsmodel.ListTasksRequest
		count int
	}{
		{"rare family", ecsmodel.ListTasksRequest{Family: "rare"}, 4},
		{"rare family by 1", ecsmodel.ListTasksRequest{Family: "rare", MaxResults: new(int32(1))}, 4},
		{"unknown family", ecsmodel.ListTasksRequest{Family: "nope"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := m.want(&tc.req, "")
			if got := listTaskPages(t, s, tc.req); !slices.Equal(got, want) || len(got) != tc.count {
				t.Errorf("got %.2q, want %d: %.2q", got, tc.count, want)
			}
		})
	}
}
