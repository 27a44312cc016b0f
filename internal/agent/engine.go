package agent

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agentrpc"
)

// EngineConfig configures an Engine. Runtime and Reporter are required.
type EngineConfig struct {
	Runtime  runtime.Runtime
	Reporter Reporter
	// Cluster is put in every report (cluster ARN or name).
	Cluster string
	// StopTimeout is the grace period between SIGTERM and SIGKILL for
	// containers whose definition and task set none (30 s).
	StopTimeout time.Duration
	// CleanupWait is how long a stopped task's containers are kept before
	// they are removed (1 h).
	CleanupWait time.Duration
	// ReportWorkers is how many tasks' reports are sent at once through
	// the Reporter, or how many batches over the agent channel (4).
	ReportWorkers int
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// Engine is the agent's task engine: it keeps one taskRunner per task it
// has been given (with a goroutine while the runner has work), adopts the
// containers a previous agent process of the same container instance left
// behind, and sends the runners' state changes through a report queue. It
// only ever touches containers labelled with its own container instance
// (see Adopt).
type Engine struct {
	cfg     EngineConfig
	rt      runtime.Runtime
	log     *slog.Logger
	reports *reportQueue

	mu        sync.Mutex
	ctx       context.Context
	cancel    context.CancelFunc // ends ctx; the Start context ending does too
	owner     string             // the container instance ARN given to Adopt
	closing   bool               // Wait was called: no runner goroutine may start
	parked    int                // runners without a goroutine
	tasks     map[string]*taskRunner
	finished  map[string]time.Time       // stopped task ARN → when it stopped
	adoptable map[string][]runtime.Found // by task ARN; nil once the first snapshot is in
	wg        sync.WaitGroup
}

// tombstoneTTL is how long a stopped task's ARN is remembered, so that a
// late payload for it does not start it again.
const tombstoneTTL = 3 * time.Hour

// NewEngine returns an engine; call Start before Apply.
func NewEngine(cfg EngineConfig) (*Engine, error) {
	if cfg.Runtime == nil {
		return nil, errors.New("agent: EngineConfig.Runtime is required")
	}
	if cfg.Reporter == nil {
		return nil, errors.New("agent: EngineConfig.Reporter is required")
	}
	if cfg.StopTimeout <= 0 {
		cfg.StopTimeout = runtime.DefaultStopTimeout
	}
	if cfg.CleanupWait <= 0 {
		cfg.CleanupWait = time.Hour
	}
	if cfg.ReportWorkers <= 0 {
		cfg.ReportWorkers = 4
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	e := &Engine{
		cfg:      cfg,
		rt:       cfg.Runtime,
		log:      cfg.Logger,
		tasks:    make(map[string]*taskRunner),
		finished: make(map[string]time.Time),
	}
	e.reports = newReportQueue(cfg.Reporter, cfg.Logger)
	return e, nil
}

// Start lets the engine run tasks until ctx ends. When ctx ends the task
// goroutines return and leave their containers as they are.
func (e *Engine) Start(ctx context.Context) {
	// The contexts of the engine's goroutines hang from one of its own,
	// not from ctx, which the engines of a fleet all share.
	ctx, cancel := context.WithCancel(ctx)
	e.mu.Lock()
	e.ctx, e.cancel = ctx, cancel
	e.mu.Unlock()
	e.reports.start(ctx, e.cfg.ReportWorkers)
}

// UseChannel makes the engine send its state changes over the agent
// channel, in batches, whenever ch's connection is up and its server takes
// them (agentrpc.FeatureStateChanges); the Reporter carries them
// otherwise.
func (e *Engine) UseChannel(ch *agentrpc.Session) { e.reports.useChannel(ch) }

// Wait blocks until every task goroutine has returned (after the Start
// context has ended).
func (e *Engine) Wait() {
	e.mu.Lock()
	e.closing = true
	cancel := e.cancel
	e.mu.Unlock()
	e.wg.Wait()
	if cancel != nil {
		cancel()
	}
}

// Adopt makes instanceARN, the container instance the agent registered
// as, the owner of the engine: every container the engine creates carries
// it (runtime.ContainerSpec.Owner), and the engine only ever adopts, stops
// or removes containers that carry it. Adopt then lists the runtime's
// containers owned by instanceARN so that tasks the control plane still
// wants take them over instead of starting new ones; those of tasks that
// the first snapshot does not list are retired (see retireOrphans).
//
// Containers of other owners are left alone: another agent's on the same
// runtime (two agents on one Docker daemon), and those without an owner.
// So are this node's own containers from before a change of its instance
// ARN (the agent lost its state directory, or its instance was
// deregistered, and it registered anew): they carry the old ARN, so the
// new instance neither adopts, stops, removes nor serves the logs of them,
// and they stay until an operator removes them (with docker, by the label
// runtime.LabelOwner).
//
// Call Adopt once, after Start and before the first Apply; Apply refuses
// deliveries until it has succeeded.
func (e *Engine) Adopt(ctx context.Context, instanceARN string) error {
	if instanceARN == "" {
		return errors.New("agent: Adopt needs the container instance ARN")
	}
	found, err := e.rt.List(ctx, "")
	if err != nil {
		return err
	}
	byTask := make(map[string][]runtime.Found)
	own := 0
	for _, f := range found {
		if f.Owner != instanceARN {
			continue
		}
		byTask[f.TaskARN] = append(byTask[f.TaskARN], f)
		own++
	}
	e.mu.Lock()
	e.owner = instanceARN
	e.adoptable = byTask
	e.mu.Unlock()
	e.log.Info("containers found for adoption", "containers", own, "tasks", len(byTask),
		"left to other owners", len(found)-own)
	return nil
}

// owns reports whether f is one of the engine's containers.
func (e *Engine) owns(f runtime.Found) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.owner != "" && f.Owner == e.owner
}

// Apply hands a delivery from the control plane to the task runners: a
// new task gets a runner, a known one gets the newer payload. It does not
// block on the runtime. It is an agentrpc.Handler.
func (e *Engine) Apply(_ context.Context, d agentrpc.Delivery) error {
	updated, err := e.apply(d)
	for _, r := range updated {
		r.resume()
	}
	return err
}

// apply does Apply's work under the lock and returns the runners that got
// a newer payload, to be resumed if parked.
func (e *Engine) apply(d agentrpc.Delivery) ([]*taskRunner, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ctx == nil {
		return nil, errors.New("agent: engine not started")
	}
	if e.ctx.Err() != nil {
		return nil, e.ctx.Err()
	}
	if e.closing {
		return nil, errors.New("agent: engine stopped")
	}
	if e.owner == "" {
		return nil, errors.New("agent: engine has no owner yet (Adopt first)")
	}
	var updated []*taskRunner
	for _, p := range d.Tasks {
		if r := e.tasks[p.Arn]; r != nil {
			r.update(p)
			updated = append(updated, r)
			continue
		}
		if _, done := e.finished[p.Arn]; done {
			continue
		}
		r := newTaskRunner(e, p)
		found := e.adoptable[p.Arn]
		delete(e.adoptable, p.Arn)
		e.tasks[p.Arn] = r
		e.wg.Add(1)
		go r.run(e.ctx, found)
	}
	if d.Snapshot && e.adoptable != nil {
		for arn, found := range e.adoptable {
			e.wg.Add(1)
			go e.retireOrphans(e.ctx, arn, found)
		}
		e.adoptable = nil
	}
	return updated, nil
}

// runnerParked is called by a runner's goroutine as it returns to park.
func (e *Engine) runnerParked() {
	e.mu.Lock()
	e.parked++
	e.mu.Unlock()
	e.wg.Done()
}

// restart starts a goroutine for a parked runner, unless the engine is
// shutting down; it reports whether it did.
func (e *Engine) restart(r *taskRunner) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing || e.ctx.Err() != nil {
		return false
	}
	e.parked--
	e.wg.Add(1)
	go r.loop(e.ctx)
	return true
}

