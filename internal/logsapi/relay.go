package logsapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/berth-io/berth/internal/agentrpc"
)

// relay copies the stream to the response, flushing after every read (a
// read returns at most one chunk from the agent), until the stream ends,
// fails or the client goes away. A failure of the stream is reported in
// TrailerError and returned.
func relay(ctx context.Context, w http.ResponseWriter, rc io.Reader, follow bool) error {
	ctl := http.NewResponseController(w)
	if follow {
		// A followed stream may outlive any write timeout the server has.
		_ = ctl.SetWriteDeadline(time.Time{})
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Trailer", TrailerError)
	w.WriteHeader(http.StatusOK)
	_ = ctl.Flush()

	buf := make([]byte, agentrpc.MaxLogsChunk)
	for {
		n, err := rc.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return nil // the client has gone
			}
			if ferr := ctl.Flush(); ferr != nil && !errors.Is(ferr, http.ErrNotSupported) {
				return nil
			}
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF), ctx.Err() != nil:
			return nil
		default:
			code, msg := codeAndMessage(err)
			h.Set(TrailerError, code+": "+msg)
			return err
		}
	}
}
