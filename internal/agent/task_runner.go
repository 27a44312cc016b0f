package agent

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// Desired statuses as they travel in payloads.
const (
	desiredRunning = "RUNNING"
	desiredStopped = "STOPPED"
)

// taskRunner owns one task. Its goroutine (run) is the only writer of the
// task's known status and of its containers' state: it loops, each time
// taking the single next step from the known status toward the desired one
// (pull → create → start → RUNNING, or straight to stopping once the task
// should stop), then waits for a container exit or a new desired status.
// Other goroutines only post a newer payload (update) or a container's
// exit, and read nothing else.
//
// A runner with nothing to do (running, or waiting for a dependency)
// parks: its goroutine returns, and the next event starts a new one that
// goes on where it left off. A node running thousands of tasks thus keeps
// no goroutine per task.
type taskRunner struct {
	e   *Engine
	arn string

	// mailbox, guarded by mu
	mu         sync.Mutex
	version    int64              // newest version applied
	desired    string             // its desired status
	stepCancel context.CancelFunc // interrupts a pull when the task should stop
	wake       chan struct{}      // capacity 1
	parked     bool               // no goroutine runs the task; see park

	// Owned by the run goroutine.
	def           agentrpc.TaskPayload // the version the task was started from
	known         knownStatus
	containers    []*taskContainer
	exits         chan containerExit
	stopCode      string
	stopReason    string
	pullStartedAt time.Time
	pullStoppedAt time.Time
	stoppedAt     time.Time
}

// taskContainer is the run goroutine's view of one container of the task.
type taskContainer struct {
	def       *agentrpc.ContainerPayload
	spec      runtime.ContainerSpec
	essential bool
	id        string // runtime ID once created
	known     knownStatus
	started   bool // started by this runner or found running
	exit      *runtime.ExitResult
	reason    string
	bindings  []ecsmodel.NetworkBinding
}

// containerExit is what a container's Wait goroutine reports.
type containerExit struct {
	index  int
	result runtime.ExitResult
	err    error
}

// newTaskRunner returns the runner of task p; the caller holds e.mu.
func newTaskRunner(e *Engine, p agentrpc.TaskPayload) *taskRunner {
	r := &taskRunner{
		e:       e,
		arn:     p.Arn,
		version: p.Version,
		desired: p.DesiredStatus,
		wake:    make(chan struct{}, 1),
		def:     p,
		exits:   make(chan containerExit, len(p.Containers)),
	}
	for i := range p.Containers {
		c := &r.def.Containers[i]
		r.containers = append(r.containers, &taskContainer{
			def:       c,
			spec:      containerSpec(&r.def, c, e.owner, e.cfg.StopTimeout),
			essential: essential(c),
		})
	}
	return r
}

// log logs msg with the task's ARN when the engine's logger takes level;
// a disabled level costs no formatting.
func (r *taskRunner) log(level slog.Level, msg string, args ...any) {
	ctx := context.Background()
	if !r.e.log.Enabled(ctx, level) {
		return
	}
	r.e.log.Log(ctx, level, msg, append([]any{"task", r.arn}, args...)...)
}

// update posts a newer version of the task; older or equal versions are
// ignored, and a task that should stop is not asked to run again. The
// caller resumes the runner afterwards, without holding the engine's
// lock.
func (r *taskRunner) update(p agentrpc.TaskPayload) {
	r.mu.Lock()
	if p.Version <= r.version {
		r.mu.Unlock()
		return
	}
	if r.desired == desiredStopped {
		r.version = p.Version
		r.mu.Unlock()
		return
	}
	r.version, r.desired = p.Version, p.DesiredStatus
	if p.DesiredStatus == desiredStopped && r.stepCancel != nil {
		r.stepCancel()
	}
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// park ends the runner's goroutine when no event waits (wake or exits):
// it reports true, and the goroutine must return. An event posted after
// the check finds the runner parked and resumes it.
func (r *taskRunner) park() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.wake) > 0 || len(r.exits) > 0 {
		return false
	}
	r.parked = true
	return true
}

// resume starts a goroutine for a parked runner; events call it after
// posting themselves.
func (r *taskRunner) resume() {
	r.mu.Lock()
	parked := r.parked
	r.parked = false
	r.mu.Unlock()
	if parked && !r.e.restart(r) {
		r.mu.Lock()
		r.parked = true // the engine is shutting down
		r.mu.Unlock()
	}
}

// desiredStopped reports whether the control plane wants the task stopped.
func (r *taskRunner) desiredStopped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.desired == desiredStopped
}

// shouldStop reports whether the next step is stopping the task.
func (r *taskRunner) shouldStop() bool { return r.stopCode != "" || r.desiredStopped() }

