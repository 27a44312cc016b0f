package reliability

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// capacity is what an instance registered.
type capacity struct {
	cpu, mem int64
	tcp, udp []int32 // reserved ports
}

func capacityOf(ci types.ContainerInstance) capacity {
	reg := resourcesByName(ci.RegisteredResources)
	return capacity{
		cpu: int64(reg["CPU"].IntegerValue), mem: int64(reg["MEMORY"].IntegerValue),
		tcp: portSet(reg["PORTS"].StringSetValue), udp: portSet(reg["PORTS_UDP"].StringSetValue),
	}
}

// raceTask is a task the ledger knows from an acknowledged launch.
type raceTask struct {
	arn, inst     string
	res           reservation
	stopRequested bool // a StopTask for it has been sent (it may be free)
	stopAcked     bool
}

// raceLedger is built from acknowledged responses only. A task whose
// launch was acknowledged and whose stop nobody has asked for holds its
// reservation for sure, so the sum of those never exceeds an instance's
// capacity and they never share a host port, whatever is in flight. The
// ledger checks that on every acknowledged launch.
type raceLedger struct {
	mu        sync.Mutex
	capacity  map[string]capacity
	tasks     map[string]*raceTask
	stoppable pickSet // launched, no stop asked for
	problems  []string
	checks    int
}

func newRaceLedger(instances []types.ContainerInstance) *raceLedger {
	l := &raceLedger{capacity: map[string]capacity{}, tasks: map[string]*raceTask{}}
	for _, ci := range instances {
		l.capacity[aws.ToString(ci.ContainerInstanceArn)] = capacityOf(ci)
	}
	return l
}

// launched records acknowledged tasks with their reservations and checks
// the instances they landed on.
func (l *raceLedger) launched(tasks []*raceTask) {
	l.mu.Lock()
	defer l.mu.Unlock()
	touched := map[string]bool{}
	for _, t := range tasks {
		if _, dup := l.tasks[t.arn]; dup {
			l.problems = append(l.problems, fmt.Sprintf("task %s acknowledged twice", t.arn))
		}
		l.tasks[t.arn] = t
		l.stoppable.add(t.arn)
		touched[t.inst] = true
	}
	for inst := range touched {
		l.checks++
		l.problems = append(l.problems, l.checkInstance(inst, l.sureLive(inst, nil))...)
	}
}

// sureLive returns the tasks of inst that certainly hold their
// reservation: launched, not asked to stop, and (when among is not nil)
// in among. Called with l.mu held.
func (l *raceLedger) sureLive(inst string, among map[string]bool) []*raceTask {
	var out []*raceTask
	for _, t := range l.tasks {
		if t.inst == inst && !t.stopRequested && (among == nil || among[t.arn]) {
			out = append(out, t)
		}
	}
	return out
}

// checkInstance checks that tasks fit in inst's capacity without sharing
// a host port. Called with l.mu held.
func (l *raceLedger) checkInstance(inst string, tasks []*raceTask) []string {
	c, ok := l.capacity[inst]
	if !ok {
		return []string{fmt.Sprintf("a task was placed on unknown instance %s", inst)}
	}
	var problems []string
	u := sumOf(tasks)
	if u.cpu > c.cpu || u.mem > c.mem {
		problems = append(problems, fmt.Sprintf("instance %s overcommitted: %d tasks surely live reserve %d CPU and %d MiB of %d and %d",
			inst, len(tasks), u.cpu, u.mem, c.cpu, c.mem))
	}
	for _, p := range []struct {
		proto    string
		held     map[int32][]string
		reserved []int32
	}{{"tcp", u.tcp, c.tcp}, {"udp", u.udp, c.udp}} {
		for port, holders := range p.held {
			if len(holders) > 1 || slices.Contains(p.reserved, port) {
				problems = append(problems, fmt.Sprintf("instance %s: %s port %d held by %v (reserved: %v)", inst, p.proto, port, holders, slices.Contains(p.reserved, port)))
			}
		}
	}
	return problems
}

// ledgerSum is the total reservation of some tasks.
type ledgerSum struct {
	cpu, mem int64
	tcp, udp map[int32][]string // port → tasks holding it
}

func sumOf(tasks []*raceTask) ledgerSum {
	s := ledgerSum{tcp: map[int32][]string{}, udp: map[int32][]string{}}
	for _, t := range tasks {
		s.cpu += t.res.cpu
		s.mem += t.res.mem
		for _, p := range t.res.tcp {
			s.tcp[p] = append(s.tcp[p], t.arn)
		}
		for _, p := range t.res.udp {
			s.udp[p] = append(s.udp[p], t.arn)
		}
	}
	return s
}

// pickToStop marks a random task nobody has asked to stop as asked.
func (l *raceLedger) pickToStop(rnd *rand.Rand) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	arn, ok := l.stoppable.take(rnd)
	if ok {
		l.tasks[arn].stopRequested = true
	}
	return arn, ok
}

func (l *raceLedger) stopped(arn string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tasks[arn].stopAcked = true
}

// snapshotLive returns the ARNs of the tasks surely live now.
func (l *raceLedger) snapshotLive() map[string]bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	live := map[string]bool{}
	for arn, t := range l.tasks {
		if !t.stopRequested {
			live[arn] = true
		}
	}
	return live
}

// sureSince sums, per instance, the tasks of before that are still surely
// live: they held their reservation for the whole time since before was
// taken.
func (l *raceLedger) sureSince(before map[string]bool) map[string]ledgerSum {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]ledgerSum{}
	for inst := range l.capacity {
		out[inst] = sumOf(l.sureLive(inst, before))
	}
	return out
}

// report returns the problems found so far and how many checks ran.
func (l *raceLedger) report() ([]string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.problems), l.checks
}

// expectLive returns the ARNs the ledger says are live (not stopped by an
// acknowledged StopTask) and stopped.
func (l *raceLedger) expect() (live, stopped map[string]bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	live, stopped = map[string]bool{}, map[string]bool{}
	for arn, t := range l.tasks {
		if t.stopAcked {
			stopped[arn] = true
		} else {
			live[arn] = true
		}
	}
	return live, stopped
}
