package reliability

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

const raceCluster = "race"

// raceFamilies compete for three instances of 1024 CPU and 2048 MiB: four
// race-cpu tasks fill an instance's CPU, two race-mem its memory, and the
// port families hold static host ports (race-pair and race-b both want
// TCP 9001).
func raceFamilies() []*ecs.RegisterTaskDefinitionInput {
	return []*ecs.RegisterTaskDefinitionInput{
		taskFamily("race-cpu", ctr("app", 256, 128, 0)),
		taskFamily("race-mem", ctr("app", 32, 700, 0)),
		taskFamily("race-web", ctr("app", 32, 32, 0, tcp(8080))),
		taskFamily("race-pair", ctr("a", 32, 32, 0, tcp(9000)), ctr("b", 32, 0, 32, tcp(9001))),
		taskFamily("race-b", ctr("app", 32, 32, 0, tcp(9001))),
		taskFamily("race-dns", ctr("app", 16, 16, 0, udp(53))),
		withTaskSize(taskFamily("race-sized", ctr("app", 0, 0, 0)), "128", "256"),
	}
}

// raceConfig sizes the race suite.
type raceConfig struct {
	workers, opsPerRound, rounds int
}

// raceCounts tallies what the workers did.
type raceCounts struct {
	runCalls, startCalls, stopCalls, launched atomic.Int64
	failures                                  sync.Map // reason → *atomic.Int64
}

func (c *raceCounts) fail(reason string) {
	v, _ := c.failures.LoadOrStore(reason, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

func (c *raceCounts) String() string {
	var fs []string
	c.failures.Range(func(k, v any) bool {
		fs = append(fs, fmt.Sprintf("%s=%d", k, v.(*atomic.Int64).Load()))
		return true
	})
	slices.Sort(fs)
	return fmt.Sprintf("%d RunTask, %d StartTask, %d StopTask calls; %d tasks launched; failures %v",
		c.runCalls.Load(), c.startCalls.Load(), c.stopCalls.Load(), c.launched.Load(), fs)
}

// TestRaceNoOvercommit runs rounds of concurrent RunTask, StartTask and
// StopTask calls from SDK clients against an in-process server whose
// three instances fit only a few tasks each. Every acknowledged launch is
// checked against the ledger (no instance overcommitted, no host port held
// twice, requested = tasks + failures); a sampler compares the served
// remainingResources with the ledger while calls are in flight; between
// rounds the books are checked exactly.
func TestRaceNoOvercommit(t *testing.T) {
	cfg := sized(raceConfig{workers: 24, opsPerRound: 8, rounds: 5}, raceConfig{workers: 48, opsPerRound: 12, rounds: 30})
	srv := startServer(t, t.TempDir(), "127.0.0.1:0")
	t.Cleanup(func() { _ = srv.Close() })
	admin := newClient(srv.URL)
	instances := setup(t, admin, raceCluster, raceFamilies(), 3, 1024, 2048)
	b, err := readBooks(admin, raceCluster)
	if err != nil {
		t.Fatal(err)
	}
	led := newRaceLedger(slices.Collect(maps.Values(b.instances)))
	defs := newDefCache()
	var counts raceCounts

	samplerDone := make(chan struct{})
	stopSampler := make(chan struct{})
	var samples int
	go func() {
		defer close(samplerDone)
		samples = sample(t, admin, led, instances, stopSampler)
	}()
	for round := range cfg.rounds {
		var wg sync.WaitGroup
		for w := range cfg.workers {
			client := newClient(srv.URL)
			rnd := rand.New(rand.NewPCG(uint64(round), uint64(w)))
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range cfg.opsPerRound {
					raceOp(t, client, rnd, led, defs, instances, &counts)
				}
			}()
		}
		wg.Wait()
		checkRaceRound(t, admin, defs, led, round)
		if t.Failed() {
			break
		}
	}
	close(stopSampler)
	<-samplerDone
	problems, checks := led.report()
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("%d workers x %d ops x %d rounds: %v; %d ledger checks, %d in-flight samples",
		cfg.workers, cfg.opsPerRound, cfg.rounds, &counts, checks, samples)
}

// raceOp makes one random call and records what it acknowledged.
func raceOp(t *testing.T, c *ecs.Client, rnd *rand.Rand, led *raceLedger, defs *defCache, instances []string, counts *raceCounts) {
	fams := raceFamilies()
	fam := aws.ToString(fams[rnd.IntN(len(fams))].Family)
	ctx, cancel := callCtx()
	defer cancel()
	switch n := rnd.IntN(20); {
	case n < 7:
		arn, ok := led.pickToStop(rnd)
		if !ok {
			return
		}
		counts.stopCalls.Add(1)
		out, err := c.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String(raceCluster), Task: aws.String(arn)})
		if err != nil {
			t.Errorf("StopTask(%s): %v", arn, err)
			return
		}
		if got := aws.ToString(out.Task.DesiredStatus); got != "STOPPED" {
			t.Errorf("StopTask(%s): got desired status %s, want STOPPED", arn, got)
		}
		led.stopped(arn)
	case n < 12:
		var on []string
		for range 1 + rnd.IntN(3) {
			on = append(on, instances[rnd.IntN(len(instances))])
		}
		counts.startCalls.Add(1)
		out, err := c.StartTask(ctx, &ecs.StartTaskInput{Cluster: aws.String(raceCluster), TaskDefinition: aws.String(fam), ContainerInstances: on})
		if err != nil {
			t.Errorf("StartTask(%s on %d instances): %v", fam, len(on), err)
			return
		}
		acknowledge(t, c, led, defs, counts, fmt.Sprintf("StartTask(%s)", fam), len(on), out.Tasks, out.Failures, on)
	default:
		count := 1 + rnd.IntN(4)
		counts.runCalls.Add(1)
		out, err := c.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String(raceCluster), TaskDefinition: aws.String(fam), Count: aws.Int32(int32(count))})
		if err != nil {
			t.Errorf("RunTask(%s, count %d): %v", fam, count, err)
			return
		}
		acknowledge(t, c, led, defs, counts, fmt.Sprintf("RunTask(%s)", fam), count, out.Tasks, out.Failures, instances)
	}
}

