package process

import (
	"context"
	"io"
	"os"
	"sync"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// Logs opens the container's log file. Without follow, or for a container
// that is not running, the reader ends at the end of the file. With follow
// and a running container it keeps reading what the process writes until
// the process has exited (then returns the rest and io.EOF), ctx ends, or
// the reader is closed.
func (r *Runtime) Logs(ctx context.Context, id string, follow bool) (io.ReadCloser, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, err := r.load(id)
	if err == nil {
		err = r.refresh(rec)
	}
	if err != nil {
		return nil, runtime.NewError(runtime.CannotGetContainerLogsError, err)
	}
	f, err := os.Open(rec.LogPath)
	if err != nil {
		return nil, runtime.NewError(runtime.CannotGetContainerLogsError, err)
	}
	if !follow || rec.Status != "running" {
		return f, nil
	}
	return &tailReader{
		f:       f,
		ctx:     ctx,
		exited:  r.watchLocked(rec).done,
		closed:  make(chan struct{}),
		maxWait: r.opts.PollInterval,
	}, nil
}

// minTailWait is the first pause of a tailReader that has reached the end
// of the file; pauses double up to the poll interval while nothing new
// arrives.
const minTailWait = 2 * time.Millisecond

// tailReader reads a growing log file until the process has exited.
type tailReader struct {
	f       *os.File
	ctx     context.Context
	exited  <-chan struct{}
	closed  chan struct{}
	once    sync.Once
	maxWait time.Duration
	wait    time.Duration // next pause at the end of the file
	// last is set once the process has exited: the next io.EOF is final.
	last bool
}

func (t *tailReader) Read(p []byte) (int, error) {
	for {
		n, err := t.f.Read(p)
		if n > 0 || err != io.EOF {
			t.wait = 0
			return n, err
		}
		if t.last {
			return 0, io.EOF
		}
		t.wait = min(max(2*t.wait, minTailWait), t.maxWait)
		timer := time.NewTimer(t.wait)
		select {
		case <-t.exited:
			// Everything the process wrote is in the file now; read
			// it to the end once more.
			t.last = true
		case <-t.closed:
			timer.Stop()
			return 0, os.ErrClosed
		case <-t.ctx.Done():
			timer.Stop()
			return 0, t.ctx.Err()
		case <-timer.C:
		}
		timer.Stop()
	}
}

func (t *tailReader) Close() error {
	t.once.Do(func() { close(t.closed) })
	return t.f.Close()
}
