package agentrpc

import (
	"bytes"
	"time"

	"github.com/gorilla/websocket"
)

// readLoop reads until an error, a silence longer than the heartbeat
// timeout (up to its slack longer, see slackDeadline), or stop.
func (c *hubConn) readLoop() {
	defer c.stop("")
	log := c.hub.cfg.Logger
	deadline := newSlackDeadline(c.hub.cfg.HeartbeatTimeout)
	for {
		if at, moved := deadline.next(time.Now()); moved {
			if err := c.ws.SetReadDeadline(at); err != nil {
				return
			}
		}
		if err := c.readFrame(); err != nil {
			if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
				log.Warn("agent missed its heartbeats", "instance", c.inst.arn, "timeout", c.hub.cfg.HeartbeatTimeout)
			}
			return
		}
	}
}

// readFrame reads the next frame into a buffer of framePool, instead of
// a new one per frame (as ws.ReadMessage makes), and handles it; an error
// ends the connection. The buffer goes back to the pool once the frame is
// handled: nothing decoded from a frame refers to it (every string and
// byte slice the decoders fill is a copy).
func (c *hubConn) readFrame() error {
	kind, r, err := c.ws.NextReader()
	if err != nil {
		return err
	}
	buf := framePool.Get().(*bytes.Buffer)
	defer putFrame(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(r); err != nil {
		return err
	}
	if kind == websocket.TextMessage {
		c.dispatch(buf.Bytes())
	}
	return nil
}

// putFrame gives buf back to framePool unless it has grown too large to
// keep.
func putFrame(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledFrame {
		framePool.Put(buf)
	}
}

// dispatch handles one frame from the agent. It keeps nothing of data
// beyond the call.
func (c *hubConn) dispatch(data []byte) {
	log := c.hub.cfg.Logger
	env, err := decodeEnvelope(data)
	if err != nil {
		log.Warn("agent sent a malformed message", "instance", c.inst.arn, "err", err)
		return
	}
	switch env.Type {
	case TypeAck:
		ack, err := decodeAck(env)
		if err != nil {
			log.Warn("agent sent a malformed ack", "instance", c.inst.arn, "err", err)
			return
		}
		if !c.inst.ack(ack.MessageID) {
			log.Debug("ack for an unknown payload", "instance", c.inst.arn, "messageId", ack.MessageID)
		}
	case TypeHeartbeatAck:
		// Its arrival is all it says: readLoop keeps the deadline ahead.
	case TypeLogsChunk:
		c.deliverChunk(env)
	case TypeStateChange:
		c.handleStateChanges(env)
	default:
		log.Debug("agent sent an unknown message type", "instance", c.inst.arn, "type", env.Type)
	}
}
