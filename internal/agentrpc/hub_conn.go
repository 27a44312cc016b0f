package agentrpc

import (
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/berth-io/berth/internal/ecs"
)

// hubConn is one agent websocket on the server side. The goroutine that
// runs serve reads; a writer goroutine it starts owns every write, so the
// websocket never sees two writers.
type hubConn struct {
	hub  *Hub
	inst *instanceState
	ws   *websocket.Conn

	kick chan struct{} // "payloads or control messages are queued", capacity 1
	done chan struct{} // closed by stop

	applying chan struct{}  // a slot per StateChangeRequest being applied
	applies  sync.WaitGroup // the goroutines applying them

	streams hubStreams // log streams open on this connection

	ctrlMu sync.Mutex
	ctrl   [][]byte // encoded control messages for the writer (logs)

	mu         sync.Mutex
	stopReason string
	stopped    bool
}

func newHubConn(h *Hub, inst *instanceState, ws *websocket.Conn) *hubConn {
	return &hubConn{hub: h, inst: inst, ws: ws, kick: make(chan struct{}, 1), done: make(chan struct{}),
		applying: make(chan struct{}, maxApplying)}
}

// poke wakes the writer to send queued payloads.
func (c *hubConn) poke() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// stop ends the connection. A non-empty reason is sent to the agent in a
// CloseMessage before the socket closes. Only the first call counts.
func (c *hubConn) stop(reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return
	}
	c.stopped, c.stopReason = true, reason
	close(c.done)
}

func (c *hubConn) reason() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stopReason
}

// serve runs the connection until it ends: it reads acks, heartbeat acks
// and state changes here and writes from a second goroutine, and returns
// once both have finished and the state changes read have been applied.
func (c *hubConn) serve() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.writeLoop()
	}()
	c.readLoop()
	wg.Wait()
	c.applies.Wait()
	c.streams.closeAll(ecs.Errorf(CodeTargetNotConnected, "the agent of container instance %s disconnected", c.inst.arn))
}

// writeLoop sends queued payloads when poked, heartbeats on a ticker and
// resends unacked payloads whose ack is overdue. When the connection stops
// it sends the CloseMessage, if there is a reason, and closes the socket,
// which also ends readLoop.
func (c *hubConn) writeLoop() {
	defer c.ws.Close()
	cfg := &c.hub.cfg
	heartbeat := time.NewTicker(cfg.HeartbeatInterval)
	defer heartbeat.Stop()
	resend := time.NewTicker(max(cfg.AckTimeout/2, time.Millisecond))
	defer resend.Stop()

	if !c.flush() {
		c.stop("")
		return
	}
	for {
		ok := true
		select {
		case <-c.done:
			if reason := c.reason(); reason != "" {
				c.send(TypeClose, CloseMessage{Message: reason})
				_ = c.ws.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
			}
			return
		case <-c.kick:
			ok = c.flush()
		case <-resend.C:
			ok = c.flush()
		case <-heartbeat.C:
			ok = c.send(TypeHeartbeat, HeartbeatMessage{MessageID: ecs.NewUUID(), Healthy: true})
		}
		if !ok {
			c.stop("")
			return
		}
	}
}

// flush writes the queued control messages and the payloads that are due;
// it reports false on a write error.
func (c *hubConn) flush() bool {
	for _, data := range c.takeControl() {
		if !c.write(data) {
			return false
		}
	}
	for _, o := range c.inst.due(c, time.Now(), c.hub.cfg.AckTimeout) {
		if !c.write(o.encoded(c.inst.cluster, c.inst.arn)) {
			return false
		}
	}
	return true
}

func (c *hubConn) send(typ string, msg any) bool {
	data, err := encodeEnvelope(typ, msg)
	if err != nil {
		c.hub.cfg.Logger.Error("encode message", "type", typ, "err", err)
		return true
	}
	return c.write(data)
}

func (c *hubConn) write(data []byte) bool {
	if err := c.ws.SetWriteDeadline(time.Now().Add(c.hub.cfg.WriteTimeout)); err != nil {
		return false
	}
	if err := c.ws.WriteMessage(websocket.TextMessage, data); err != nil {
		c.hub.cfg.Logger.Debug("write to agent", "instance", c.inst.arn, "err", err)
		return false
	}
	return true
}
