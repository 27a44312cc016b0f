package reliability

import (
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

const crashCluster = "crash"

// crashFamilies are the task definitions of the crash storm: plain tasks,
// two-container tasks with a soft memory limit, a task-level size, and
// tasks holding a static TCP or UDP host port (one per instance).
func crashFamilies() []*ecs.RegisterTaskDefinitionInput {
	return []*ecs.RegisterTaskDefinitionInput{
		taskFamily("crash-small", ctr("app", 4, 8, 0)),
		taskFamily("crash-pair", ctr("web", 2, 4, 0), ctr("sidecar", 2, 0, 6)),
		withTaskSize(taskFamily("crash-sized", ctr("app", 0, 0, 0)), "128", "128"),
		taskFamily("crash-port-a", ctr("app", 1, 2, 0, tcp(8080))),
		taskFamily("crash-port-b", ctr("app", 1, 2, 0, tcp(8081), tcp(8082))),
		taskFamily("crash-dns", ctr("app", 1, 2, 0, udp(53))),
	}
}

// crashWeights picks the families of crashFamilies: the port families,
// which fill up after one task per instance, less often.
var crashWeights = []int{0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 5}

// portFamily reports whether a family holds host ports, so that RunTask
// may refuse it once every instance holds them.
func portFamily(f string) bool { return strings.Contains(f, "port") || strings.Contains(f, "dns") }

// crashConfig sizes the crash suite.
type crashConfig struct {
	clients   int
	killAfter []int // one round per entry
	instances int
}

// TestCrashKeepsAcknowledged runs rounds of: a RunTask/StopTask storm from
// concurrent SDK clients against `berth server` (a subprocess, fsync on),
// SIGKILL after killAfter acknowledged RunTasks, a restart on the same
// data dir, and a check that every acknowledged task is there, whole and
// in the desired status it was acknowledged with, and that the books of
// every instance balance.
func TestCrashKeepsAcknowledged(t *testing.T) {
	cfg := sized(
		crashConfig{clients: 12, killAfter: []int{25, 70, 140}, instances: 4},
		crashConfig{clients: 32, killAfter: []int{5, 40, 90, 150, 220, 300, 380, 460, 550, 650, 760, 900}, instances: 4},
	)
	bin := berthBinary(t)
	dataDir := t.TempDir()
	p := startProc(t, bin, dataDir)
	setup(t, newClient(p.url), crashCluster, crashFamilies(), cfg.instances, 131072, 262144)

	led := newAckLedger()
	defs := newDefCache()
	for i, killAfter := range cfg.killAfter {
		r := crashStorm(t, p, led, cfg.clients, killAfter, uint64(i))
		p = startProc(t, bin, dataDir)
		c := newClient(p.url)
		verifyAfterCrash(t, c, defs, led, &r)
		t.Logf("round %d: SIGKILL after %d acknowledged RunTasks: %d calls acknowledged (%d tasks, %d refused for ports), %d stops; %d calls cut off; after restart %d of %d acknowledged tasks found, %d unacknowledged extra; %d live, %d stopped",
			i+1, r.killAfter, r.runCalls, r.tasksAcked, r.portFailures, r.stopsAcked, r.cutOff, r.found, r.acked, r.extra, r.live, r.stopped)
		if t.Failed() {
			t.Fatalf("round %d failed; berth server stderr:\n%s", i+1, p.stderr)
		}
	}
	if err := p.stop(); err != nil {
		t.Errorf("berth server after SIGINT: %v\n%s", err, p.stderr)
	}
}

// crashStorm runs the storm of one round against p until it has killed p.
func crashStorm(t *testing.T, p *serverProc, led *ackLedger, clients, killAfter int, seed uint64) crashRound {
	t.Helper()
	r := crashRound{killAfter: killAfter}
	fams := crashFamilies()
	var (
		killing              atomic.Bool
		runCalls, tasksAcked atomic.Int64
		portFailures, stops  atomic.Int64
		cutOff               atomic.Int64
		wg                   sync.WaitGroup
	)
	kill := func() {
		if killing.CompareAndSwap(false, true) {
			if err := p.kill(); err != nil {
				t.Errorf("SIGKILL: %v", err)
			}
		}
	}
	// failed handles a call's error, after which the client stops: expected
	// once the kill has begun, a failure before.
	failed := func(what string, err error) {
		if killing.Load() {
			cutOff.Add(1)
			return
		}
		t.Errorf("%s before the kill: %v", what, err)
		kill()
	}
	for w := range clients {
		client := newClient(p.url)
		rnd := rand.New(rand.NewPCG(seed, uint64(w)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !killing.Load() {
				if rnd.IntN(8) == 0 {
					arn, ok := led.pickToStop(rnd)
					if !ok {
						continue
					}
					ctx, cancel := callCtx()
					_, err := client.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String(crashCluster), Task: aws.String(arn)})
					cancel()
					if err != nil {
						failed("StopTask", err)
						return
					}
					led.stopped(arn)
					stops.Add(1)
					continue
				}
				fam := aws.ToString(fams[crashWeights[rnd.IntN(len(crashWeights))]].Family)
				count := int32(1 + rnd.IntN(3))
				ctx, cancel := callCtx()
				out, err := client.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String(crashCluster), TaskDefinition: aws.String(fam), Count: aws.Int32(count)})
				cancel()
				if err != nil {
					failed("RunTask", err)
					return
				}
				arns := make([]string, len(out.Tasks))
				for i, task := range out.Tasks {
					arns[i] = aws.ToString(task.TaskArn)
				}
				led.launched(fam, arns)
				tasksAcked.Add(int64(len(arns)))
				if int(count) != len(out.Tasks)+len(out.Failures) {
					t.Errorf("RunTask %s count %d: got %d tasks and %d failures, want them to add up", fam, count, len(out.Tasks), len(out.Failures))
				}
				for _, f := range out.Failures {
					if !portFamily(fam) || !strings.HasPrefix(aws.ToString(f.Reason), "RESOURCE:PORTS") {
						t.Errorf("RunTask %s: got failure %s (%s), want none but RESOURCE:PORTS* for a port family", fam, aws.ToString(f.Reason), aws.ToString(f.Arn))
					}
					portFailures.Add(1)
				}
				if int(runCalls.Add(1)) == killAfter {
					kill()
				}
			}
		}()
	}
	wg.Wait()
	if !killing.Load() {
		t.Fatalf("the storm ended without a kill")
	}
	r.runCalls, r.tasksAcked = int(runCalls.Load()), int(tasksAcked.Load())
	r.portFailures, r.stopsAcked, r.cutOff = int(portFailures.Load()), int(stops.Load()), int(cutOff.Load())
	return r
}

