package runtimetest

import (
	"testing"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// testListOwners checks the ownership part of List's contract: List returns
// the containers of every owner (and those without one), each with the
// Owner of its spec, and Inspect reports the same Owner. For runtimes whose
// containers survive the runtime value, a second value over the same state
// still knows each container's owner, as an agent's start-up sweep needs in
// order to keep to its own containers.
func testListOwners(t *testing.T, h Harness) {
	e := newEnv(t, h)
	owners := []struct {
		name  string // container name, in List's sorted order
		owner string
	}{
		{name: "mine", owner: e.owner},
		{name: "neighbour", owner: InstanceARN()},
		{name: "unowned", owner: ""},
	}
	want := make([]runtime.Found, 0, len(owners))
	for _, o := range owners {
		spec := e.spec(o.name, Program{Forever: true})
		spec.Owner = o.owner
		id := e.create(spec)
		want = append(want, runtime.Found{ID: id, TaskARN: e.task, ContainerName: o.name, Owner: o.owner, Status: runtime.StatusCreated})
	}

	checkList(t, "List(task)", e.rt, e, want)
	for _, w := range want {
		if got := e.inspect(w.ID).Owner; got != w.Owner {
			t.Errorf("Inspect(%s).Owner: got %q, want %q", w.ContainerName, got, w.Owner)
		}
	}
	all, err := e.rt.List(e.ctx(), "")
	if err != nil {
		t.Fatalf("List(all): got error %v, want nil", err)
	}
	byID := make(map[string]runtime.Found, len(all))
	for _, f := range all {
		byID[f.ID] = f
	}
	for _, w := range want {
		if got, ok := byID[w.ID]; !ok || got != w {
			t.Errorf("List(all) entry of %s: got %+v (listed %v), want %+v", w.ContainerName, got, ok, w)
		}
	}

	t.Run("after restart", func(t *testing.T) {
		if !h.Survives {
			t.Skipf("containers of runtime %s do not survive a restart", e.rt.Name())
		}
		checkList(t, "List(task) after restart", h.New(t, e.dir), e, want)
	})
}
