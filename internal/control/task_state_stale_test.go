package control_test

import (
	"testing"
	"time"

	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// TestReportAfterAnotherServerStopped has a second Service on the same
// store stop a task the first one launched, so that the first one's cached
// record is out of date, then has the first apply the agent's RUNNING
// report: the report must be applied to the stopped record, not to the
// cached one, or the stop would be undone.
func TestReportAfterAnotherServerStopped(t *testing.T) {
	e := newEnv(t)
	e.register()
	e.registerInstance()
	arn := e.run().Tasks[0].TaskArn

	other, err := control.New(control.Config{Store: e.st, Account: account, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatalf("control.New: %v", err)
	}
	const reason = "stopped through the other server"
	if _, err := other.StopTask(e.ctx, &ecsmodel.StopTaskRequest{Task: arn, Reason: reason}); err != nil {
		t.Fatalf("StopTask on the other server: %v", err)
	}

	errs := e.svc.ApplyTaskStateChanges(e.ctx, "", []control.TaskStateChange{reportOf(arn, "RUNNING", "RUNNING")})
	if len(errs) != 1 || errs[0] != nil {
		t.Fatalf("ApplyTaskStateChanges: got %v, want one nil error", errs)
	}
	got := e.describeTask("", arn)
	if got.DesiredStatus != "STOPPED" || got.StoppedReason != reason || got.LastStatus != "RUNNING" {
		t.Fatalf("task after the report: got last %s desired %s reason %q, want last RUNNING desired STOPPED reason %q",
			got.LastStatus, got.DesiredStatus, got.StoppedReason, reason)
	}
}
