package agentrpc

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/gorilla/websocket"

	"github.com/berth-io/berth/internal/ecs"
)

// maxAgentStreams is how many log streams one connection serves at once;
// requests beyond it are refused with LimitExceededException.
const maxAgentStreams = 64

// agentStreams serves the log requests of one connection, each on its own
// goroutine. They all end with the connection (closeAll).
type agentStreams struct {
	s      *Session
	ws     *websocket.Conn
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu   sync.Mutex
	byID map[string]*agentStream
}

// agentStream is the agent side of one log stream.
type agentStream struct {
	id     string
	cancel context.CancelFunc

	mu     sync.Mutex
	credit int           // chunks the agent may still send
	wake   chan struct{} // "credit arrived", capacity 1
}

func (s *Session) newAgentStreams(ctx context.Context, ws *websocket.Conn) *agentStreams {
	sctx, cancel := context.WithCancel(ctx)
	return &agentStreams{s: s, ws: ws, ctx: sctx, cancel: cancel, byID: make(map[string]*agentStream)}
}

// closeAll cancels every stream and waits for their goroutines.
func (a *agentStreams) closeAll() {
	a.cancel()
	a.wg.Wait()
}

// handle takes a LogsRequest, LogsCredit or LogsCancel from the server. It
// never blocks on a stream.
func (a *agentStreams) handle(env Envelope) {
	log := a.s.cfg.Logger
	switch env.Type {
	case TypeLogsRequest:
		var req LogsRequest
		if err := decodeMessage(env, &req); err != nil || req.RequestID == "" {
			log.Warn("server sent a malformed logs request", "err", err)
			return
		}
		a.open(req)
	case TypeLogsCredit:
		var c LogsCredit
		if err := decodeMessage(env, &c); err != nil {
			return
		}
		if st := a.get(c.RequestID); st != nil {
			st.grant(c.Chunks)
		}
	case TypeLogsCancel:
		var c LogsCancel
		if err := decodeMessage(env, &c); err != nil {
			return
		}
		if st := a.get(c.RequestID); st != nil {
			st.cancel()
		}
	}
}

func (a *agentStreams) get(id string) *agentStream {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.byID[id]
}

func (a *agentStreams) remove(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.byID, id)
}

// open starts serving req, unless it repeats a live request or the
// connection serves too many already.
func (a *agentStreams) open(req LogsRequest) {
	a.mu.Lock()
	if _, dup := a.byID[req.RequestID]; dup {
		a.mu.Unlock()
		return
	}
	if len(a.byID) >= maxAgentStreams {
		a.mu.Unlock()
		_ = a.send(errorChunk(req.RequestID, ecs.Errorf(ecs.CodeLimitExceeded,
			"the agent serves %d log streams already", maxAgentStreams)))
		return
	}
	ctx, cancel := context.WithCancel(a.ctx)
	st := &agentStream{id: req.RequestID, cancel: cancel, credit: max(req.Window, 1), wake: make(chan struct{}, 1)}
	a.byID[st.id] = st
	a.wg.Add(1)
	a.mu.Unlock()
	go a.run(ctx, st, req)
}

// run opens the logs and sends them chunk by chunk as credit allows, then
// the final chunk. A cancelled stream ends without one.
func (a *agentStreams) run(ctx context.Context, st *agentStream, req LogsRequest) {
	defer a.wg.Done()
	defer a.remove(st.id)
	defer st.cancel()

	if a.s.cfg.Logs == nil {
		_ = a.send(errorChunk(st.id, ecs.Errorf(ecs.CodeUnsupportedFeature, "this agent does not serve container logs")))
		return
	}
	rc, err := a.s.cfg.Logs(ctx, req)
	if err != nil {
		if ctx.Err() == nil {
			_ = a.send(errorChunk(st.id, err))
		}
		return
	}
	var once sync.Once
	closeRC := func() { once.Do(func() { _ = rc.Close() }) }
	defer closeRC()
	defer context.AfterFunc(ctx, closeRC)()

	if !st.take(ctx) || a.send(LogsChunk{RequestID: st.id}) != nil {
		return
	}
	buf := make([]byte, MaxLogsChunk)
	for {
		n, err := rc.Read(buf)
		eof := errors.Is(err, io.EOF)
		if n > 0 && !eof {
			if !st.take(ctx) || a.send(LogsChunk{RequestID: st.id, Data: buf[:n]}) != nil {
				return
			}
		}
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return
		case eof:
			_ = a.send(LogsChunk{RequestID: st.id, Data: buf[:n], EOF: true})
			return
		default:
			_ = a.send(errorChunk(st.id, err))
			return
		}
	}
}

func (a *agentStreams) send(ch LogsChunk) error {
	return a.s.writeJSON(a.ws, TypeLogsChunk, ch)
}

// errorChunk is the final chunk of a stream that failed with err.
func errorChunk(id string, err error) LogsChunk {
	var ee *ecs.Error
	if errors.As(err, &ee) {
		return LogsChunk{RequestID: id, Code: ee.Code, Error: ee.Message}
	}
	return LogsChunk{RequestID: id, Code: ecs.CodeServer, Error: err.Error()}
}

// grant adds credit from a LogsCredit.
func (st *agentStream) grant(chunks int) {
	if chunks <= 0 {
		return
	}
	st.mu.Lock()
	st.credit += chunks
	st.mu.Unlock()
	select {
	case st.wake <- struct{}{}:
	default:
	}
}

// take spends one credit, waiting for one if there is none; it reports
// false when ctx ends first.
func (st *agentStream) take(ctx context.Context) bool {
	for {
		st.mu.Lock()
		if st.credit > 0 {
			st.credit--
			st.mu.Unlock()
			return true
		}
		st.mu.Unlock()
		select {
		case <-st.wake:
		case <-ctx.Done():
			return false
		}
	}
}
