package control

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/berth-io/berth/internal/placement"
)

// indexStep changes a cluster's index as one writer does.
type indexStep func(cs *clusterState)

// launch registers the uncommitted entry of a task being launched.
func launch(n int, instanceID string) indexStep {
	return func(cs *clusterState) {
		cs.launchEntry(&taskEntry{id: hexID(n), instanceID: instanceID, desired: statusRunning, last: statusPending}, placement.Allocation{})
	}
}

// commit commits a launch of tasks at rev.
func commit(rev int64, ns ...int) indexStep {
	return func(cs *clusterState) {
		ids := make([]string, len(ns))
		for i, n := range ns {
			ids[i] = hexID(n)
		}
		cs.commitLaunch(ids, rev)
	}
}

// abandonStep drops the launch of a task whose commit failed.
func abandonStep(n int) indexStep { return func(cs *clusterState) { cs.abandon(hexID(n)) } }

// record applies a record of a task with a desired status on an instance
// committed at rev.
func record(n int, instanceID, desired string, rev int64) indexStep {
	return func(cs *clusterState) {
		t := fakeTask{id: hexID(n), instanceID: instanceID, desired: desired}
		cs.applyRecord(t.record(), rev)
	}
}

// deleteStep removes a task deleted at rev.
func deleteStep(n int, rev int64) indexStep {
	return func(cs *clusterState) { cs.removeTask(hexID(n), rev) }
}

// listIDs returns the ids of l in order ("" list for nil).
func listIDs(l *taskList) []string {
	var ids []string
	if l != nil {
		for e := range l.after("") {
			ids = append(ids, e.id)
		}
	}
	return ids
}

// checkLists fails unless cs.listed lists exactly the committed entries
// of cs.tasks, by desired status and by instance and desired status, and
// keeps no empty list.
func checkLists(t *testing.T, cs *clusterState) {
	t.Helper()
	byDesired, byInstance := map[string][]string{}, map[instanceStatus][]string{}
	for id, e := range cs.tasks {
		if e.committed {
			byDesired[e.desired] = append(byDesired[e.desired], id)
			if e.instanceID != "" {
				k := instanceStatus{e.instanceID, e.desired}
				byInstance[k] = append(byInstance[k], id)
			}
		}
	}
	checkListMap(t, cs.listed.byDesired, byDesired)
	checkListMap(t, cs.listed.byInstance, byInstance)
	for k, want := range byInstance {
		if got := listIDs(cs.listed.list(k.instanceID, k.desired)); !slices.Equal(got, want) {
			t.Fatalf("list(%q, %s): got %v, want %v", k.instanceID, k.desired, got, want)
		}
	}
	for d, want := range byDesired {
		if got := listIDs(cs.listed.list("", d)); !slices.Equal(got, want) {
			t.Fatalf("list(\"\", %s): got %v, want %v", d, got, want)
		}
	}
}

// checkListMap fails unless lists has a list of exactly the ids of want
// (sorted in place) for each key, and no other.
func checkListMap[K comparable](t *testing.T, lists map[K]*taskList, want map[K][]string) {
	t.Helper()
	for k, ids := range want {
		slices.Sort(ids)
		if got := listIDs(lists[k]); !slices.Equal(got, ids) {
			t.Fatalf("list %v: got %v, want %v", k, got, ids)
		}
	}
	for k, l := range lists {
		if _, ok := want[k]; !ok {
			t.Fatalf("list %v: got %d ids, want no list", k, l.len())
		}
	}
}

func TestTaskListsFollowIndex(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []indexStep
	}{
		{"launch is listed once committed", []indexStep{launch(1, "a"), launch(2, "b"), commit(5, 1, 2)}},
		{"abandoned launch never listed", []indexStep{launch(1, "a"), abandonStep(1), commit(5, 1)}},
		{"record reaches a launch before its commit", []indexStep{launch(1, "a"), record(1, "a", statusStopped, 7), commit(5, 1)}},
		{"loaded task", []indexStep{record(1, "a", statusRunning, 3)}},
		{"stop moves to STOPPED", []indexStep{record(1, "a", statusRunning, 3), record(2, "a", statusRunning, 4), record(1, "a", statusStopped, 5)}},
		{"instance change", []indexStep{record(1, "a", statusRunning, 3), record(1, "b", statusRunning, 4)}},
		{"stale record ignored", []indexStep{record(1, "a", statusStopped, 5), record(1, "b", statusRunning, 4)}},
		{"same status again", []indexStep{record(1, "a", statusRunning, 3), record(1, "a", statusRunning, 4)}},
		{"committed task deleted", []indexStep{record(1, "a", statusStopped, 3), record(2, "a", statusStopped, 4), deleteStep(1, 6)}},
		{"stale delete ignored", []indexStep{record(1, "a", statusStopped, 5), deleteStep(1, 4)}},
		{"launch deleted before commit", []indexStep{launch(1, "a"), deleteStep(1, 2), commit(5, 1)}},
		{"last task of an instance deleted", []indexStep{record(1, "a", statusRunning, 3), record(1, "a", statusStopped, 4), deleteStep(1, 5)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs := newClusterState()
			for _, step := range tc.steps {
				step(cs)
				checkLists(t, cs)
			}
		})
	}
}

// TestTaskListsFollowIndexAtRandom runs many writers' changes in a random
// order, enough to fill many blocks, and checks the lists after each batch.
func TestTaskListsFollowIndexAtRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	cs := newClusterState()
	insts := []string{"a", "b", "c", ""}
	statuses := []string{statusRunning, statusStopped}
	rev := int64(0)
	next := 0
	var launched []int
	for round := range 60 {
		for range 500 {
			rev++
			n := r.IntN(next + 1)
			switch op := r.IntN(10); {
			case op < 3:
				next++
				launch(next, insts[r.IntN(len(insts))])(cs)
				launched = append(launched, next)
			case op < 5 && len(launched) > 0:
				i := r.IntN(len(launched))
				if r.IntN(4) == 0 {
					abandonStep(launched[i])(cs)
				} else {
					commit(rev, launched[i])(cs)
				}
				launched = slices.Delete(launched, i, i+1)
			case op < 8:
				record(n, insts[r.IntN(len(insts))], statuses[r.IntN(2)], rev-int64(r.IntN(3)))(cs)
			default:
				deleteStep(n, rev)(cs)
			}
		}
		checkLists(t, cs)
		if round == 59 && len(cs.listed.byDesired[statusRunning].blocks) < 3 {
			t.Fatalf("got %d blocks of RUNNING tasks, want a few", len(cs.listed.byDesired[statusRunning].blocks))
		}
	}
}
