package agent

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecsmodel"
)

func taskChange(status string, containers ...ecsmodel.ContainerStateChange) pendingReport {
	return pendingReport{task: &TaskChange{Request: ecsmodel.SubmitTaskStateChangeRequest{
		Task: taskArn("t1"), Status: status, Containers: containers,
	}}}
}

func containerChangeReport(name, status string) pendingReport {
	return pendingReport{container: &ecsmodel.SubmitContainerStateChangeRequest{Task: taskArn("t1"), ContainerName: name, Status: status}}
}

func cs(name, status string) ecsmodel.ContainerStateChange {
	return ecsmodel.ContainerStateChange{ContainerName: name, Status: status}
}

// describe renders waiting reports compactly: T(status: a=S,b=S) or C(a=S).
func describe(rs []pendingReport) string {
	out := ""
	for _, r := range rs {
		if r.container != nil {
			out += fmt.Sprintf("C(%s=%s)", r.container.ContainerName, r.container.Status)
			continue
		}
		out += "T(" + r.task.Request.Status + ":"
		for i, c := range r.task.Request.Containers {
			if i > 0 {
				out += ","
			}
			out += c.ContainerName + "=" + c.Status
		}
		out += ")"
	}
	return out
}

func TestCoalesce(t *testing.T) {
	tests := []struct {
		name    string
		waiting []pendingReport
		add     pendingReport
		want    string
	}{
		{name: "first report", add: taskChange("RUNNING", cs("a", "RUNNING")), want: "T(RUNNING:a=RUNNING)"},
		{name: "container change replaces the same container's",
			waiting: []pendingReport{containerChangeReport("a", "RUNNING")},
			add:     containerChangeReport("a", "STOPPED"), want: "C(a=STOPPED)"},
		{name: "a container change replaces one behind other containers'",
			waiting: []pendingReport{containerChangeReport("a", "RUNNING"), containerChangeReport("b", "STOPPED")},
			add:     containerChangeReport("a", "STOPPED"), want: "C(a=STOPPED)C(b=STOPPED)"},
		{name: "a task change in between keeps both",
			waiting: []pendingReport{containerChangeReport("a", "RUNNING"), taskChange("RUNNING")},
			add:     containerChangeReport("a", "STOPPED"), want: "C(a=RUNNING)T(RUNNING:)C(a=STOPPED)"},
		{name: "different containers stay apart",
			waiting: []pendingReport{containerChangeReport("a", "STOPPED")},
			add:     containerChangeReport("b", "STOPPED"), want: "C(a=STOPPED)C(b=STOPPED)"},
		{name: "container changes fold into a task change",
			waiting: []pendingReport{containerChangeReport("b", "STOPPED")},
			add:     taskChange("STOPPED", cs("a", "STOPPED")), want: "T(STOPPED:b=STOPPED,a=STOPPED)"},
		{name: "the task change's own entry wins over a folded one",
			waiting: []pendingReport{containerChangeReport("a", "RUNNING")},
			add:     taskChange("STOPPED", cs("a", "STOPPED")), want: "T(STOPPED:a=STOPPED)"},
		{name: "task changes of the same status merge",
			waiting: []pendingReport{taskChange("RUNNING", cs("a", "RUNNING"), cs("b", "RUNNING"))},
			add:     taskChange("RUNNING", cs("b", "STOPPED")), want: "T(RUNNING:a=RUNNING,b=STOPPED)"},
		{name: "a task change's repeated container is folded into one",
			add: taskChange("STOPPED", cs("a", "RUNNING"), cs("b", "STOPPED"), cs("a", "STOPPED")), want: "T(STOPPED:a=STOPPED,b=STOPPED)"},
		{name: "RUNNING then STOPPED are both kept",
			waiting: []pendingReport{taskChange("RUNNING", cs("a", "RUNNING"))},
			add:     taskChange("STOPPED", cs("a", "STOPPED")), want: "T(RUNNING:a=RUNNING)T(STOPPED:a=STOPPED)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := describe(coalesce(tc.waiting, tc.add)); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func newTestQueue(t *testing.T, rep Reporter) *reportQueue {
	t.Helper()
	q := newReportQueue(rep, quietLogger())
	q.retry = agentrpc.Backoff{Base: time.Millisecond, Max: 2 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	q.start(ctx, 2)
	return q
}

func TestReportQueueRetriesTransientErrors(t *testing.T) {
	rep := newRecordingReporter()
	rep.transient = 3
	q := newTestQueue(t, rep)
	q.task(*taskChange("RUNNING", cs("a", "RUNNING")).task)
	rep.taskReport(t, taskArn("t1"), "RUNNING")
	rep.mu.Lock()
	calls := rep.calls
	rep.mu.Unlock()
	if calls != 4 {
		t.Fatalf("calls: got %d, want 4 (3 failures, then success)", calls)
	}
}

func TestReportQueueDropsRejectedReports(t *testing.T) {
	rep := newRecordingReporter()
	rep.rejectAll = fmt.Errorf("%w: InvalidParameterException: unknown task", ErrReportRejected)
	q := newTestQueue(t, rep)
	q.task(*taskChange("RUNNING").task)
	waitFor(t, "the rejected report to be dropped", func() bool { return q.pending() == 0 })
	rep.mu.Lock()
	calls := rep.calls
	rep.rejectAll = nil
	rep.mu.Unlock()
	if calls != 1 {
		t.Fatalf("calls for a rejected report: got %d, want 1 (no retry)", calls)
	}
	q.task(*taskChange("STOPPED").task)
	rep.taskReport(t, taskArn("t1"), "STOPPED")
}

// blockingReporter holds every call until released.
type blockingReporter struct {
	*recordingReporter
	release chan struct{}
}

func (b blockingReporter) SubmitTaskStateChange(ctx context.Context, c TaskChange) error {
	<-b.release
	return b.recordingReporter.SubmitTaskStateChange(ctx, c)
}

func (b blockingReporter) SubmitContainerStateChange(ctx context.Context, c ecsmodel.SubmitContainerStateChangeRequest) error {
	<-b.release
	return b.recordingReporter.SubmitContainerStateChange(ctx, c)
}

func TestReportQueueNeverBlocksAndCoalesces(t *testing.T) {
	rep := blockingReporter{newRecordingReporter(), make(chan struct{})}
	q := newTestQueue(t, rep)
	q.task(*taskChange("RUNNING", cs("a", "RUNNING")).task)
	waitFor(t, "the first report to be in flight", func() bool {
		q.mu.Lock()
		defer q.mu.Unlock()
		return q.tasks[taskArn("t1")] != nil && q.tasks[taskArn("t1")].busy
	})
	// While the first report hangs, a burst of changes queues up without
	// blocking and coalesces into a few reports.
	for i := range 1000 {
		q.container(*containerChangeReport(fmt.Sprintf("c%d", i%3), "RUNNING").container)
	}
	if got := q.pending(); got != 4 {
		t.Fatalf("pending reports: got %d, want 4 (in flight + one per container)", got)
	}
	q.task(*taskChange("STOPPED", cs("a", "STOPPED")).task)
	if got := q.pending(); got != 2 {
		t.Fatalf("pending reports: got %d, want 2 (in flight + one STOPPED with everything folded in)", got)
	}
	close(rep.release)
	rep.taskReport(t, taskArn("t1"), "RUNNING")
	stopped := rep.taskReport(t, taskArn("t1"), "STOPPED")
	if n := len(stopped.Request.Containers); n != 4 {
		t.Fatalf("containers in the STOPPED report: got %d, want 4 (a, c0, c1, c2)", n)
	}
}