// acknowledge checks a launch's answer (requested = tasks + failures,
// resource failures only, tasks on allowed instances) and enters its
// tasks in the ledger.
func acknowledge(t *testing.T, c *ecs.Client, led *raceLedger, defs *defCache, counts *raceCounts,
	call string, requested int, tasks []types.Task, failures []types.Failure, allowed []string) {
	if got := len(tasks) + len(failures); got != requested {
		t.Errorf("%s: got %d tasks and %d failures, want %d together", call, len(tasks), len(failures), requested)
	}
	for _, f := range failures {
		reason := aws.ToString(f.Reason)
		counts.fail(reason)
		if !strings.HasPrefix(reason, "RESOURCE:") {
			t.Errorf("%s: got failure %s for %s, want only RESOURCE:* failures", call, reason, aws.ToString(f.Arn))
		}
	}
	entries := make([]*raceTask, 0, len(tasks))
	for _, task := range tasks {
		inst := aws.ToString(task.ContainerInstanceArn)
		if !slices.Contains(allowed, inst) {
			t.Errorf("%s: task %s placed on %s, want one of %v", call, aws.ToString(task.TaskArn), inst, allowed)
		}
		if d := aws.ToString(task.DesiredStatus); d != "RUNNING" {
			t.Errorf("%s: task %s launched with desired status %s, want RUNNING", call, aws.ToString(task.TaskArn), d)
		}
		res, err := defs.reservationOfTask(c, task)
		if err != nil {
			t.Errorf("%s: %v", call, err)
			continue
		}
		entries = append(entries, &raceTask{arn: aws.ToString(task.TaskArn), inst: inst, res: res})
	}
	counts.launched.Add(int64(len(entries)))
	led.launched(entries)
}

// checkRaceRound checks the books exactly while no call is in flight, and
// that the tasks desired RUNNING are exactly those the ledger has not
// seen stopped.
func checkRaceRound(t *testing.T, c *ecs.Client, defs *defCache, led *raceLedger, round int) {
	t.Helper()
	b, err := readBooks(c, raceCluster)
	if err != nil {
		t.Fatalf("round %d: %v", round, err)
	}
	problems, st := b.check(c, defs)
	for _, p := range problems {
		t.Errorf("round %d: %s", round, p)
	}
	live, stopped := led.expect()
	for arn, task := range b.tasks {
		d := aws.ToString(task.DesiredStatus)
		switch {
		case live[arn] && d != "RUNNING", stopped[arn] && d != "STOPPED":
			t.Errorf("round %d: task %s: got desired status %s, want %s", round, arn, d, map[bool]string{true: "RUNNING", false: "STOPPED"}[live[arn]])
		case !live[arn] && !stopped[arn]:
			t.Errorf("round %d: task %s exists but no call acknowledged it", round, arn)
		}
	}
	if len(b.tasks) != len(live)+len(stopped) {
		t.Errorf("round %d: got %d tasks, want %d (every acknowledged one)", round, len(b.tasks), len(live)+len(stopped))
	}
	t.Logf("round %d: books balance: %d live tasks (%d CPU, %d MiB) and %d stopped on %d instances",
		round, st.live, st.cpuUsed, st.memUsed, st.stopped, st.instances)
}

// sample compares the served remainingResources with the ledger until
// stop is closed, and returns how many samples it took: what a task
// surely live throughout a DescribeContainerInstances call reserves must
// be missing from the remaining CPU and MEMORY, and its host ports must
// be listed in the remaining PORTS.
func sample(t *testing.T, c *ecs.Client, led *raceLedger, instances []string, stop <-chan struct{}) int {
	n := 0
	for {
		select {
		case <-stop:
			return n
		default:
		}
		before := led.snapshotLive()
		ctx, cancel := callCtx()
		out, err := c.DescribeContainerInstances(ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String(raceCluster), ContainerInstances: instances})
		cancel()
		if err != nil {
			t.Errorf("sampler: DescribeContainerInstances: %v", err)
			return n
		}
		sure := led.sureSince(before)
		n++
		for _, ci := range out.ContainerInstances {
			arn := aws.ToString(ci.ContainerInstanceArn)
			reg, rem := resourcesByName(ci.RegisteredResources), resourcesByName(ci.RemainingResources)
			s := sure[arn]
			for _, r := range []struct {
				name string
				sure int64
			}{{"CPU", s.cpu}, {"MEMORY", s.mem}} {
				left, total := int64(rem[r.name].IntegerValue), int64(reg[r.name].IntegerValue)
				if left < 0 || left > total-r.sure {
					t.Errorf("sampler: instance %s: got %d %s remaining, want between 0 and %d (registered %d minus %d held by tasks surely live)",
						arn, left, r.name, total-r.sure, total, r.sure)
				}
			}
			for _, p := range []struct {
				name string
				held map[int32][]string
			}{{"PORTS", s.tcp}, {"PORTS_UDP", s.udp}} {
				listed := portSet(rem[p.name].StringSetValue)
				for port := range p.held {
					if !slices.Contains(listed, port) {
						t.Errorf("sampler: instance %s: remaining %s %v lacks port %d held by %v", arn, p.name, listed, port, p.held[port])
					}
				}
			}
		}
	}
}
