package bench

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

// failuresOf builds response failures with the given reasons.
func failuresOf(reasons ...string) []ecstypes.Failure {
	out := make([]ecstypes.Failure, len(reasons))
	for i, r := range reasons {
		out[i] = ecstypes.Failure{Reason: aws.String(r), Arn: aws.String("arn:aws:ecs:us-east-1:1:container-instance/c/x")}
	}
	return out
}

func throttled() error {
	return &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
}

func TestCollectorCounts(t *testing.T) {
	col := newCollector()
	calls := []struct {
		o   outcome
		d   time.Duration
		err error
	}{
		{outcome{op: "RunTask", requested: 10, placed: 10, items: 10}, 1500 * time.Microsecond, nil},
		{outcome{op: "RunTask", requested: 10, placed: 7, items: 7, failures: failuresOf("RESOURCE:MEMORY", "RESOURCE:MEMORY", "AGENT")}, 2 * time.Millisecond, nil},
		{outcome{op: "RunTask", requested: 10}, 100 * time.Microsecond, throttled()},
		{outcome{op: "RunTask", requested: 10}, 90 * time.Microsecond, &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded again"}},
		{outcome{op: "DescribeTasks", items: 99, failures: failuresOf("MISSING")}, time.Millisecond, nil},
		{outcome{op: "ListTasks"}, time.Second, errors.New("boom")},
	}
	for _, c := range calls {
		col.record(c.o, c.d, c.err)
	}
	r := buildResult(options{scenario: "mixed", clients: 2, requests: 6}, scenarios["mixed"], SetupResult{}, time.Now(), col, 2*time.Second, false)

	if r.Calls != 6 || r.OK != 3 || r.Errors != 3 {
		t.Errorf("calls, ok, errors = %d, %d, %d; want 6, 3, 3", r.Calls, r.OK, r.Errors)
	}
	// Requested counts only ok calls: 10 + 10; placed 10 + 7.
	if r.TasksRequested != 20 || r.TasksPlaced != 17 {
		t.Errorf("tasks requested, placed = %d, %d; want 20, 17", r.TasksRequested, r.TasksPlaced)
	}
	if r.CallsPerSecond != 3 || r.OKPerSecond != 1.5 || r.TasksPerSecond != 8.5 {
		t.Errorf("rates = %v, %v, %v calls/ok/tasks per s; want 3, 1.5, 8.5", r.CallsPerSecond, r.OKPerSecond, r.TasksPerSecond)
	}
	wantFailures := []Count{{Name: "RESOURCE:MEMORY", Count: 2}, {Name: "AGENT", Count: 1}, {Name: "MISSING", Count: 1}}
	if !equalCounts(r.Failures, wantFailures) {
		t.Errorf("failures = %+v, want %+v", r.Failures, wantFailures)
	}
	wantErrors := []Count{{Name: "ThrottlingException", Count: 2, Example: "Rate exceeded"}, {Name: "OtherError", Count: 1, Example: "boom"}}
	if !equalCounts(r.ErrorsByName, wantErrors) {
		t.Errorf("errors = %+v, want %+v", r.ErrorsByName, wantErrors)
	}
	// Only the three ok calls are timed: 1, 1.5 and 2 ms (exact below
	// 2048 µs).
	if l := r.Latency; l.Count != 3 || l.Min != 1000 || l.P50 != 1500 || l.Max != 2000 {
		t.Errorf("latency = %+v, want 3 calls, min 1ms, p50 1.5ms, max 2ms", l)
	}
	ops := map[string]OperationResult{}
	for _, op := range r.Operations {
		ops[op.Name] = op
	}
	if rt := ops["RunTask"]; rt.Calls != 4 || rt.OK != 2 || rt.Errors != 2 || rt.Failures != 3 || rt.Items != 17 {
		t.Errorf("RunTask = %+v, want 4 calls, 2 ok, 2 errors, 3 failures, 17 items", rt)
	}
	if dt := ops["DescribeTasks"]; dt.Calls != 1 || dt.Items != 99 || dt.Failures != 1 {
		t.Errorf("DescribeTasks = %+v, want 1 call, 99 items, 1 failure", dt)
	}
	if lt := ops["ListTasks"]; lt.Calls != 1 || lt.Errors != 1 || lt.Latency.Count != 0 {
		t.Errorf("ListTasks = %+v, want 1 failed call and no latency", lt)
	}
}

func equalCounts(a, b []Count) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSnapshotIntervals checks that each progress snapshot covers the
// calls since the previous one.
func TestSnapshotIntervals(t *testing.T) {
	col := newCollector()
	for range 3 {
		col.record(outcome{op: "RunTask", requested: 1, placed: 1}, 500*time.Microsecond, nil)
	}
	first := col.snapshot(time.Second, progressSnapshot{})
	col.record(outcome{op: "RunTask", requested: 1, placed: 1}, 700*time.Microsecond, nil)
	col.record(outcome{op: "RunTask", requested: 1}, time.Millisecond, throttled())
	second := col.snapshot(3*time.Second, first)
	third := col.snapshot(4*time.Second, second)

	tests := []struct {
		name                         string
		s                            progressSnapshot
		calls, intervalCalls, placed int64
		errors                       int64
		interval                     time.Duration
		p50                          int64
	}{
		{"first", first, 3, 3, 3, 0, time.Second, 500},
		{"second", second, 5, 2, 4, 1, 2 * time.Second, 700},
		{"third, idle", third, 5, 0, 4, 1, time.Second, 0},
	}
	for _, tt := range tests {
		s := tt.s
		if s.calls != tt.calls || s.intervalCalls != tt.intervalCalls || s.placed != tt.placed ||
			s.errors != tt.errors || s.interval != tt.interval || s.p50 != tt.p50 {
			t.Errorf("%s snapshot = %+v; want calls %d, interval calls %d, placed %d, errors %d, interval %s, p50 %d",
				tt.name, s, tt.calls, tt.intervalCalls, tt.placed, tt.errors, tt.interval, tt.p50)
		}
	}
}