// verifyAfterCrash checks the restarted server against the ledger and the
// books, filling in r's findings.
func verifyAfterCrash(t *testing.T, c *ecs.Client, defs *defCache, led *ackLedger, r *crashRound) {
	t.Helper()
	b, err := readBooks(c, crashCluster)
	if err != nil {
		t.Fatalf("after restart: %v", err)
	}
	problems, st := b.check(c, defs)
	for _, p := range problems {
		t.Errorf("after restart: %s", p)
	}
	r.live, r.stopped = st.live, st.stopped
	for _, ci := range b.instances {
		if aws.ToString(ci.Status) != "ACTIVE" {
			t.Errorf("instance %s: got status %s after restart, want ACTIVE", aws.ToString(ci.ContainerInstanceArn), aws.ToString(ci.Status))
		}
	}

	led.mu.Lock()
	defer led.mu.Unlock()
	r.acked = len(led.family)
	for arn, fam := range led.family {
		task, ok := b.tasks[arn]
		if !ok {
			t.Errorf("acknowledged task %s (%s) is lost after the restart", arn, fam)
			continue
		}
		r.found++
		if got := aws.ToString(task.TaskDefinitionArn); !strings.Contains(got, ":task-definition/"+fam+":") {
			t.Errorf("task %s: got task definition %s, want family %s", arn, got, fam)
		}
		desired := aws.ToString(task.DesiredStatus)
		switch {
		case led.stopAcked[arn] && desired != "STOPPED":
			t.Errorf("task %s: got desired status %s after an acknowledged StopTask, want STOPPED", arn, desired)
		case !led.stopRequested[arn] && desired != "RUNNING":
			t.Errorf("task %s: got desired status %s, want RUNNING (no one stopped it)", arn, desired)
		}
	}
	for arn, task := range b.tasks {
		if _, ok := led.family[arn]; ok || led.unacked[arn] {
			continue
		}
		// A RunTask whose answer the kill cut off may have committed.
		led.unacked[arn] = true
		r.extra++
		if aws.ToString(task.DesiredStatus) != "RUNNING" {
			t.Errorf("unacknowledged task %s: got desired status %s, want RUNNING (no one could stop it)", arn, aws.ToString(task.DesiredStatus))
		}
	}
	if r.found != r.acked {
		t.Errorf("acknowledged tasks found after restart: got %d, want %d", r.found, r.acked)
	}
}

// crashRound is what one round of the crash suite did and found.
type crashRound struct {
	killAfter     int // acknowledged RunTask calls before SIGKILL
	runCalls      int // RunTask calls acknowledged in the round
	tasksAcked    int // tasks those calls returned
	portFailures  int // tasks refused for want of a host port
	stopsAcked    int
	cutOff        int // calls that failed because of the kill
	found         int // acknowledged tasks (all rounds) found after the restart
	acked         int // acknowledged tasks, all rounds
	extra         int // tasks found that no client was told about (cut-off answers)
	live, stopped int
}