// runnerDone is called by a runner's goroutine as it returns for good:
// the task has stopped, or the engine is shutting down.
func (e *Engine) runnerDone(r *taskRunner) {
	defer e.wg.Done()
	e.mu.Lock()
	defer e.mu.Unlock()
	if r.known != statusStopped {
		delete(e.tasks, r.arn) // shutting down
		return
	}
	delete(e.tasks, r.arn)
	now := time.Now()
	e.finished[r.arn] = now
	for arn, at := range e.finished {
		if now.Sub(at) > tombstoneTTL {
			delete(e.finished, arn)
		}
	}
}

// scheduleCleanup removes a stopped task's containers after CleanupWait,
// unless the engine stops first.
func (e *Engine) scheduleCleanup(arn string, ids []string) {
	e.removeAt(arn, ids, time.Now().Add(e.cfg.CleanupWait))
}

// removeAt removes a stopped task's containers at the given time (at once
// when it has passed), unless the engine stops first.
func (e *Engine) removeAt(arn string, ids []string, at time.Time) {
	if len(ids) == 0 {
		return
	}
	e.mu.Lock()
	ctx := e.ctx
	e.mu.Unlock()
	time.AfterFunc(max(time.Until(at), 0), func() {
		if ctx.Err() != nil {
			return
		}
		for _, id := range ids {
			if err := e.rt.Remove(ctx, id); err != nil && !errors.Is(err, runtime.ErrNotFound) {
				e.log.Warn("remove container of stopped task", "task", arn, "id", id, "err", err)
			}
		}
	})
}