// stepContext returns a context for a long step that ends as soon as the
// task should stop.
func (r *taskRunner) stepContext(ctx context.Context) (context.Context, context.CancelFunc) {
	sctx, cancel := context.WithCancel(ctx)
	r.mu.Lock()
	if r.desired == desiredStopped {
		cancel()
	}
	r.stepCancel = cancel
	r.mu.Unlock()
	return sctx, func() {
		r.mu.Lock()
		r.stepCancel = nil
		r.mu.Unlock()
		cancel()
	}
}

// run drives the task until it has stopped and been reported, until it
// parks, or until ctx ends (the agent is shutting down; the containers stay
// as they are and a restarted agent adopts them).
func (r *taskRunner) run(ctx context.Context, found []runtime.Found) {
	if len(found) > 0 {
		r.adopt(ctx, found)
	}
	r.loop(ctx)
}

// loop takes steps until the task has stopped, the runner parks or ctx
// ends.
func (r *taskRunner) loop(ctx context.Context) {
	for ctx.Err() == nil {
		r.drainExits()
		if r.known == statusStopped {
			r.e.scheduleCleanup(r.arn, r.containerIDs())
			r.e.runnerDone(r)
			return
		}
		if r.shouldStop() {
			r.stop(ctx)
			continue
		}
		switch r.known {
		case statusNone:
			r.pull(ctx)
		case statusPulled:
			r.create(ctx)
		case statusCreated:
			if !r.startReady(ctx) {
				if r.park() {
					r.e.runnerParked()
					return
				}
				r.waitEvent(ctx)
			}
		case statusRunning:
			if r.park() {
				r.e.runnerParked()
				return
			}
			r.waitEvent(ctx)
		}
	}
	r.e.runnerDone(r)
}

// waitEvent blocks until a container exits, the payload changes or ctx
// ends.
func (r *taskRunner) waitEvent(ctx context.Context) {
	select {
	case ex := <-r.exits:
		r.handleExit(ex)
	case <-r.wake:
	case <-ctx.Done():
	}
}

// drainExits handles the container exits that have already arrived.
func (r *taskRunner) drainExits() {
	for {
		select {
		case ex := <-r.exits:
			r.handleExit(ex)
		default:
			return
		}
	}
}

// watch arranges for container i's exit to be posted to the runner:
// through the runtime's callback when it has one, else from a goroutine
// blocked in Wait.
func (r *taskRunner) watch(ctx context.Context, i int) {
	id := r.containers[i].id
	post := func(res runtime.ExitResult, err error) {
		r.exits <- containerExit{index: i, result: res, err: err}
		r.resume()
	}
	if n, ok := r.e.rt.(runtime.ExitNotifier); ok {
		n.NotifyExit(id, post)
		return
	}
	go func() { post(r.e.rt.Wait(ctx, id)) }()
}

// handleExit records that a container has exited. An essential container
// that exits stops the task; a non-essential one is reported on its own.
func (r *taskRunner) handleExit(ex containerExit) {
	c := r.containers[ex.index]
	if c.known == statusStopped {
		return
	}
	if ex.err != nil {
		if ctxErr(ex.err) {
			return // the agent is shutting down
		}
		c.reason = truncate(ex.err.Error(), maxReasonLen)
	} else {
		res := ex.result
		c.exit = &res
		c.reason = truncate(res.Reason, maxReasonLen)
	}
	c.known = statusStopped
	r.log(slog.LevelInfo, "container exited", "container", c.def.Name, "exitCode", logExitCode(c), "essential", c.essential)
	switch {
	case c.essential:
		if r.stopCode == "" && !r.desiredStopped() {
			r.stopCode, r.stopReason = ecs.StopCodeEssentialContainerExited, ReasonEssentialContainerExited
		}
	case r.stopCode == "" && !r.desiredStopped():
		r.e.reports.container(r.containerReport(c))
	}
}

// fail stops the task because it could not start; err already carries the
// runtime's error name (CannotPullContainerError: ...) or gets kind's.
func (r *taskRunner) fail(kind runtime.ErrorName, err error) {
	reason := err.Error()
	if runtime.NameOf(err) == "" {
		reason = string(kind) + ": " + reason
	}
	r.log(slog.LevelWarn, "task failed to start", "reason", reason)
	if r.stopCode == "" {
		r.stopCode, r.stopReason = ecs.StopCodeTaskFailedToStart, truncate(reason, maxReasonLen)
	}
}

func (r *taskRunner) containerIDs() []string {
	var ids []string
	for _, c := range r.containers {
		if c.id != "" {
			ids = append(ids, c.id)
		}
	}
	return ids
}

func (r *taskRunner) byName(name string) *taskContainer {
	for _, c := range r.containers {
		if c.def.Name == name {
			return c
		}
	}
	return nil
}

func ctxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
