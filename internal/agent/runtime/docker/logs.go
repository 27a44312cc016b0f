package docker

import (
	"context"
	"io"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// Logs streams the container's stdout and stderr from its logging driver,
// demultiplexed into one stream in the order the daemon sends them.
func (r *Runtime) Logs(ctx context.Context, id string, follow bool) (io.ReadCloser, error) {
	c, err := r.inspectOwned(ctx, id)
	if err != nil {
		return nil, runtime.NewError(runtime.CannotGetContainerLogsError, err)
	}
	raw, err := r.cli.ContainerLogs(ctx, id, container.LogsOptions{ShowStdout: true, ShowStderr: true, Follow: follow})
	if err != nil {
		return nil, runtime.NewError(runtime.CannotGetContainerLogsError, err)
	}
	if c.Config.Tty {
		return raw, nil // a TTY stream is not multiplexed
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := stdcopy.StdCopy(pw, pw, raw)
		pw.CloseWithError(err) // nil: readers get io.EOF
	}()
	return &logStream{PipeReader: pr, raw: raw}, nil
}

// logStream is the demultiplexed log; closing it closes the daemon's
// stream too, which ends the copying goroutine.
type logStream struct {
	*io.PipeReader
	raw io.ReadCloser
}

func (l *logStream) Close() error {
	err := l.raw.Close()
	l.PipeReader.Close()
	return err
}
