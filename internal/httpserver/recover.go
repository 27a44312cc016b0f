package httpserver

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
)

// recoverer wraps h so that a panic is logged with its stack and answered
// with a 500, or, when the response had already started, by aborting the
// connection (a half-written body must not look complete). A panic with
// http.ErrAbortHandler keeps its meaning.
func (s *Server) recoverer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &trackingWriter{ResponseWriter: w}
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("http handler panic", "method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			switch {
			case tw.hijacked:
				// The handler owns the connection; there is nothing to answer.
			case tw.wroteHeader:
				panic(http.ErrAbortHandler)
			default:
				http.Error(w, "internal server error", http.StatusInternalServerError)
			}
		}()
		h.ServeHTTP(tw, r)
	})
}

// trackingWriter records whether the response has started. It keeps the
// optional interfaces handlers look for: http.Hijacker (websockets) and
// http.Flusher by assertion, the rest through Unwrap for
// http.ResponseController.
type trackingWriter struct {
	http.ResponseWriter
	wroteHeader bool
	hijacked    bool
}

func (w *trackingWriter) WriteHeader(status int) {
	if status >= 200 || status == http.StatusSwitchingProtocols {
		w.wroteHeader = true
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *trackingWriter) Write(p []byte) (int, error) {
	w.wroteHeader = true
	return w.ResponseWriter.Write(p)
}

// Flush sends buffered data, if the underlying writer can.
func (w *trackingWriter) Flush() {
	w.wroteHeader = true
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack hands the connection to the handler, if the underlying writer can.
func (w *trackingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.hijacked = true
	}
	return conn, rw, err
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *trackingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

var (
	_ http.Hijacker = (*trackingWriter)(nil)
	_ http.Flusher  = (*trackingWriter)(nil)
)
