package agentrpc

import (
	"errors"
	"io"
	"sync"

	"github.com/berth-io/berth/internal/ecs"
)

// errStreamClosed is what Read returns after Close.
var errStreamClosed = errors.New("agentrpc: log stream closed")

// logStream is the server side of one log stream, the io.ReadCloser that
// Hub.Logs returns. The connection's read goroutine pushes chunks into a
// channel sized to the window, so it never blocks on a slow reader; Read
// takes them out and credits them back to the agent.
type logStream struct {
	c      *hubConn
	id     string
	window int
	ch     chan LogsChunk // capacity window+1: the window plus the final chunk, never full
	done   chan struct{}  // closed by fail

	mu       sync.Mutex
	err      error // why the stream ended before its final chunk
	hard     bool  // err goes before the chunks still buffered
	finished bool
	received int // chunks without EOF or Error received
	credited int // chunks credited back, the window not included

	// Owned by the reader (Hub.Logs, then Read).
	cur     []byte
	final   error // io.EOF or the agent's error, once the final chunk is read
	credit  int   // chunks read and not yet credited
	stopCtx func() bool

	closeOnce sync.Once
}

func newLogStream(c *hubConn, id string, window int) *logStream {
	return &logStream{c: c, id: id, window: window, ch: make(chan LogsChunk, window+1), done: make(chan struct{})}
}

// push buffers a chunk from the agent without blocking; it reports false
// when the agent has sent more chunks than the window and the credits
// allow.
func (s *logStream) push(ch LogsChunk) bool {
	if !ch.final() {
		s.mu.Lock()
		over := s.received-s.credited >= s.window
		if !over {
			s.received++
		}
		s.mu.Unlock()
		if over {
			return false
		}
	}
	select {
	case s.ch <- ch:
		return true
	default:
		return false
	}
}

// fail ends the stream with err; only the first call counts. A hard end
// is seen by Read at once, a soft one (the agent went away) after the
// chunks that had already arrived.
func (s *logStream) fail(err error, hard bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finished {
		return
	}
	s.finished, s.err, s.hard = true, err, hard
	close(s.done)
}

// abort ends the stream at once with err and, unless its final chunk has
// already arrived, tells the agent to stop.
func (s *logStream) abort(err error) {
	if s.c.streams.remove(s.id) {
		s.c.sendControl(TypeLogsCancel, LogsCancel{RequestID: s.id})
	}
	s.fail(err, true)
}

// ended returns whether the stream has ended hard and why it has ended,
// if it has.
func (s *logStream) ended() (hard bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hard, s.err
}

// next returns the next chunk, or the error that ended the stream.
func (s *logStream) next() (LogsChunk, error) {
	if hard, err := s.ended(); hard {
		return LogsChunk{}, err
	}
	select {
	case ch := <-s.ch:
		return ch, nil
	default:
	}
	select {
	case ch := <-s.ch:
		return ch, nil
	case <-s.done:
	}
	hard, err := s.ended()
	if !hard {
		select {
		case ch := <-s.ch:
			return ch, nil
		default:
		}
	}
	return LogsChunk{}, err
}

// consume makes ch the current chunk and credits the agent back once half
// the window has been read.
func (s *logStream) consume(ch LogsChunk) {
	s.cur = ch.Data
	switch {
	case ch.Error != "":
		code := ch.Code
		if code == "" {
			code = ecs.CodeServer
		}
		s.final = &ecs.Error{Code: code, Message: ch.Error}
	case ch.EOF:
		s.final = io.EOF
	default:
		s.credit++
		if s.credit >= max(1, s.window/2) {
			s.mu.Lock()
			s.credited += s.credit
			s.mu.Unlock()
			s.c.sendControl(TypeLogsCredit, LogsCredit{RequestID: s.id, Chunks: s.credit})
			s.credit = 0
		}
	}
}

// Read returns log bytes as they arrive; each call returns data of one
// chunk at most, so a caller that flushes after every Read forwards chunks
// as the agent sent them.
func (s *logStream) Read(p []byte) (int, error) {
	for len(s.cur) == 0 {
		if s.final != nil {
			return 0, s.final
		}
		ch, err := s.next()
		if err != nil {
			return 0, err
		}
		s.consume(ch)
	}
	n := copy(p, s.cur)
	s.cur = s.cur[n:]
	return n, nil
}

// Close cancels the stream on the agent, unless it has ended, and makes
// Read fail.
func (s *logStream) Close() error {
	s.closeOnce.Do(func() {
		if s.stopCtx != nil {
			s.stopCtx()
		}
		s.abort(errStreamClosed)
	})
	return nil
}
