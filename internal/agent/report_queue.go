package agent

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// reportQueue carries state changes from task goroutines to the control
// plane: in batches over the agent channel when its server takes them
// (useChannel), else one at a time through a Reporter (the ECS API).
// Enqueuing never blocks. Reports of one task are sent in order, one at a
// time; reports of different tasks go out together in a batch, or
// concurrently on a few workers. A failed send is retried with backoff
// until it succeeds, is rejected for good (ErrReportRejected, or a client
// error in a batch's results) or the queue stops. Reports that wait are
// coalesced: container changes fold into a later task change of the same
// task, and a task change replaces a waiting one with the same status.
type reportQueue struct {
	rep     Reporter
	log     *slog.Logger
	retry   agentrpc.Backoff // template; each send copies it
	timeout time.Duration    // per attempt
	linger  time.Duration    // wait before taking a batch; see batchLinger

	mu      sync.Mutex
	channel stateChannel // set once the agent channel is up; see useChannel
	tasks   map[string]*taskReports
	ready   []string // tasks with reports and no send in flight, oldest first
	signal  chan struct{}
}

// taskReports are the waiting reports of one task; items[0] is being sent
// while busy.
type taskReports struct {
	items  []pendingReport
	busy   bool
	listed bool // in reportQueue.ready
}

// pendingReport is one report: exactly one of task and container is set.
type pendingReport struct {
	task      *TaskChange
	container *ecsmodel.SubmitContainerStateChangeRequest
}

func newReportQueue(rep Reporter, log *slog.Logger) *reportQueue {
	return &reportQueue{
		rep:     rep,
		log:     log,
		retry:   agentrpc.Backoff{Base: 250 * time.Millisecond, Max: 30 * time.Second},
		timeout: 30 * time.Second,
		linger:  batchLinger,
		tasks:   make(map[string]*taskReports),
		signal:  make(chan struct{}, 1),
	}
}

// start runs workers senders until ctx is done.
func (q *reportQueue) start(ctx context.Context, workers int) {
	for range max(workers, 1) {
		go q.work(ctx)
	}
}

// task queues a task state change.
func (q *reportQueue) task(change TaskChange) {
	q.add(change.Request.Task, pendingReport{task: &change})
}

// container queues a container state change.
func (q *reportQueue) container(change ecsmodel.SubmitContainerStateChangeRequest) {
	q.add(change.Task, pendingReport{container: &change})
}

func (q *reportQueue) add(arn string, r pendingReport) {
	q.mu.Lock()
	tr := q.tasks[arn]
	if tr == nil {
		tr = &taskReports{}
		q.tasks[arn] = tr
	}
	from := 0
	if tr.busy {
		from = 1 // the head is on the wire
	}
	tr.items = append(tr.items[:from], coalesce(tr.items[from:], r)...)
	if !tr.busy && !tr.listed {
		tr.listed = true
		q.ready = append(q.ready, arn)
	}
	q.mu.Unlock()
	q.poke()
}

