package agent

import (
	"context"
	"errors"
	"unicode/utf8"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// Limits the ECS agent applies to what it reports.
const (
	maxReasonLen    = 1024
	maxRuntimeIDLen = 255
)

// ReasonEssentialContainerExited is the reason the agent reports when it
// stops a task because an essential container exited. It is ECS's
// stoppedReason for stop code EssentialContainerExited.
const ReasonEssentialContainerExited = "Essential container in task exited"

// ErrReportRejected marks a report the control plane refused for good (a
// client error such as an unknown task): it is dropped, not retried.
// Reporter implementations wrap such errors with it.
var ErrReportRejected = errors.New("report rejected")

// TaskChange is one SubmitTaskStateChange report.
type TaskChange struct {
	Request ecsmodel.SubmitTaskStateChangeRequest
	// StopCode is set when the agent itself stopped the task:
	// TaskFailedToStart or EssentialContainerExited. The ECS API has no
	// member for it; the control plane derives it from Request.Reason (see
	// the package documentation).
	StopCode string
}

// Reporter sends state changes to the control plane. The engine calls it
// from its report queue only, never from a task goroutine, and retries
// errors with backoff unless they wrap ErrReportRejected. Implementations
// must be safe for concurrent use (the queue sends for several tasks at
// once, one report per task at a time).
type Reporter interface {
	SubmitTaskStateChange(ctx context.Context, change TaskChange) error
	SubmitContainerStateChange(ctx context.Context, change ecsmodel.SubmitContainerStateChangeRequest) error
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n-- // s[n] continues a rune that starts before the cut
	}
	return s[:n]
}
