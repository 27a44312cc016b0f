package reliability

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/berth-io/berth/internal/server"
	"github.com/berth-io/berth/internal/sigv4"
)

const (
	faultCluster = "faults"
	faultFamily  = "fault-app"
)

// faultConfig sizes the agent-fault suite.
type faultConfig struct {
	cycles   int // times the fault list is run
	perPhase int // tasks launched while each fault happens
	workers  int
}

// plane is an in-process control plane that can be restarted on the same
// address and data dir, as a restart of `berth server` would be.
type plane struct {
	mu       sync.Mutex
	srv      *server.Server
	addr     string
	dataDir  string
	restarts int
}

func (p *plane) restart() error {
	p.mu.Lock()
	defer p.mu.Unlock()

	if err := p.srv.Close(); err != nil {
		return fmt.Errorf("close control plane: %w", err)
	}
	srv, err := server.Start(context.Background(), server.Config{
		Listen: p.addr, DataDir: p.dataDir, Region: testRegion, AccountID: testAccount,
		Credentials: sigv4.StaticCredentials{testKey: testSecret},
	})
	if err != nil {
		return fmt.Errorf("restart control plane on %s: %w", p.addr, err)
	}
	p.srv = srv
	p.restarts++
	return nil
}

func (p *plane) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.srv.Close()
}

// fault is one thing that goes wrong while tasks are being launched.
type fault struct {
	name string
	do   func(nodes []*simNode, p *plane) error
}

// down stops the agents of nodes, waits, and starts them again.
func down(wait time.Duration, idx ...int) func([]*simNode, *plane) error {
	return func(nodes []*simNode, _ *plane) error {
		var errs []error
		for _, i := range idx {
			errs = append(errs, nodes[i].stop())
		}
		time.Sleep(wait)
		for _, i := range idx {
			errs = append(errs, nodes[i].start())
		}
		return errors.Join(errs...)
	}
}

// faults is one cycle of the suite's faults.
var faults = []fault{
	{"kill agent 0, restart it 300ms later", down(300*time.Millisecond, 0)},
	{"bounce agent 1 (channel dropped and reopened at once)", down(0, 1)},
	{"restart the control plane under the agents", func(_ []*simNode, p *plane) error { return p.restart() }},
	{"kill agents 2 and 3, restart them 200ms later", down(200*time.Millisecond, 2, 3)},
	{"bounce agent 0 twice", func(n []*simNode, p *plane) error {
		return errors.Join(down(0, 0)(n, p), down(0, 0)(n, p))
	}},
	{"restart the control plane while agent 1 is down", func(n []*simNode, p *plane) error {
		return errors.Join(n[1].stop(), p.restart(), n[1].start())
	}},
}

