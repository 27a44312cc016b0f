package agent

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/berth-io/berth/internal/agent/runtime/sim"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// FleetConfig configures a Fleet.
type FleetConfig struct {
	// Agents is how many container instances to run. Required, ≥ 1.
	Agents int
	// Zones are assigned round-robin as each agent's
	// ecs.availability-zone; empty leaves Base.AvailabilityZone.
	Zones []string
	// Base is every agent's configuration. Runtime is forced to sim; each
	// agent gets <Base.StateDir>/agent-<n> as its state directory. CPU
	// and MemoryMiB default to 4096 units and 16384 MiB per instance.
	Base Config
	// StartConcurrency is how many agents register and connect at once
	// (16).
	StartConcurrency int
	// ReportWorkers is how many state changes the fleet sends at once
	// through the ECS API, when the agent channels cannot carry them (16).
	// Over the channels each agent sends its own in batches.
	ReportWorkers int
}

// Fleet runs many agents with the sim runtime in one process, for load
// tests of the control plane. The agents share one HTTP client, one ECS
// client and one websocket dialer, and at most ReportWorkers of their
// reports use the ECS API at once; each has its own websocket (which
// carries its reports in batches when the server takes them), its own
// sim runtime and its own state directory, so a restarted fleet
// re-attaches to the same container instances.
type Fleet struct {
	cfg    FleetConfig
	agents []*Agent
}

// NewFleet prepares the agents of a fleet; Run starts them.
func NewFleet(cfg FleetConfig) (*Fleet, error) {
	if cfg.Agents < 1 {
		return nil, errors.New("agent: a fleet needs at least one agent")
	}
	if cfg.StartConcurrency <= 0 {
		cfg.StartConcurrency = 16
	}
	if cfg.ReportWorkers <= 0 {
		cfg.ReportWorkers = 16
	}
	base := cfg.Base
	base.Runtime = RuntimeSim
	if base.CPU == 0 {
		base.CPU = 4096
	}
	if base.MemoryMiB == 0 {
		base.MemoryMiB = 16384
	}
	if err := base.Validate(); err != nil {
		return nil, err
	}
	base = base.withDefaults()
	httpClient := base.HTTPClient
	if httpClient == nil {
		httpClient = newHTTPClient(max(cfg.StartConcurrency, cfg.ReportWorkers) * 2)
	}
	api := newECSClient(base, httpClient)
	sh := &shared{
		api:           api,
		dialer:        &websocket.Dialer{HandshakeTimeout: 10 * time.Second},
		reporter:      limitedReporter{rep: sdkReporter{api: api}, slots: make(chan struct{}, cfg.ReportWorkers)},
		reportWorkers: 1,
		startGate:     make(chan struct{}, cfg.StartConcurrency),
	}
	f := &Fleet{cfg: cfg}
	for i := range cfg.Agents {
		c := base
		c.StateDir = filepath.Join(base.StateDir, fmt.Sprintf("agent-%d", i))
		c.Logger = base.Logger.With("agent", i)
		if len(cfg.Zones) > 0 {
			c.AvailabilityZone = cfg.Zones[i%len(cfg.Zones)]
		}
		c.RuntimeInstance = sim.New(sim.Options{})
		a, err := newAgent(c, sh)
		if err != nil {
			return nil, fmt.Errorf("agent %d: %w", i, err)
		}
		f.agents = append(f.agents, a)
	}
	return f, nil
}

// Agents returns the fleet's agents, in order.
func (f *Fleet) Agents() []*Agent { return f.agents }

// Run runs every agent until ctx ends.
func (f *Fleet) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, a := range f.agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = a.Run(ctx) // Run only returns after ctx ends
		}()
	}
	wg.Wait()
	return nil
}

// Connected returns how many agents have their channel up.
func (f *Fleet) Connected() int {
	n := 0
	for _, a := range f.agents {
		if a.Connected() {
			n++
		}
	}
	return n
}

// limitedReporter lets at most cap(slots) reports through rep at once.
type limitedReporter struct {
	rep   Reporter
	slots chan struct{}
}

func (l limitedReporter) acquire(ctx context.Context) error {
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// SubmitTaskStateChange waits for a slot and sends through rep.
func (l limitedReporter) SubmitTaskStateChange(ctx context.Context, change TaskChange) error {
	if err := l.acquire(ctx); err != nil {
		return err
	}
	defer func() { <-l.slots }()
	return l.rep.SubmitTaskStateChange(ctx, change)
}

// SubmitContainerStateChange waits for a slot and sends through rep.
func (l limitedReporter) SubmitContainerStateChange(ctx context.Context, change ecsmodel.SubmitContainerStateChangeRequest) error {
	if err := l.acquire(ctx); err != nil {
		return err
	}
	defer func() { <-l.slots }()
	return l.rep.SubmitContainerStateChange(ctx, change)
}
