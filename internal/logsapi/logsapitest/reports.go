package logsapitest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// reports is the agent.Reporter of an Env: it remembers every task status
// reported, so that a test can wait for one.
type reports struct {
	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every report
	seen    map[string]map[string]bool
}

func newReports() *reports {
	return &reports{changed: make(chan struct{}), seen: make(map[string]map[string]bool)}
}

func (r *reports) SubmitTaskStateChange(_ context.Context, c agent.TaskChange) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[c.Request.Task] == nil {
		r.seen[c.Request.Task] = make(map[string]bool)
	}
	r.seen[c.Request.Task][c.Request.Status] = true
	close(r.changed)
	r.changed = make(chan struct{})
	return nil
}

func (r *reports) SubmitContainerStateChange(context.Context, ecsmodel.SubmitContainerStateChangeRequest) error {
	return nil
}

// wait blocks until task arn has been reported with status; it fails the
// test when that takes unreasonably long (a hang, not a speed check).
func (r *reports) wait(t testing.TB, arn, status string) {
	t.Helper()
	timeout := time.After(15 * time.Second)
	for {
		r.mu.Lock()
		ok, changed := r.seen[arn][status], r.changed
		r.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("task %s was never reported %s", arn, status)
		}
	}
}
