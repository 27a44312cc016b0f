package agent

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/buildinfo"
)

// Agent is berth's node agent: it registers the node as a container
// instance, keeps the agent channel to the control plane open and runs the
// tasks placed on the node.
type Agent struct {
	cfg    Config
	log    *slog.Logger
	api    ecsAPI
	rt     runtime.Runtime
	engine *Engine
	dialer *websocket.Dialer
	// startGate, when set, limits how many agents of a fleet register and
	// connect at once.
	startGate chan struct{}

	cpu, memMiB int32
	custom      []attribute

	mu          sync.Mutex
	instanceArn string
	session     *agentrpc.Session
}

// shared is what the agents of a fleet share; New uses fresh ones.
type shared struct {
	api           ecsAPI
	dialer        *websocket.Dialer
	reporter      Reporter // the fallback for reports, when the channel cannot carry them
	reportWorkers int
	startGate     chan struct{}
}

// New checks cfg, opens the runtime and prepares the agent; Run starts it.
func New(cfg Config) (*Agent, error) {
	return newAgent(cfg, nil)
}

func newAgent(cfg Config, sh *shared) (*Agent, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	custom, _ := parseAttributes(cfg.Attributes) // validated above
	cpu, mem, err := hostResources(cfg.CPU, cfg.MemoryMiB, memInfoPath)
	if err != nil {
		return nil, err
	}
	rt, err := openRuntime(cfg)
	if err != nil {
		return nil, err
	}
	a := &Agent{cfg: cfg, log: cfg.Logger, rt: rt, cpu: cpu, memMiB: mem, custom: custom}
	ecfg := EngineConfig{
		Runtime:     rt,
		Cluster:     cfg.Cluster,
		StopTimeout: cfg.StopTimeout,
		CleanupWait: cfg.CleanupWait,
		Logger:      cfg.Logger,
	}
	if sh != nil {
		a.api, a.dialer, a.startGate = sh.api, sh.dialer, sh.startGate
		ecfg.Reporter, ecfg.ReportWorkers = sh.reporter, sh.reportWorkers
	} else {
		httpClient := cfg.HTTPClient
		if httpClient == nil {
			httpClient = newHTTPClient(16)
		}
		a.api = newECSClient(cfg, httpClient)
		a.dialer = &websocket.Dialer{HandshakeTimeout: 10 * time.Second}
		ecfg.Reporter = sdkReporter{api: a.api}
	}
	if a.engine, err = NewEngine(ecfg); err != nil {
		return nil, err
	}
	return a, nil
}

// ContainerInstanceArn returns the registered container instance ARN, or ""
// before registration.
func (a *Agent) ContainerInstanceArn() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.instanceArn
}

// Connected reports whether the agent channel is up.
func (a *Agent) Connected() bool {
	a.mu.Lock()
	s := a.session
	a.mu.Unlock()
	return s != nil && s.Connected()
}

// ActiveTasks returns how many tasks the agent is managing.
func (a *Agent) ActiveTasks() int { return a.engine.ActiveTasks() }

// Run registers the instance, adopts the containers a previous run of the
// same container instance left (Engine.Adopt), connects the agent channel and runs tasks until ctx ends. Every step is
// retried with backoff while the control plane is unreachable. When ctx
// ends the tasks keep running in the runtime; a restarted agent adopts
// them. Run returns nil after a clean shutdown.
func (a *Agent) Run(ctx context.Context) error {
	a.engine.Start(ctx)
	defer a.engine.Wait()

	if !a.enterGate(ctx) {
		return nil
	}
	arn, ok := retry(ctx, a.log, "register container instance", func() (string, error) { return a.register(ctx) })
	if !ok {
		a.leaveGate()
		return nil
	}
	a.mu.Lock()
	a.instanceArn = arn
	a.mu.Unlock()
	if _, ok := retry(ctx, a.log, "list runtime containers", func() (struct{}, error) { return struct{}{}, a.engine.Adopt(ctx, arn) }); !ok {
		a.leaveGate()
		return nil
	}
	session, ok := retry(ctx, a.log, "connect the agent channel", func() (*agentrpc.Session, error) {
		endpoint, err := a.discover(ctx, arn)
		if err != nil {
			return nil, err
		}
		return agentrpc.Dial(ctx, agentrpc.ClientConfig{
			Endpoint:             endpoint,
			Cluster:              a.cfg.Cluster,
			ContainerInstanceArn: arn,
			AgentVersion:         buildinfo.Version,
			AccessKeyID:          a.cfg.AccessKeyID,
			SecretAccessKey:      a.cfg.SecretAccessKey,
			SessionToken:         a.cfg.SessionToken,
			Region:               a.cfg.Region,
			Handler:              a.engine.Apply,
			Logs:                 a.engine.Logs,
			Dialer:               a.dialer,
			Logger:               a.log,
		})
	})
	a.leaveGate()
	if !ok {
		return nil
	}
	a.mu.Lock()
	a.session = session
	a.mu.Unlock()
	a.engine.UseChannel(session)
	a.log.Info("agent running", "instance", arn, "runtime", a.rt.Name())
	<-ctx.Done()
	session.Close()
	return nil
}

func (a *Agent) enterGate(ctx context.Context) bool {
	if a.startGate == nil {
		return true
	}
	select {
	case a.startGate <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (a *Agent) leaveGate() {
	if a.startGate != nil {
		<-a.startGate
	}
}

// retry calls f until it succeeds or ctx ends, with exponential backoff
// and full jitter between attempts; ok is false when ctx ended.
func retry[T any](ctx context.Context, log *slog.Logger, what string, f func() (T, error)) (T, bool) {
	backoff := agentrpc.Backoff{Base: 500 * time.Millisecond, Max: 30 * time.Second}
	for {
		v, err := f()
		if err == nil {
			return v, true
		}
		if ctx.Err() != nil {
			var zero T
			return zero, false
		}
		log.Warn(what+" failed; retrying", "err", err)
		if !backoff.Sleep(ctx) {
			var zero T
			return zero, false
		}
	}
}
