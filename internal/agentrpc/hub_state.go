package agentrpc

import (
	"context"
	"net/http"
	"time"

	"github.com/berth-io/berth/internal/ecs"
)

// StateReceiver is implemented by a ControlPlane that takes the agents'
// state changes over the channel (StateChangeRequest). The Hub lists
// FeatureStateChanges in its upgrade responses only when its ControlPlane
// is one.
//
// ApplyStateChanges applies changes reported by the agent of instanceArn
// in cluster (as the connection named them) and returns one result per
// change, in order. The Hub calls it off the connection's read loop, for
// several connections at once, so it may wait for the store.
type StateReceiver interface {
	ApplyStateChanges(ctx context.Context, cluster, instanceArn string, changes []StateChange) []StateChangeResult
}

// Limits of the state changes one connection has in flight.
const (
	// maxApplying is how many StateChangeRequests of one connection are
	// applied at once; the read loop waits for a slot beyond it.
	maxApplying = 4
	// applyTimeout bounds one ApplyStateChanges call.
	applyTimeout = 30 * time.Second
)

// features returns the upgrade response header that lists what the Hub
// accepts beyond ACS, or nil.
func (h *Hub) features() http.Header {
	if h.receiver == nil {
		return nil
	}
	return http.Header{FeatureHeader: {FeatureStateChanges}}
}

// applyJob is one StateChangeRequest for the Hub's appliers.
type applyJob struct {
	c   *hubConn
	req StateChangeRequest
}

// startAppliers starts the goroutines that apply state changes. They live
// as long as the Hub, so that the deep calls into the control plane do not
// grow a fresh goroutine's stack for every request.
func (h *Hub) startAppliers() {
	if h.receiver == nil {
		return
	}
	h.applyJobs = make(chan applyJob)
	for range h.cfg.ApplyWorkers {
		h.appliers.Add(1)
		go func() {
			defer h.appliers.Done()
			for j := range h.applyJobs {
				j.c.apply(j.req)
			}
		}()
	}
}

// stopAppliers ends the appliers once no connection can queue a request.
func (h *Hub) stopAppliers() {
	if h.applyJobs != nil {
		close(h.applyJobs)
		h.appliers.Wait()
	}
}

// handleStateChanges takes the acks a StateChangeRequest carries and hands
// its changes to the appliers, which queue the StateChangeAck for the
// writer. The read loop waits while the connection has maxApplying
// requests in flight, or every applier is busy.
func (c *hubConn) handleStateChanges(env Envelope) {
	log := c.hub.cfg.Logger
	req, err := decodeStateChangeRequest(env)
	if err != nil || req.MessageID == "" {
		log.Warn("agent sent a malformed state change request", "instance", c.inst.arn, "err", err)
		return
	}
	for _, id := range req.Acks {
		if !c.inst.ack(id) {
			log.Debug("ack for an unknown payload", "instance", c.inst.arn, "messageId", id)
		}
	}
	if len(req.Changes) == 0 {
		return // only acks: nothing to apply or answer
	}
	if c.hub.receiver == nil {
		c.sendControl(TypeError, ErrorMessage{MessageID: req.MessageID, Code: ecs.CodeUnsupportedFeature,
			Message: "this server takes state changes only through SubmitTaskStateChange"})
		return
	}
	select {
	case c.applying <- struct{}{}:
	case <-c.done:
		return
	}
	c.applies.Add(1)
	select {
	case c.hub.applyJobs <- applyJob{c: c, req: req}:
	case <-c.done:
		<-c.applying
		c.applies.Done()
	}
}

// apply applies one request and queues its ack; an applier runs it.
func (c *hubConn) apply(req StateChangeRequest) {
	defer c.applies.Done()
	defer func() { <-c.applying }()
	ctx, cancel := context.WithTimeout(c.hub.ctx, applyTimeout)
	defer cancel()
	results := c.hub.receiver.ApplyStateChanges(ctx, c.inst.cluster, c.inst.arn, req.Changes)
	c.sendStateAck(req.MessageID, results)
}
