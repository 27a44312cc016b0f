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

// outbound is a payload waiting for its ack.
type outbound struct {
	id       string
	snapshot bool
	data     []byte    // the encoded envelope
	sentAt   time.Time // zero: not yet sent on the current connection
}

// newPayload builds, encodes and returns the next payload; the caller holds
// mu.
func (s *instanceState) newPayload(tasks []TaskPayload, snapshot bool) *outbound {
	s.seq++
	if tasks == nil {
		tasks = []TaskPayload{}
	}
	msg := PayloadMessage{
		MessageID:            ecs.NewUUID(),
		ClusterArn:           s.cluster,
		ContainerInstanceArn: s.arn,
		SeqNum:               s.seq,
		Snapshot:             snapshot,
		Tasks:                tasks,
	}
	data, err := encodeEnvelope(TypePayload, msg)
	if err != nil {
		// TaskPayload holds only strings, numbers and model structs; a
		// failure here is a programming error.
		panic(err)
	}
	return &outbound{id: msg.MessageID, snapshot: snapshot, data: data}
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
// any.
func (s *instanceState) enqueue(tasks []TaskPayload, limit int) *hubConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.push(s.newPayload(tasks, false), limit)
	return s.conn
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
		s.push(s.newPayload(pending, true), limit)
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
// or sent more than ackTimeout ago) and returns their encodings in sequence
// order. It returns nothing when c is no longer current.
func (s *instanceState) due(c *hubConn, now time.Time, ackTimeout time.Duration) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != c {
		return nil
	}
	var out [][]byte
	for _, o := range s.queue {
		if o.sentAt.IsZero() || now.Sub(o.sentAt) >= ackTimeout {
			o.sentAt = now
			out = append(out, o.data)
		}
	}
	return out
}

// ack drops the payload with the given id and reports whether it was queued.
func (s *instanceState) ack(id string) bool {
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
