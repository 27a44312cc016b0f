package agentrpc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gorilla/websocket"

	"github.com/berth-io/berth/internal/ecs"
)

// Errors of SubmitStateChanges that say the changes were not sent: the
// caller sends them another way (the ECS API) or later.
var (
	// ErrNotConnected: the session has no live connection.
	ErrNotConnected = errors.New("agentrpc: not connected")
	// ErrStateChangesUnsupported: the server does not take state changes
	// over the channel.
	ErrStateChangesUnsupported = errors.New("agentrpc: the server does not take state changes over the channel")
)

// errConnectionLost fails the state changes in flight on a connection that
// ended before their ack; the server may or may not have applied them.
var errConnectionLost = errors.New("agentrpc: the connection ended before the state changes were acknowledged")

// stateReply is what the read loop hands a waiting SubmitStateChanges.
type stateReply struct {
	results []StateChangeResult
	err     error
}

// SupportsStateChanges reports whether the current connection's server
// takes StateChangeRequest.
func (s *Session) SupportsStateChanges() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ws != nil && s.stateChanges
}

// SubmitStateChanges sends changes in one StateChangeRequest on the current
// connection and waits for the server's results, one per change in order.
// It fails with ErrNotConnected or ErrStateChangesUnsupported, without
// sending anything, when the session cannot carry them; with another error
// (a lost connection, ctx) the server may have applied some or all of them,
// and sending them again is safe. It is safe for concurrent use.
func (s *Session) SubmitStateChanges(ctx context.Context, changes []StateChange) ([]StateChangeResult, error) {
	s.mu.Lock()
	ws, ok := s.ws, s.stateChanges
	if ws == nil {
		s.mu.Unlock()
		return nil, ErrNotConnected
	}
	if !ok {
		s.mu.Unlock()
		return nil, ErrStateChangesUnsupported
	}
	id := ecs.NewUUID()
	reply := make(chan stateReply, 1)
	s.waiting[id] = reply
	acks := s.takeAcks()
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.waiting, id)
		s.mu.Unlock()
	}()
	if err := s.writeStateChanges(ws, StateChangeRequest{MessageID: id, Changes: changes, Acks: acks}); err != nil {
		return nil, fmt.Errorf("agentrpc: send state changes: %w", err)
	}
	select {
	case r := <-reply:
		if r.err != nil {
			return nil, r.err
		}
		return fitResults(r.results, len(changes)), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fitResults makes results exactly n long: a missing result is a
// ServerException (the change is sent again), an extra one is dropped.
func fitResults(results []StateChangeResult, n int) []StateChangeResult {
	if len(results) == n {
		return results
	}
	out := make([]StateChangeResult, n)
	copy(out, results)
	for i := len(results); i < n; i++ {
		out[i] = StateChangeResult{Code: ecs.CodeServer, Message: "the server sent no result for this change"}
	}
	return out
}

// answer hands a reply to the SubmitStateChanges waiting for id, if any,
// and reports whether there was one.
func (s *Session) answer(id string, r stateReply) bool {
	s.mu.Lock()
	reply, ok := s.waiting[id]
	delete(s.waiting, id)
	s.mu.Unlock()
	if ok {
		reply <- r // buffered, and answered at most once
	}
	return ok
}

// handleStateAck delivers a StateChangeAck.
func (s *Session) handleStateAck(env Envelope) {
	ack, err := decodeStateAck(env)
	if err != nil {
		s.cfg.Logger.Warn("server sent a malformed state change ack", "err", err)
		return
	}
	s.answer(ack.MessageID, stateReply{results: ack.Results})
}

// attachConn makes ws the connection SubmitStateChanges writes to.
func (s *Session) attachConn(ws *websocket.Conn, stateChanges bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ws, s.stateChanges = ws, stateChanges
	s.connected = true
	s.connects++
}

// detachConn clears the connection, forgets the acks it owed (the server
// sends those payloads again) and fails the state changes waiting on it.
func (s *Session) detachConn() {
	s.mu.Lock()
	s.ws, s.connected = nil, false
	s.takeAcks()
	waiting := s.waiting
	s.waiting = make(map[string]chan stateReply)
	s.mu.Unlock()
	for _, reply := range waiting {
		reply <- stateReply{err: errConnectionLost}
	}
}

// deferAck queues the ack of payload id, received on ws, to go with the
// next StateChangeRequest, and reports whether it did: only when ws is
// the current connection and its server takes state changes.
func (s *Session) deferAck(ws *websocket.Conn, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ws != ws || !s.stateChanges {
		return false
	}
	s.acks = append(s.acks, id)
	if !s.ackArmed {
		s.ackArmed = true
		if s.ackTimer == nil {
			s.ackTimer = time.AfterFunc(s.cfg.AckDelay, s.flushAcks)
		} else {
			s.ackTimer.Reset(s.cfg.AckDelay)
		}
	}
	return true
}

// takeAcks returns and forgets the deferred acks; the caller holds mu.
func (s *Session) takeAcks() []string {
	if s.ackArmed {
		s.ackTimer.Stop()
		s.ackArmed = false
	}
	acks := s.acks
	s.acks = nil
	return acks
}

// flushAcks sends the deferred acks still waiting, all in one
// StateChangeRequest without changes (which the server does not answer).
// They were received on the current connection: detachConn forgets those
// of a connection that ends.
func (s *Session) flushAcks() {
	s.mu.Lock()
	ws := s.ws
	acks := s.takeAcks()
	s.mu.Unlock()
	if ws == nil || len(acks) == 0 {
		return
	}
	// An error ends the connection; the read loop sees it fail.
	_ = s.writeStateChanges(ws, StateChangeRequest{MessageID: ecs.NewUUID(), Acks: acks})
}
