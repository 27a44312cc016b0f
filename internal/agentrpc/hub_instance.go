package agentrpc

import (
	"sync"
	"time"

	"github.com/berth-io/berth/internal/ecs"
)

// instanceState is the Hub's record of one container instance: its payload
// sequence, the payloads not yet acked and its current connection.
type instanceState struct {
	arn     string
	cluster string // as first given; immutable

	// connMu orders connects and disconnects of the instance, so that the
	// ControlPlane.AgentConnected calls for it never overlap.
	connMu sync.Mutex

	mu    sync.Mutex // guards the fields below
	seq   int64      // SeqNum of the newest payload
	queue []*outbound
	conn  *hubConn
}

// maxMergedTasks bounds how many tasks queued payloads are merged into
// when they are first sent.
const maxMergedTasks = 512

// outbound is a payload waiting for its ack. It is built without a
// MessageID, SeqNum or encoding; claim gives it the first two when it is
// first due to be sent, and merges into it the payloads queued after it
// that have not been claimed either, so that an agent that is slow to
// read, or not connected, gets one message instead of many. It is encoded
// once, outside the instance lock, by whichever writer sends it first.
type outbound struct {
	snapshot bool
	tasks    []TaskPayload // owned by the outbound; never changed once claimed

	// Set by claim, under the instance lock.
	id  string
	seq int64

	sentAt time.Time // zero: not yet sent on the current connection

	once sync.Once
	data []byte // the encoded envelope, set by encoded
}

// newPayload builds a payload of tasks, which it takes ownership of.
func newPayload(tasks []TaskPayload, snapshot bool) *outbound {
	if tasks == nil {
		tasks = []TaskPayload{}
	}
	return &outbound{snapshot: snapshot, tasks: tasks}
}

// claim gives the unclaimed payload at s.queue[i] its MessageID and
// SeqNum, after merging into it the unclaimed ordinary payloads that
// follow it (up to maxMergedTasks tasks); the caller holds mu.
func (s *instanceState) claim(i int) {
	o := s.queue[i]
	if !o.snapshot {
		j, n := i+1, len(o.tasks)
		for j < len(s.queue) && s.queue[j].id == "" && !s.queue[j].snapshot && n+len(s.queue[j].tasks) <= maxMergedTasks {
			n += len(s.queue[j].tasks)
			j++
		}
		if j > i+1 {
			merged := make([]TaskPayload, 0, n)
			for _, m := range s.queue[i:j] {
				merged = append(merged, m.tasks...)
			}
			o.tasks = merged
			s.queue = append(s.queue[:i+1], s.queue[j:]...)
			clear(s.queue[len(s.queue) : len(s.queue)+j-i-1])
		}
	}
	s.seq++
	o.id, o.seq = ecs.NewUUID(), s.seq
}

// encoded returns the envelope of a claimed payload, encoding it on the
// first call.
func (o *outbound) encoded(cluster, instanceArn string) []byte {
	o.once.Do(func() {
		o.data = appendPayloadFrame(nil, &PayloadMessage{
			MessageID:            o.id,
			ClusterArn:           cluster,
			ContainerInstanceArn: instanceArn,
			SeqNum:               o.seq,
			Snapshot:             o.snapshot,
			Tasks:                o.tasks,
		})
	})
	return o.data
}

// push appends o and drops the oldest payloads beyond limit; the caller holds
// mu.
func (s *instanceState) push(o *outbound, limit int) {
	s.queue = append(s.queue, o)
	if over := len(s.queue) - limit; over > 0 {
		clear(s.queue[:over])
		s.queue = s.queue[over:]
	}
}

// enqueue queues a payload of tasks and returns the connection to poke, if
// any. When the instance has a connection and no payload before this one
// waits to be claimed (claimed payloads always precede unclaimed ones), it
// claims the payload at once and returns it, for the caller to encode
// before it pokes the connection: the caller's goroutine is a busy one,
// whose stack is already grown, where the connection's writer would grow
// its own for the encoding.
func (s *instanceState) enqueue(tasks []TaskPayload, limit int) (*hubConn, *outbound) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.push(newPayload(tasks, false), limit)
	if s.conn == nil || (len(s.queue) > 1 && s.queue[len(s.queue)-2].id == "") {
		return s.conn, nil
	}
	last := len(s.queue) - 1
	s.claim(last)
	return s.conn, s.queue[last]
}

// attach makes c the current connection and returns the one it replaces.
// floor is the SeqNum the agent expects next; the sequence is raised to
// meet it so that it keeps rising across server restarts. Every queued
// payload is marked unsent so that c sends it again, older snapshots are
// dropped, and when haveSnapshot is set a new snapshot of pending is queued.
func (s *instanceState) attach(c *hubConn, floor int64, pending []TaskPayload, haveSnapshot bool, limit int) *hubConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if floor-1 > s.seq {
		s.seq = floor - 1
	}
	kept := s.queue[:0]
	for _, o := range s.queue {
		if haveSnapshot && o.snapshot {
			continue
		}
		o.sentAt = time.Time{}
		kept = append(kept, o)
	}
	clear(s.queue[len(kept):])
	s.queue = kept
	if haveSnapshot {
		s.push(newPayload(pending, true), limit)
	}
	old := s.conn
	s.conn = c
	return old
}

// detach clears the current connection if it is c and reports whether it
// was.
func (s *instanceState) detach(c *hubConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != c {
		return false
	}
	s.conn = nil
	return true
}

func (s *instanceState) current() *hubConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn
}

func (s *instanceState) hasConn() bool { return s.current() != nil }

// due marks the payloads c should send now (never sent on this connection,
// or sent more than ackTimeout ago), claiming those never sent at all, and
// returns them in sequence order; the caller encodes them without the
// lock. It returns nothing when c is no longer current.
func (s *instanceState) due(c *hubConn, now time.Time, ackTimeout time.Duration) []*outbound {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != c {
		return nil
	}
	var out []*outbound
	for i := 0; i < len(s.queue); i++ {
		o := s.queue[i]
		if o.id == "" {
			s.claim(i)
		}
		if o.sentAt.IsZero() || now.Sub(o.sentAt) >= ackTimeout {
			o.sentAt = now
			out = append(out, o)
		}
	}
	return out
}

// ack drops the payload with the given id and reports whether it was queued.
func (s *instanceState) ack(id string) bool {
	if id == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, o := range s.queue {
		if o.id == id {
			copy(s.queue[i:], s.queue[i+1:])
			s.queue[len(s.queue)-1] = nil
			s.queue = s.queue[:len(s.queue)-1]
			return true
		}
	}
	return false
}
