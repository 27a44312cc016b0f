package agentrpc

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/berth-io/berth/internal/ecs"
)

// Logs asks the agent of instanceArn for the output of a container of
// req.TaskArn and returns the stream once the agent has opened it. Only
// req.TaskArn, req.ContainerName and req.Follow are read from req; the Hub
// fills in the rest (cluster is passed on as req.ClusterArn).
//
// It fails with an *ecs.Error: CodeTargetNotConnected when the agent has no
// live connection, the agent's own error when it cannot open the logs
// (ResourceNotFoundException for a task or container it does not have), or
// ServerException when the agent does not answer within
// HubConfig.LogsOpenTimeout. It returns ctx.Err() when ctx ends first.
//
// The reader returns io.EOF when the stream has ended normally. It buffers
// at most HubConfig.LogsWindow chunks: the agent sends more only as they
// are read. When ctx ends the stream is cancelled and Read returns
// ctx.Err(); when the agent disconnects, Read returns what had arrived and
// then a CodeTargetNotConnected error. Close cancels the stream on the
// agent; the caller must call it. Read and Close may be called from
// different goroutines, Read from one at a time.
func (h *Hub) Logs(ctx context.Context, cluster, instanceArn string, req LogsRequest) (io.ReadCloser, error) {
	if req.TaskArn == "" {
		return nil, ecs.InvalidParameter("a task is required to read logs")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var c *hubConn
	if inst := h.lookup(instanceArn); inst != nil {
		c = inst.current()
	}
	if c == nil {
		return nil, notConnected(instanceArn)
	}
	req.RequestID = ecs.NewUUID()
	req.Window = h.cfg.LogsWindow
	if req.ClusterArn == "" {
		req.ClusterArn = cluster
	}
	s := newLogStream(c, req.RequestID, req.Window)
	if !c.streams.add(s) {
		return nil, notConnected(instanceArn)
	}
	timer := time.AfterFunc(h.cfg.LogsOpenTimeout, func() {
		s.abort(ecs.Errorf(ecs.CodeServer, "the agent of container instance %s did not answer the logs request within %s",
			instanceArn, h.cfg.LogsOpenTimeout))
	})
	s.stopCtx = context.AfterFunc(ctx, func() { s.abort(ctx.Err()) })
	c.sendControl(TypeLogsRequest, req)

	first, err := s.next()
	timer.Stop()
	if err != nil {
		s.Close()
		return nil, err
	}
	s.consume(first)
	if s.final != nil && s.final != io.EOF {
		err := s.final
		s.Close()
		return nil, err
	}
	return s, nil
}

func notConnected(instanceArn string) error {
	return ecs.Errorf(CodeTargetNotConnected, "the agent of container instance %s is not connected", instanceArn)
}

// hubStreams is the registry of the log streams open on one connection.
// A stream leaves it when its final chunk arrives or it is cancelled; once
// the connection has ended, closeAll has failed every stream and no new
// one is admitted.
type hubStreams struct {
	mu     sync.Mutex
	byID   map[string]*logStream
	closed bool
}

// add registers s; it reports false once the connection has ended.
func (r *hubStreams) add(s *logStream) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	if r.byID == nil {
		r.byID = make(map[string]*logStream)
	}
	r.byID[s.id] = s
	return true
}

func (r *hubStreams) get(id string) *logStream {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byID[id]
}

// remove unregisters id and reports whether it was registered.
func (r *hubStreams) remove(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.byID[id]
	delete(r.byID, id)
	return ok
}

// closeAll fails every registered stream with err and refuses new ones.
func (r *hubStreams) closeAll(err error) {
	r.mu.Lock()
	streams := r.byID
	r.byID, r.closed = nil, true
	r.mu.Unlock()
	for _, s := range streams {
		s.fail(err, false)
	}
}

// sendControl queues a server→agent message for the writer goroutine; it
// is dropped when the connection has stopped.
func (c *hubConn) sendControl(typ string, msg any) {
	data, err := encodeEnvelope(typ, msg)
	if err != nil {
		c.hub.cfg.Logger.Error("encode message", "type", typ, "err", err)
		return
	}
	c.queueControl(data)
}

// queueControl queues an encoded server→agent message for the writer
// goroutine and wakes it.
func (c *hubConn) queueControl(data []byte) {
	c.ctrlMu.Lock()
	c.ctrl = append(c.ctrl, data)
	c.ctrlMu.Unlock()
	c.poke()
}

// takeControl returns and clears the queued control messages.
func (c *hubConn) takeControl() [][]byte {
	c.ctrlMu.Lock()
	defer c.ctrlMu.Unlock()
	out := c.ctrl
	c.ctrl = nil
	return out
}

// deliverChunk hands a LogsChunk from the agent to its stream. A chunk for
// an unknown or cancelled stream is dropped; an agent that sends beyond
// the window has its stream failed and cancelled.
func (c *hubConn) deliverChunk(env Envelope) {
	var ch LogsChunk
	if err := decodeMessage(env, &ch); err != nil {
		c.hub.cfg.Logger.Warn("agent sent a malformed log chunk", "instance", c.inst.arn, "err", err)
		return
	}
	s := c.streams.get(ch.RequestID)
	if s == nil {
		return
	}
	if ch.final() {
		c.streams.remove(ch.RequestID)
	}
	if !s.push(ch) {
		c.hub.cfg.Logger.Warn("agent overran the log window", "instance", c.inst.arn, "requestId", ch.RequestID)
		s.abort(ecs.Errorf(ecs.CodeServer, "the agent of container instance %s sent more log data than it was allowed", c.inst.arn))
	}
}