func (q *reportQueue) poke() {
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

// coalesce appends r to the waiting reports of one task, merging where it
// loses nothing.
func coalesce(waiting []pendingReport, r pendingReport) []pendingReport {
	if r.container != nil {
		// Replace a waiting change of the same container queued after the
		// last task change; the order of different containers' changes
		// does not matter.
		for i := len(waiting) - 1; i >= 0 && waiting[i].task == nil; i-- {
			if waiting[i].container.ContainerName == r.container.ContainerName {
				waiting[i] = r
				return waiting
			}
		}
		return append(waiting, r)
	}
	// Fold waiting container changes into the task change, which then
	// reports each container at least as recently.
	kept := waiting[:0]
	var folded []ecsmodel.ContainerStateChange
	for _, w := range waiting {
		if w.container == nil {
			kept = append(kept, w)
			continue
		}
		folded = upsertContainer(folded, containerChangeOf(w.container))
	}
	change := r.task // the queue's own copy (see task), changed in place
	if folded == nil && distinctContainers(change.Request.Containers) {
		// Nothing to fold in: the change's own list stands, but for an
		// empty one, which folding leaves nil.
		if len(change.Request.Containers) == 0 {
			change.Request.Containers = nil
		}
	} else {
		for _, c := range change.Request.Containers {
			folded = upsertContainer(folded, c)
		}
		change.Request.Containers = folded
	}
	if n := len(kept); n > 0 {
		if last := kept[n-1].task; last != nil && last.Request.Status == change.Request.Status {
			kept[n-1] = pendingReport{task: mergeTaskChanges(last, change)}
			return kept
		}
	}
	return append(kept, pendingReport{task: change})
}

// distinctContainers reports whether no two entries of list are of the
// same container.
func distinctContainers(list []ecsmodel.ContainerStateChange) bool {
	for i := range list {
		for j := range i {
			if list[j].ContainerName == list[i].ContainerName {
				return false
			}
		}
	}
	return true
}

// mergeTaskChanges combines two waiting changes of the same status: newer
// wins, older fills what newer leaves empty.
func mergeTaskChanges(older, newer *TaskChange) *TaskChange {
	m := *newer
	req := &m.Request
	containers := append([]ecsmodel.ContainerStateChange(nil), older.Request.Containers...)
	for _, c := range newer.Request.Containers {
		containers = upsertContainer(containers, c)
	}
	req.Containers = containers
	if req.Reason == "" {
		req.Reason = older.Request.Reason
	}
	if m.StopCode == "" {
		m.StopCode = older.StopCode
	}
	for _, p := range []struct{ dst, src *ecsmodel.Time }{
		{&req.PullStartedAt, &older.Request.PullStartedAt},
		{&req.PullStoppedAt, &older.Request.PullStoppedAt},
		{&req.ExecutionStoppedAt, &older.Request.ExecutionStoppedAt},
	} {
		if p.dst.IsZero() {
			*p.dst = *p.src
		}
	}
	return &m
}

// upsertContainer replaces the entry of c's container in list, or appends c.
func upsertContainer(list []ecsmodel.ContainerStateChange, c ecsmodel.ContainerStateChange) []ecsmodel.ContainerStateChange {
	for i := range list {
		if list[i].ContainerName == c.ContainerName {
			list[i] = c
			return list
		}
	}
	return append(list, c)
}

func containerChangeOf(r *ecsmodel.SubmitContainerStateChangeRequest) ecsmodel.ContainerStateChange {
	return ecsmodel.ContainerStateChange{
		ContainerName:   r.ContainerName,
		ExitCode:        r.ExitCode,
		NetworkBindings: r.NetworkBindings,
		Reason:          r.Reason,
		RuntimeId:       r.RuntimeId,
		Status:          r.Status,
	}
}

// work sends reports until ctx is done: batches over the agent channel
// while it can carry them, else one report at a time through the Reporter.
func (q *reportQueue) work(ctx context.Context) {
	backoff := q.retry
	var linger agentrpc.Sleeper
	for {
		batch, ch, ok := q.take(ctx, &linger)
		if !ok {
			return
		}
		if ch == nil {
			q.send(ctx, batch[0].report)
			q.finish(batch[0].arn, true)
			continue
		}
		switch q.sendBatch(ctx, ch, batch) {
		case batchSent:
			backoff.Reset()
		case batchRetry:
			if !backoff.Sleep(ctx) {
				return
			}
		}
	}
}

// queued is a report taken from the queue, with its task.
type queued struct {
	arn    string
	report pendingReport
}

// take waits for tasks with a report to send and marks them busy: up to
// maxReportBatch of them (their oldest reports) with the channel to send
// them over, after the linger, or one when the channel cannot carry
// reports now.
func (q *reportQueue) take(ctx context.Context, linger *agentrpc.Sleeper) ([]queued, stateChannel, bool) {
	for {
		q.mu.Lock()
		if len(q.ready) > 0 {
			q.mu.Unlock()
			ch := q.usableChannel()
			n := 1
			if ch != nil {
				n = maxReportBatch
				if !linger.Sleep(ctx, q.linger) {
					return nil, nil, false
				}
			}
			q.mu.Lock()
			k := min(n, len(q.ready))
			out := make([]queued, k)
			for i, arn := range q.ready[:k] {
				tr := q.tasks[arn]
				tr.listed, tr.busy = false, true
				out[i] = queued{arn: arn, report: tr.items[0]}
			}
			clear(q.ready[:k])
			q.ready = q.ready[k:]
			more := len(q.ready) > 0
			q.mu.Unlock()
			if more {
				q.poke()
			}
			if k == 0 {
				continue // another worker took them meanwhile
			}
			return out, ch, true
		}
		q.mu.Unlock()
		select {
		case <-q.signal:
		case <-ctx.Done():
			return nil, nil, false
		}
	}
}

// finish ends the send of a task's oldest report: done drops it, else it
// waits to be sent again.
func (q *reportQueue) finish(arn string, done bool) {
	q.mu.Lock()
	tr := q.tasks[arn]
	tr.busy = false
	if done {
		clear(tr.items[:1])
		tr.items = tr.items[1:]
	}
	if len(tr.items) == 0 {
		delete(q.tasks, arn)
	} else {
		tr.listed = true
		q.ready = append(q.ready, arn)
	}
	q.mu.Unlock()
	q.poke()
}

// send delivers one report through the Reporter, retrying with backoff.
func (q *reportQueue) send(ctx context.Context, r pendingReport) {
	backoff := q.retry
	for {
		attempt, cancel := context.WithTimeout(ctx, q.timeout)
		var err error
		if r.task != nil {
			err = q.rep.SubmitTaskStateChange(attempt, *r.task)
		} else {
			err = q.rep.SubmitContainerStateChange(attempt, *r.container)
		}
		cancel()
		switch {
		case err == nil:
			return
		case errors.Is(err, ErrReportRejected):
			q.log.Warn("state change rejected; dropping it", "err", err)
			return
		case ctx.Err() != nil:
			return
		}
		q.log.Warn("state change not delivered; retrying", "err", err)
		if !backoff.Sleep(ctx) {
			return
		}
	}
}

// pending returns how many reports wait or are in flight, for tests.
func (q *reportQueue) pending() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, tr := range q.tasks {
		n += len(tr.items)
	}
	return n
}
