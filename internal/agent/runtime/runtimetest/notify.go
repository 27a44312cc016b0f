package runtimetest

import (
	"errors"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// exitCall is one call of a NotifyExit callback.
type exitCall struct {
	res runtime.ExitResult
	err error
}

// notifyExit registers a callback for id and returns where its call
// arrives.
func notifyExit(n runtime.ExitNotifier, id string) <-chan exitCall {
	ch := make(chan exitCall, 2) // a second call would be a defect the test sees
	n.NotifyExit(id, func(res runtime.ExitResult, err error) { ch <- exitCall{res, err} })
	return ch
}

// nextExit returns the callback's call, failing after a while.
func nextExit(t *testing.T, what string, ch <-chan exitCall) exitCall {
	t.Helper()
	select {
	case c := <-ch:
		return c
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: the NotifyExit callback was never called", what)
		return exitCall{}
	}
}

// testNotifyExit checks runtime.ExitNotifier, for runtimes that have it:
// the callback gets what Wait would return, once.
func testNotifyExit(t *testing.T, h Harness) {
	e := newEnv(t, h)
	n, ok := e.rt.(runtime.ExitNotifier)
	if !ok {
		t.Skip("the runtime has no ExitNotifier")
	}
	const unknown = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	if c := nextExit(t, "unknown id", notifyExit(n, unknown)); !errors.Is(c.err, runtime.ErrNotFound) {
		t.Fatalf("NotifyExit(unknown id): got error %v, want ErrNotFound", c.err)
	}
	id := e.create(e.spec("app", Program{Forever: true}))
	if c := nextExit(t, "created", notifyExit(n, id)); !errors.Is(c.err, runtime.ErrNotStarted) {
		t.Fatalf("NotifyExit before Start: got error %v, want ErrNotStarted", c.err)
	}
	e.start(id)
	e.waitReady(id)
	running := notifyExit(n, id)
	select {
	case c := <-running:
		t.Fatalf("NotifyExit of a running container: called with %+v before it exited", c)
	case <-time.After(50 * time.Millisecond):
	}
	if err := e.rt.Stop(e.ctx(), id, 20*time.Second); err != nil {
		t.Fatalf("Stop: got error %v, want nil", err)
	}
	if c := nextExit(t, "stopped", running); c.err != nil || c.res.ExitCode != 143 {
		t.Fatalf("NotifyExit of a stopped container: got %+v, %v; want exit code 143", c.res, c.err)
	}
	if c := nextExit(t, "exited", notifyExit(n, id)); c.err != nil || c.res.ExitCode != 143 {
		t.Fatalf("NotifyExit of an exited container: got %+v, %v; want exit code 143 at once", c.res, c.err)
	}
	select {
	case c := <-running:
		t.Fatalf("NotifyExit called twice: second call %+v", c)
	case <-time.After(20 * time.Millisecond):
	}
}
