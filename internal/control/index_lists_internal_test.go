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

// checkSameLists fails unless got and want list the same ids under the
// same keys, cut into blocks of the same lengths.
func checkSameLists(t *testing.T, got, want taskLists) {
	t.Helper()
	checkSameListMap(t, "desired", got.byDesired, want.byDesired)
	checkSameListMap(t, "instance", got.byInstance, want.byInstance)
}

func checkSameListMap[K comparable](t *testing.T, kind string, got, want map[K]*taskList) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d %s lists, want %d", len(got), kind, len(want))
	}
	for k, w := range want {
		g := got[k]
		if g == nil {
			t.Fatalf("%s list %v: got none, want %d ids", kind, k, w.len())
		}
		if gi, wi := listIDs(g), listIDs(w); !slices.Equal(gi, wi) {
			t.Fatalf("%s list %v: got ids %v, want %v", kind, k, gi, wi)
		}
		if gb, wb := blockLens(g), blockLens(w); !slices.Equal(gb, wb) {
			t.Errorf("%s list %v: got blocks of %v entries, want %v", kind, k, gb, wb)
		}
		if g.len() != w.len() {
			t.Errorf("%s list %v: got len %d, want %d", kind, k, g.len(), w.len())
		}
	}
}

// blockLens returns the lengths of l's blocks.
func blockLens(l *taskList) []int {
	out := make([]int, len(l.blocks))
	for i, b := range l.blocks {
		out[i] = len(b)
	}
	return out
}

// loadEntries returns n committed entries in id order, spread at random
// (fixed by seed) over the instances (slot i is insts[i], "" for none)
// and the desired statuses.
func loadEntries(seed uint64, n int, insts, desired []string) ([]*taskEntry, []int32) {
	r := rand.New(rand.NewPCG(seed, 2))
	entries, slots := make([]*taskEntry, n), make([]int32, n)
	for i := range entries {
		slot := r.IntN(len(insts))
		entries[i] = &taskEntry{id: hexID(i), committed: true, instanceID: insts[slot], desired: desired[r.IntN(len(desired))]}
		slots[i] = int32(slot)
		if insts[slot] == "" {
			slots[i] = -1
		}
	}
	return entries, slots
}

func TestListsBuilderMatchesAdd(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n       int
		insts   []string
		desired []string
	}{
		{"none", 0, []string{"a"}, []string{statusRunning}},
		{"one", 1, []string{"a"}, []string{statusRunning}},
		{"no instance", 700, []string{""}, []string{statusRunning, statusStopped}},
		{"one instance, one status, many blocks", 3000, []string{"a"}, []string{statusRunning}},
		{"instances and statuses", 5000, []string{"a", "b", "", "c", "d"}, []string{statusRunning, statusStopped, statusPending}},
		{"many small instances", 2000, instanceIDs(400), []string{statusStopped, statusRunning}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entries, slots := loadEntries(uint64(tc.n), tc.n, tc.insts, tc.desired)
			var b listsBuilder
			var want taskLists
			for i, e := range entries {
				b.add(e, slots[i])
				want.add(e)
			}
			got := b.build()
			checkSameLists(t, got, want)
			cs := &clusterState{tasks: map[string]*taskEntry{}, listed: got}
			for _, e := range entries {
				cs.tasks[e.id] = e
			}
			checkLists(t, cs)
		})
	}
}

// instanceIDs returns n distinct instance ids.
func instanceIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = hexID(1_000_000 + i)
	}
	return out
}