// TestAgentFaultsRunTasksOnce launches tasks on four agents with sim
// runtimes while, phase by phase, agents are killed and restarted on the
// same state dir, bounced, and cut off by control-plane restarts. Every
// acknowledged task must end RUNNING (or STOPPED, when a StopTask asked
// for it) exactly once: one container per definition, in the runtime of
// its own instance only, with the runtime id DescribeTasks reports, and
// no description along the way may move backwards.
func TestAgentFaultsRunTasksOnce(t *testing.T) {
	cfg := sized(faultConfig{cycles: 1, perPhase: 40, workers: 6}, faultConfig{cycles: 5, perPhase: 60, workers: 8})
	faultRetries.Store(0)
	agentFailures.Store(0)
	p := &plane{dataDir: t.TempDir()}
	p.srv = startServer(t, p.dataDir, "127.0.0.1:0")
	p.addr = strings.TrimPrefix(p.srv.URL, "http://")
	t.Cleanup(p.close)
	admin := newClient(p.srv.URL)
	setup(t, admin, faultCluster, []*ecs.RegisterTaskDefinitionInput{
		taskFamily(faultFamily, ctr("app", 8, 16, 0), ctr("sidecar", 8, 0, 16)),
	}, 0, 0, 0)

	nodes := make([]*simNode, 4)
	for i := range nodes {
		nodes[i] = newSimNode(t, fmt.Sprintf("node-%d", i), p.srv.URL)
		if err := nodes[i].start(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, n := range nodes {
			_ = n.stop()
		}
	})

	led := newAckLedger()
	w := startWatcher(admin, led.arns)
	phase := 0
	for cycle := range cfg.cycles {
		for _, f := range faults {
			phase++
			begin := time.Now()
			var wg sync.WaitGroup
			var faultErr error
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(time.Duration(rand.IntN(30)) * time.Millisecond)
				faultErr = f.do(nodes, p)
			}()
			faultStorm(t, p.srv.URL, led, cfg, phase)
			wg.Wait()
			if faultErr != nil {
				t.Fatalf("cycle %d, %s: %v", cycle+1, f.name, faultErr)
			}
			t.Logf("phase %d: %s during %d launches: %d tasks acknowledged so far (%v)", phase, f.name, cfg.perPhase, led.tasks(), time.Since(begin).Round(time.Millisecond))
		}
	}
	settle(t, admin, led, 2*time.Minute)
	problems, passes, errs := w.finish()
	for _, pr := range problems {
		t.Error(pr)
	}
	r := verifyRunOnce(t, admin, led, nodes)
	t.Logf("%d phases, %d control-plane restarts, agent starts %v: %d tasks acknowledged (%d calls retried after no answer, %d tasks refused with AGENT), %d stopped; %d containers in the runtimes (%d of stopped tasks removed after an agent restart), %d watcher passes (%d failed during restarts)",
		phase, p.restarts, r.starts, r.tasks, faultRetries.Load(), agentFailures.Load(), r.stopped, r.containers, r.removed, passes, errs)
}

// faultStorm launches cfg.perPhase more tasks from cfg.workers clients,
// with RunTask count 1-3, and stops about one acknowledged task in six.
// Calls that fail without an answer (the control plane restarting) are
// retried, RunTask with the same clientToken.
func faultStorm(t *testing.T, url string, led *ackLedger, cfg faultConfig, phase int) {
	t.Helper()
	target := led.tasks() + cfg.perPhase
	var wg sync.WaitGroup
	for w := range cfg.workers {
		c := newClient(url)
		rnd := rand.New(rand.NewPCG(uint64(phase), uint64(w)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := 0; led.tasks() < target; seq++ {
				if rnd.IntN(6) == 0 {
					if arn, ok := led.pickToStop(rnd); ok {
						if err := untilAnswered(func(ctx context.Context) error {
							_, err := c.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String(faultCluster), Task: aws.String(arn)})
							return err
						}); err != nil {
							t.Errorf("StopTask(%s): %v", arn, err)
							return
						}
						led.stopped(arn)
					}
				}
				count := int32(1 + rnd.IntN(3))
				in := &ecs.RunTaskInput{Cluster: aws.String(faultCluster), TaskDefinition: aws.String(faultFamily), Count: aws.Int32(count),
					ClientToken: aws.String(fmt.Sprintf("p%d-w%d-%d", phase, w, seq))}
				var out *ecs.RunTaskOutput
				if err := untilAnswered(func(ctx context.Context) (err error) {
					out, err = c.RunTask(ctx, in)
					return err
				}); err != nil {
					t.Errorf("RunTask: %v", err)
					return
				}
				if len(out.Tasks)+len(out.Failures) != int(count) {
					t.Errorf("RunTask count %d: got %d tasks and %d failures, want %d together", count, len(out.Tasks), len(out.Failures), count)
				}
				for _, f := range out.Failures {
					// Right after a control-plane restart no agent is
					// connected until it has reconnected.
					if r := aws.ToString(f.Reason); r != "AGENT" {
						t.Errorf("RunTask: got failure %s for %s, want none but AGENT", r, aws.ToString(f.Arn))
					}
					agentFailures.Add(1)
				}
				if len(out.Tasks) == 0 {
					time.Sleep(20 * time.Millisecond) // no agent connected yet: let them reconnect
				}
				arns := make([]string, len(out.Tasks))
				for i, task := range out.Tasks {
					arns[i] = aws.ToString(task.TaskArn)
				}
				led.launched(faultFamily, arns)
			}
		}()
	}
	wg.Wait()
}
