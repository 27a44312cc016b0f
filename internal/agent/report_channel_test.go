package agent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// fakeChannel is the agent channel of the report queue tests: it records
// every batch (as "arn-suffix:STATUS" items) and answers from a script.
type fakeChannel struct {
	mu        sync.Mutex
	supported bool
	vanish    bool // stop supporting state changes after the first call
	batches   []string
	// answer returns the results (or error) for call n (from 0); nil
	// means every change is applied.
	answer func(n int, changes []agentrpc.StateChange) ([]agentrpc.StateChangeResult, error)
}

func (f *fakeChannel) SupportsStateChanges() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.supported
}

func (f *fakeChannel) SubmitStateChanges(_ context.Context, changes []agentrpc.StateChange) ([]agentrpc.StateChangeResult, error) {
	f.mu.Lock()
	n := len(f.batches)
	var items []string
	for _, c := range changes {
		arn := c.TaskArn()
		status := ""
		if c.Task != nil {
			status = c.Task.Status
		}
		items = append(items, arn[strings.LastIndex(arn, "/")+1:]+":"+status)
	}
	f.batches = append(f.batches, strings.Join(items, ","))
	if f.vanish {
		f.supported = false
	}
	answer := f.answer
	f.mu.Unlock()
	if answer != nil {
		return answer(n, changes)
	}
	return make([]agentrpc.StateChangeResult, len(changes)), nil
}

func (f *fakeChannel) got() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.batches)
}

// codes answers every change of a call with code.
func codes(code string, n int) []agentrpc.StateChangeResult {
	out := make([]agentrpc.StateChangeResult, n)
	for i := range out {
		out[i].Code = code
	}
	return out
}

func TestReportQueueOverTheChannel(t *testing.T) {
	running := func(id string) TaskChange { return *taskChangeOf(id, "RUNNING") }
	tests := []struct {
		name        string
		supported   bool
		vanish      bool
		answer      func(n int, changes []agentrpc.StateChange) ([]agentrpc.StateChangeResult, error)
		reports     []TaskChange
		wantBatches []string
		wantHTTP    int // reports the Reporter got
	}{
		{
			name: "one batch carries every task's report", supported: true,
			reports:     []TaskChange{running("a"), running("b"), running("c")},
			wantBatches: []string{"a:RUNNING,b:RUNNING,c:RUNNING"},
		},
		{
			name: "a task's reports go one at a time, in order", supported: true,
			reports:     []TaskChange{running("a"), *taskChangeOf("a", "STOPPED"), running("b")},
			wantBatches: []string{"a:RUNNING,b:RUNNING", "a:STOPPED"},
		},
		{
			name: "rejected reports are dropped", supported: true,
			answer: func(_ int, ch []agentrpc.StateChange) ([]agentrpc.StateChangeResult, error) {
				return codes(ecs.CodeInvalidParameter, len(ch)), nil
			},
			reports:     []TaskChange{running("a")},
			wantBatches: []string{"a:RUNNING"},
		},
		{
			name: "server errors are sent again", supported: true,
			answer: func(n int, ch []agentrpc.StateChange) ([]agentrpc.StateChangeResult, error) {
				if n == 0 {
					return []agentrpc.StateChangeResult{{Code: ecs.CodeServer}, {}}, nil
				}
				return codes("", len(ch)), nil
			},
			reports:     []TaskChange{running("a"), running("b")},
			wantBatches: []string{"a:RUNNING,b:RUNNING", "a:RUNNING"},
		},
		{
			name: "a lost connection sends the batch again", supported: true,
			answer: func(n int, ch []agentrpc.StateChange) ([]agentrpc.StateChangeResult, error) {
				if n == 0 {
					return nil, errors.New("agentrpc: the connection ended before the state changes were acknowledged")
				}
				return codes("", len(ch)), nil
			},
			reports:     []TaskChange{running("a"), running("b")},
			wantBatches: []string{"a:RUNNING,b:RUNNING", "a:RUNNING,b:RUNNING"},
		},
		{
			name:     "a server without the feature gets them through the ECS API",
			reports:  []TaskChange{running("a"), running("b")},
			wantHTTP: 2,
		},
		{
			name: "a channel that went away mid-way hands over to the ECS API", supported: true, vanish: true,
			answer: func(int, []agentrpc.StateChange) ([]agentrpc.StateChangeResult, error) {
				return nil, fmt.Errorf("send: %w", agentrpc.ErrNotConnected)
			},
			reports:     []TaskChange{running("a")},
			wantBatches: []string{"a:RUNNING"},
			wantHTTP:    1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := newRecordingReporter()
			ch := &fakeChannel{supported: tc.supported, vanish: tc.vanish, answer: tc.answer}
			q := newReportQueue(rep, quietLogger())
			q.retry = agentrpc.Backoff{Base: time.Millisecond, Max: 2 * time.Millisecond}
			for _, r := range tc.reports {
				q.task(r)
			}
			q.useChannel(ch)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			q.start(ctx, 1)
			waitFor(t, "every report to be sent or dropped", func() bool { return q.pending() == 0 })
			if got := ch.got(); !slices.Equal(got, tc.wantBatches) {
				t.Errorf("batches over the channel: got %q, want %q", got, tc.wantBatches)
			}
			rep.mu.Lock()
			calls := rep.calls
			rep.mu.Unlock()
			if calls != tc.wantHTTP {
				t.Errorf("reports through the ECS API: got %d, want %d", calls, tc.wantHTTP)
			}
		})
	}
}

// taskChangeOf is a task report of task id.
func taskChangeOf(id, status string) *TaskChange {
	return &TaskChange{Request: ecsmodel.SubmitTaskStateChangeRequest{Task: taskArn(id), Status: status}}
}