// retireOrphans handles the engine's own containers (Adopt keeps to
// them), found at start-up, of a task that the first snapshot does not
// list. When none of them runs, the task stopped before the restart: like
// those of a task that stops while the agent runs, its containers (and
// their logs) are kept until CleanupWait after it stopped, which is when
// its last container exited as the runtime recorded it (or now, when the
// runtime knows no exit time).
// Containers of a task that still runs although the control plane has
// forgotten it are stopped and removed at once.
func (e *Engine) retireOrphans(ctx context.Context, arn string, found []runtime.Found) {
	defer e.wg.Done()
	running := slices.ContainsFunc(found, func(f runtime.Found) bool { return f.Status == runtime.StatusRunning })
	if running {
		e.log.Info("removing containers of a task the control plane no longer has", "task", arn)
		for _, f := range found {
			if f.Status == runtime.StatusRunning {
				if err := e.rt.Stop(ctx, f.ID, e.cfg.StopTimeout); err != nil {
					e.log.Warn("stop orphaned container", "id", f.ID, "err", err)
				}
			}
			if err := e.rt.Remove(ctx, f.ID); err != nil {
				e.log.Warn("remove orphaned container", "id", f.ID, "err", err)
			}
		}
		return
	}
	var stoppedAt time.Time
	ids := make([]string, 0, len(found))
	for _, f := range found {
		ids = append(ids, f.ID)
		if st, err := e.rt.Inspect(ctx, f.ID); err == nil && st.FinishedAt.After(stoppedAt) {
			stoppedAt = st.FinishedAt
		}
	}
	if stoppedAt.IsZero() {
		stoppedAt = time.Now()
	}
	e.mu.Lock()
	e.finished[arn] = stoppedAt // a late payload must not start it again
	e.mu.Unlock()
	e.log.Info("keeping the containers of a task stopped before the restart", "task", arn, "until", stoppedAt.Add(e.cfg.CleanupWait))
	e.removeAt(arn, ids, stoppedAt.Add(e.cfg.CleanupWait))
}

// ActiveTasks returns how many tasks the engine runs (their runners may be
// parked).
func (e *Engine) ActiveTasks() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.tasks)
}

// parkedRunners returns how many runners have no goroutine, for tests.
func (e *Engine) parkedRunners() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.parked
}
