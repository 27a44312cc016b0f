package reliability

import (
	"math/rand/v2"
	"slices"
	"sync"
)

// ackLedger is what the clients of a storm were told: the tasks RunTask
// acknowledged, the stops StopTask acknowledged, and the stops that were
// asked for (acknowledged or not, as a fault may have cut the answer off).
type ackLedger struct {
	mu            sync.Mutex
	family        map[string]string // acknowledged task ARN → family
	order         []string          // acknowledged ARNs, in order
	stopRequested map[string]bool
	stopAcked     map[string]bool
	unacked       map[string]bool // found after a restart without an acknowledgment
	stoppable     pickSet         // acknowledged, no stop asked for
}

func newAckLedger() *ackLedger {
	return &ackLedger{
		family:        map[string]string{},
		stopRequested: map[string]bool{},
		stopAcked:     map[string]bool{},
		unacked:       map[string]bool{},
	}
}

// launched records the tasks of an acknowledged RunTask.
func (l *ackLedger) launched(family string, arns []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range arns {
		l.family[a] = family
		l.order = append(l.order, a)
		l.stoppable.add(a)
	}
}

// pickToStop chooses an acknowledged task no one has asked to stop and
// marks it as asked; ok is false when there is none.
func (l *ackLedger) pickToStop(rnd *rand.Rand) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, ok := l.stoppable.take(rnd)
	if ok {
		l.stopRequested[a] = true
	}
	return a, ok
}

// stopped records an acknowledged StopTask.
func (l *ackLedger) stopped(arn string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopAcked[arn] = true
}

// tasks returns how many tasks were acknowledged.
func (l *ackLedger) tasks() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.family)
}

// arns returns the acknowledged task ARNs, in order.
func (l *ackLedger) arns() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.order)
}

// wantStopped reports whether a stop was asked for arn.
func (l *ackLedger) wantStopped(arn string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stopRequested[arn]
}

// pickSet is a set of ARNs to draw from at random, each at most once.
type pickSet struct {
	arns []string
	at   map[string]int
}

func (s *pickSet) add(arn string) {
	if s.at == nil {
		s.at = map[string]int{}
	}
	if _, ok := s.at[arn]; ok {
		return
	}
	s.at[arn] = len(s.arns)
	s.arns = append(s.arns, arn)
}

// take removes and returns a random member; ok is false when empty.
func (s *pickSet) take(rnd *rand.Rand) (string, bool) {
	if len(s.arns) == 0 {
		return "", false
	}
	i := rnd.IntN(len(s.arns))
	arn := s.arns[i]
	last := len(s.arns) - 1
	s.arns[i] = s.arns[last]
	s.at[s.arns[i]] = i
	s.arns = s.arns[:last]
	delete(s.at, arn)
	return arn, true
}
