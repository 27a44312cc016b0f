package agent

import (
	"context"
	"errors"
	"time"

	"github.com/berth-io/berth/internal/agentrpc"
)

// maxReportBatch is how many tasks' reports go in one StateChangeRequest.
const maxReportBatch = 256

// batchLinger is how long a worker waits, once a report is ready, before
// it takes a batch: reports that follow within it go in the same
// request, and so does the ack of the payload that caused the report,
// which the session queues just after the engine has accepted the
// payload, while the task's runner may already be reporting.
const batchLinger = 2 * time.Millisecond

// stateChannel carries reports in batches over the agent channel;
// *agentrpc.Session is one.
type stateChannel interface {
	SupportsStateChanges() bool
	SubmitStateChanges(ctx context.Context, changes []agentrpc.StateChange) ([]agentrpc.StateChangeResult, error)
}

var _ stateChannel = (*agentrpc.Session)(nil)

// useChannel makes the queue send its reports over ch, in batches, while
// ch's connection is up and its server takes them; the Reporter carries
// them otherwise.
func (q *reportQueue) useChannel(ch stateChannel) {
	q.mu.Lock()
	q.channel = ch
	q.mu.Unlock()
	q.poke()
}

// usableChannel returns the channel if it can carry reports now, or nil.
func (q *reportQueue) usableChannel() stateChannel {
	q.mu.Lock()
	ch := q.channel
	q.mu.Unlock()
	if ch == nil || !ch.SupportsStateChanges() {
		return nil
	}
	return ch
}

// batchOutcome is what became of a batch.
type batchOutcome int

const (
	// batchSent: every report was applied or rejected for good.
	batchSent batchOutcome = iota
	// batchRetry: some reports wait to be sent again after a backoff.
	batchRetry
	// batchUnsent: nothing was sent (the channel went away); the reports
	// wait and go out through the Reporter unless it comes back.
	batchUnsent
)

// sendBatch sends the reports of batch in one request over ch and
// finishes each by its result: applied and rejected reports are dropped,
// the others (a ServerException, a lost connection, no answer in time)
// wait to be sent again.
func (q *reportQueue) sendBatch(ctx context.Context, ch stateChannel, batch []queued) batchOutcome {
	changes := make([]agentrpc.StateChange, len(batch))
	for i, b := range batch {
		changes[i] = stateChangeOf(b.report)
	}
	attempt, cancel := context.WithTimeout(ctx, q.timeout)
	results, err := ch.SubmitStateChanges(attempt, changes)
	cancel()
	if err != nil {
		for _, b := range batch {
			q.finish(b.arn, false)
		}
		if errors.Is(err, agentrpc.ErrNotConnected) || errors.Is(err, agentrpc.ErrStateChangesUnsupported) {
			return batchUnsent
		}
		if ctx.Err() == nil {
			q.log.Warn("state changes not delivered; retrying", "reports", len(batch), "err", err)
		}
		return batchRetry
	}
	outcome := batchSent
	for i, res := range results {
		done := true
		switch {
		case res.Code == "":
		case rejectedCodes[res.Code]:
			q.log.Warn("state change rejected; dropping it", "task", batch[i].arn, "code", res.Code, "message", res.Message)
		default:
			q.log.Warn("state change not applied; retrying", "task", batch[i].arn, "code", res.Code, "message", res.Message)
			done, outcome = false, batchRetry
		}
		q.finish(batch[i].arn, done)
	}
	return outcome
}

// stateChangeOf is a report as the channel carries it: without the
// cluster, which is the connection's.
func stateChangeOf(r pendingReport) agentrpc.StateChange {
	if r.task != nil {
		req := r.task.Request
		req.Cluster = ""
		return agentrpc.StateChange{Task: &req, StopCode: r.task.StopCode}
	}
	req := *r.container
	req.Cluster = ""
	return agentrpc.StateChange{Container: &req}
}
