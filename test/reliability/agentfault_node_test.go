package reliability

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent"
	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/sim"
)

// simNode is one machine of the agent-fault suite: a state dir and a sim
// runtime that outlive the agent processes run on them, as a node's disk
// and its containers outlive a restart of `berth agent`.
type simNode struct {
	tb       testing.TB
	name     string
	endpoint string
	stateDir string
	rt       *sim.Runtime

	mu     sync.Mutex
	agent  *agent.Agent
	cancel context.CancelFunc
	done   chan error
	starts int
}

func newSimNode(tb testing.TB, name, endpoint string) *simNode {
	return &simNode{tb: tb, name: name, endpoint: endpoint, stateDir: filepath.Join(tb.TempDir(), name), rt: sim.New(sim.Options{})}
}

// start runs a new agent on the node (same state dir, same runtime) and
// waits until its channel is up.
func (n *simNode) start() error {
	a, err := agent.New(agent.Config{
		Endpoint: n.endpoint, Region: testRegion, AccessKeyID: testKey, SecretAccessKey: testSecret,
		Cluster: faultCluster, Runtime: agent.RuntimeSim, RuntimeInstance: n.rt, StateDir: n.stateDir,
		CPU: 32768, MemoryMiB: 65536, StopTimeout: 2 * time.Second,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return fmt.Errorf("%s: %w", n.name, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	n.mu.Lock()
	n.agent, n.cancel, n.done = a, cancel, done
	n.starts++
	n.mu.Unlock()
	deadline := time.Now().Add(time.Minute)
	for !a.Connected() {
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: the agent did not connect within a minute", n.name)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}

// stop cancels the agent's Run, as SIGTERM to `berth agent` would, and
// waits for it to return; the containers stay in the runtime.
func (n *simNode) stop() error {
	n.mu.Lock()
	cancel, done := n.cancel, n.done
	n.cancel, n.done = nil, nil
	n.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	if err := <-done; err != nil {
		return fmt.Errorf("%s: agent Run returned %v, want nil after a clean shutdown", n.name, err)
	}
	return nil
}

// current returns the running agent.
func (n *simNode) current() *agent.Agent {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.agent
}

// containers returns the runtime's containers by task ARN.
func (n *simNode) containers() map[string][]runtime.Found {
	found, err := n.rt.List(context.Background(), "")
	if err != nil {
		n.tb.Fatalf("%s: sim List: %v", n.name, err)
	}
	out := map[string][]runtime.Found{}
	for _, f := range found {
		out[f.TaskARN] = append(out[f.TaskARN], f)
	}
	return out
}
