package agent

import (
	"context"
	"errors"
	"log/slog"
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
	// ReportWorkers is how many tasks' reports are sent at once (4).
	ReportWorkers int
	// Logger; nil means slog.Default().
	Logger *slog.Logger

	// reports, when set, is a queue shared with other engines (fleet);
	// its workers are started by its owner.
	reports *reportQueue
}

// Engine is the agent's task engine: it keeps one taskRunner goroutine per
// task it has been given, adopts the containers a previous agent process
// left behind, and sends the runners' state changes through a report queue.
type Engine struct {
	cfg     EngineConfig
	rt      runtime.Runtime
	log     *slog.Logger
	reports *reportQueue
	ownQ    bool

	mu        sync.Mutex
	ctx       context.Context
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
	if cfg.Reporter == nil && cfg.reports == nil {
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
		reports:  cfg.reports,
		tasks:    make(map[string]*taskRunner),
		finished: make(map[string]time.Time),
	}
	if e.reports == nil {
		e.reports, e.ownQ = newReportQueue(cfg.Reporter, cfg.Logger), true
	}
	return e, nil
}

// Start lets the engine run tasks until ctx ends. When ctx ends the task
// goroutines return and leave their containers as they are.
func (e *Engine) Start(ctx context.Context) {
	e.mu.Lock()
	e.ctx = ctx
	e.mu.Unlock()
	if e.ownQ {
		e.reports.start(ctx, e.cfg.ReportWorkers)
	}
}

// Wait blocks until every task goroutine has returned (after the Start
// context has ended).
func (e *Engine) Wait() { e.wg.Wait() }

// Adopt lists the runtime's containers so that tasks the control plane
// still wants take them over instead of starting new ones. Call it before
// the first Apply. Containers of tasks that the first snapshot does not
// list are stopped and removed.
func (e *Engine) Adopt(ctx context.Context) error {
	found, err := e.rt.List(ctx, "")
	if err != nil {
		return err
	}
	byTask := make(map[string][]runtime.Found)
	for _, f := range found {
		byTask[f.TaskARN] = append(byTask[f.TaskARN], f)
	}
	e.mu.Lock()
	e.adoptable = byTask
	e.mu.Unlock()
	e.log.Info("containers found for adoption", "containers", len(found), "tasks", len(byTask))
	return nil
}

// Apply hands a delivery from the control plane to the task runners: a
// new task gets a runner, a known one gets the newer payload. It does not
// block on the runtime. It is an agentrpc.Handler.
func (e *Engine) Apply(_ context.Context, d agentrpc.Delivery) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ctx == nil {
		return errors.New("agent: engine not started")
	}
	if e.ctx.Err() != nil {
		return e.ctx.Err()
	}
	for _, p := range d.Tasks {
		if r := e.tasks[p.Arn]; r != nil {
			r.update(p)
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
			e.log.Info("removing containers of a task the control plane no longer has", "task", arn)
			e.wg.Add(1)
			go e.removeOrphans(e.ctx, found)
		}
		e.adoptable = nil
	}
	return nil
}

// runnerDone is called by a runner's goroutine as it returns.
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
	if len(ids) == 0 {
		return
	}
	e.mu.Lock()
	ctx := e.ctx
	e.mu.Unlock()
	time.AfterFunc(e.cfg.CleanupWait, func() {
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

// removeOrphans stops and removes containers no task wants.
func (e *Engine) removeOrphans(ctx context.Context, found []runtime.Found) {
	defer e.wg.Done()
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
}

// ActiveTasks returns how many tasks have a running goroutine.
func (e *Engine) ActiveTasks() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.tasks)
}
