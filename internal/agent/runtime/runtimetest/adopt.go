package runtimetest

import (
	"sort"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// testListAndAdopt lists a task's containers, then (for runtimes whose
// containers survive the runtime value) lists them again from a second
// runtime over the same state, as an agent does after a restart, and
// stops and waits for the running one through it.
func testListAndAdopt(t *testing.T, h Harness) {
	e := newEnv(t, h)
	web := e.run("web", Program{Forever: true})
	side := e.create(e.spec("sidecar", Program{Forever: true}))
	other := &env{t: t, h: h, rt: e.rt, dir: e.dir, task: TaskARN(), owner: e.owner}
	otherID := other.create(other.spec("web", Program{Forever: true}))
	e.waitReady(web)

	want := []runtime.Found{
		{ID: side, TaskARN: e.task, ContainerName: "sidecar", Owner: e.owner, Status: runtime.StatusCreated},
		{ID: web, TaskARN: e.task, ContainerName: "web", Owner: e.owner, Status: runtime.StatusRunning},
	}
	checkList(t, "List(task)", e.rt, e, want)
	all, err := e.rt.List(e.ctx(), "")
	if err != nil {
		t.Fatalf("List(all): got error %v, want nil", err)
	}
	seen := map[string]bool{}
	for _, f := range all {
		seen[f.ID] = true
	}
	for _, id := range []string{web, side, otherID} {
		if !seen[id] {
			t.Errorf("List(all): got %+v, want it to hold %s", all, id)
		}
	}

	t.Run("after restart", func(t *testing.T) {
		if !h.Survives {
			t.Skipf("containers of runtime %s do not survive a restart", e.rt.Name())
		}
		testAdopt(t, e, web, side, want)
	})
}

// testAdopt controls the containers of e from a second runtime over the
// same state.
func testAdopt(t *testing.T, e *env, web, side string, want []runtime.Found) {
	h := e.h
	restarted := h.New(t, e.dir)
	checkList(t, "List(task) after restart", restarted, e, want)
	if st, err := restarted.Inspect(e.ctx(), web); err != nil || !st.Running() {
		t.Fatalf("Inspect after restart: got %+v, %v, want running", st, err)
	}
	if err := restarted.Stop(e.ctx(), web, 20*time.Second); err != nil {
		t.Fatalf("Stop after restart: got error %v, want nil", err)
	}
	res, err := restarted.Wait(e.ctx(), web)
	if err != nil {
		t.Fatalf("Wait after restart: got error %v, want nil", err)
	}
	if res.ExitCodeUnknown && !h.AdoptedExitMayBeUnknown || !res.ExitCodeUnknown && res.ExitCode != 143 {
		t.Fatalf("Wait after restart: got exit code %d (unknown %v), want 143", res.ExitCode, res.ExitCodeUnknown)
	}
	if st, err := restarted.Inspect(e.ctx(), web); err != nil || st.Status != runtime.StatusExited {
		t.Fatalf("Inspect after Stop: got %+v, %v, want exited", st, err)
	}
	if err := restarted.Remove(e.ctx(), side); err != nil {
		t.Fatalf("Remove after restart: got error %v, want nil", err)
	}
}

func checkList(t *testing.T, op string, rt runtime.Runtime, e *env, want []runtime.Found) {
	t.Helper()
	got, err := rt.List(e.ctx(), e.task)
	if err != nil {
		t.Fatalf("%s: got error %v, want nil", op, err)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].ContainerName < got[j].ContainerName })
	if len(got) != len(want) {
		t.Fatalf("%s: got %+v, want %+v", op, got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: got %+v, want %+v", op, got, want)
		}
	}
}
