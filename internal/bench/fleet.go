package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/berth-io/berth/internal/agent"
	"github.com/berth-io/berth/internal/clientconfig"
)

// fleetZones are the availability zone suffixes --fleet's instances take
// round-robin, after the region: us-east-1a, us-east-1b, us-east-1c.
var fleetZones = []string{"a", "b", "c"}

// fleetRunner runs --fleet's simulated instances in this process: an
// agent.Fleet of sim-runtime agents that register with the endpoint under
// test, keep the agent channel open and move the tasks placed on them to
// RUNNING (and report them STOPPED when stopped), as `berth fleet` does.
type fleetRunner struct {
	fleet    *agent.Fleet
	size     int
	stateDir string    // temporary; removed by stop
	status   io.Writer // progress lines; io.Discard with --quiet

	cancel context.CancelFunc // nil until start
	done   chan struct{}      // closed when Fleet.Run has returned
}

// newFleet prepares the fleet of opts (opts.region resolved): opts.instances
// agents in opts.cluster at opts.endpoint, signing with the key pair the
// clients sign with (creds), each registering instanceCPU units and
// instanceMemoryMiB like the instances setup registers itself, in a
// temporary state directory. Agent warnings go to stderr. Run it with
// start; stop it (and remove the directory) with stop.
func newFleet(ctx context.Context, opts options, creds aws.CredentialsProvider, stderr io.Writer) (*fleetRunner, error) {
	pair, err := clientconfig.Retrieve(ctx, creds)
	if err != nil {
		return nil, fmt.Errorf("setup: credentials for the fleet: %w", err)
	}
	dir, err := os.MkdirTemp("", "berth-bench-fleet-")
	if err != nil {
		return nil, fmt.Errorf("setup: fleet state directory: %w", err)
	}
	zones := make([]string, len(fleetZones))
	for i, z := range fleetZones {
		zones[i] = opts.region + z
	}
	fleet, err := agent.NewFleet(agent.FleetConfig{
		Agents: opts.instances,
		Zones:  zones,
		Base: agent.Config{
			Endpoint:        opts.endpoint,
			Region:          opts.region,
			AccessKeyID:     pair.AccessKeyID,
			SecretAccessKey: pair.SecretAccessKey,
			SessionToken:    pair.SessionToken,
			Cluster:         opts.cluster,
			StateDir:        dir,
			CPU:             instanceCPU,
			MemoryMiB:       instanceMemoryMiB,
			Logger:          slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		},
	})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("setup: fleet: %w", err)
	}
	status := stderr
	if opts.quiet {
		status = io.Discard
	}
	return &fleetRunner{fleet: fleet, size: opts.instances, stateDir: dir, status: status}, nil
}

// run starts the fleet's agents; they run until stop. The fleet's context
// is ctx's, so an interrupted bench stops it too.
func (f *fleetRunner) run(ctx context.Context) {
	ctx, f.cancel = context.WithCancel(ctx)
	f.done = make(chan struct{})
	go func() {
		defer close(f.done)
		_ = f.fleet.Run(ctx) // returns nil once ctx ends
	}()
}

// stop ends the agents, waits for them to return and removes the state
// directory. Calling it again, or before run, only removes the directory.
func (f *fleetRunner) stop() {
	if f.cancel != nil {
		f.cancel()
		<-f.done
		f.cancel = nil
	}
	_ = os.RemoveAll(f.stateDir)
}

// arns returns the container instance ARNs the agents registered, in
// order; "" for an agent not registered yet.
func (f *fleetRunner) arns() []string {
	agents := f.fleet.Agents()
	out := make([]string, len(agents))
	for i, a := range agents {
		out[i] = a.ContainerInstanceArn()
	}
	return out
}

// finish ends a run with a fleet: it waits until the tasks on the fleet's
// instances have left PENDING (see settle), then stops the fleet. runEnd
// is when the last measured call returned. Without a fleet (f nil) it
// does nothing and returns nil.
func (f *fleetRunner) finish(ctx context.Context, api ecsAPI, fx *fixture, runEnd time.Time) *FleetResult {
	if f == nil {
		return nil
	}
	r := f.settle(ctx, api, fx.cluster, fx.instances, runEnd)
	f.stop()
	return &r
}
