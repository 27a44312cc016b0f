package ecsapi

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
)

// Verifier authenticates a request from its headers and body; a
// *sigv4.Verifier is one. It returns the access key id that signed the
// request, or an error (normally an *sigv4.Error) to answer with.
type Verifier interface {
	Verify(r *http.Request, body []byte) (accessKeyID string, err error)
}

// Config configures the edge.
type Config struct {
	// Backend implements the ECS operations (see the package documentation).
	// Operations it lacks answer UnsupportedFeatureException.
	Backend any
	// Verifier authenticates every request. Required: New panics without it.
	Verifier Verifier
	// Logger receives one line per request; nil discards them.
	Logger *slog.Logger
	// Metrics, if not nil, counts and times requests.
	Metrics *Metrics
	// MaxBodyBytes caps the request body; zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
}

// handler is the edge; its fields are fixed after New, so it is safe for
// concurrent use.
type handler struct {
	routes   routeTable
	verifier Verifier
	log      *slog.Logger
	metrics  *Metrics
	maxBody  int64
}

// New returns the ECS API handler for cfg. Mount it at "/"; it answers other
// paths itself with a 404 ECS error.
func New(cfg Config) http.Handler {
	if cfg.Verifier == nil {
		panic("ecsapi: Config.Verifier is required")
	}
	h := &handler{
		routes:   newRouteTable(cfg.Backend, cfg.Metrics),
		verifier: cfg.Verifier,
		log:      cfg.Logger,
		metrics:  cfg.Metrics,
		maxBody:  cfg.MaxBodyBytes,
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBodyBytes
	}
	return h
}

// exchange is the state of one request, filled in as the pipeline advances.
type exchange struct {
	info   callInfo
	target string
	// route is nil until the target names a model operation.
	route *route
}

var allowPost = []string{http.MethodPost}

// ServeHTTP runs the pipeline described in the package documentation and
// writes exactly one response.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	x := &exchange{info: callInfo{requestID: newRequestID(), request: r}}
	w.Header()[headerRequestID] = []string{x.info.requestID}
	buf := getBuffer()
	defer putBuffer(buf)

	status, code := http.StatusOK, codeOK
	var cause error
	if err := h.serveSafely(x, r, buf); err != nil {
		if ctxErr := r.Context().Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			// The client closed its connection (the only thing that ends a
			// request's context while ServeHTTP runs) and the backend gave
			// up: not a fault of the server.
			err = errClientGone()
		}
		e := toAPIError(err)
		if e.Status == http.StatusMethodNotAllowed {
			w.Header()["Allow"] = allowPost
		}
		writeError(w, buf, e)
		status, code, cause = e.Status, e.Code, e.Cause
	} else {
		writeBody(w, status, buf.Bytes())
	}
	elapsed := time.Since(start)
	h.metrics.observe(x.route, code, elapsed)
	h.logRequest(r, x, status, code, elapsed, cause)
}

// serveSafely runs serve and turns a panic into an error, so a broken
// handler answers ServerException instead of dropping the connection.
func (h *handler) serveSafely(x *exchange, r *http.Request, buf *bytes.Buffer) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			err = &panicError{value: p, stack: debug.Stack()}
		}
	}()
	return h.serve(x, r, buf)
}

// serve checks and decodes the request, calls the backend, and leaves the
// encoded response in buf. The backend runs only once every check passed.
func (h *handler) serve(x *exchange, r *http.Request, buf *bytes.Buffer) error {
	if r.URL.Path != "/" {
		return errNoRoute(r.URL.Path)
	}
	if r.Method != http.MethodPost {
		return errMethod(r.Method)
	}
	// The route is looked up early only to label logs and metrics; it is
	// acted on after authentication.
	x.target = r.Header.Get("X-Amz-Target")
	x.route = h.routes.lookup(x.target)
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	if err := readBody(buf, r.Body, r.ContentLength, h.maxBody); err != nil {
		return err
	}
	accessKeyID, err := h.verifier.Verify(r, buf.Bytes())
	if err != nil {
		return err
	}
	x.info.accessKeyID = accessKeyID
	switch {
	case x.target == "":
		return errMissingTarget()
	case x.route == nil:
		return errUnknownTarget(x.target)
	case x.route.handler == nil:
		return errNotImplemented(x.route.op)
	}
	in := x.route.handler.NewInput()
	if err := decodeRequest(buf.Bytes(), in); err != nil {
		return err
	}
	out, err := x.route.handler.Call(withCallInfo(r.Context(), &x.info), in)
	if err != nil {
		return err
	}
	buf.Reset()
	if err := encodeResponse(buf, out); err != nil {
		return fmt.Errorf("encoding the %s response: %w", x.route.op, err)
	}
	return nil
}

// checkContentType accepts the awsJson1_1 media type and plain JSON, with
// or without parameters.
func checkContentType(value string) error {
	mediaType, _, _ := strings.Cut(value, ";")
	mediaType = strings.TrimSpace(mediaType)
	if strings.EqualFold(mediaType, "application/x-amz-json-1.1") || strings.EqualFold(mediaType, "application/json") {
		return nil
	}
	return errContentType(value)
}

// maxLoggedTarget bounds how much of an unknown X-Amz-Target is logged.
const maxLoggedTarget = 128

// logRequest writes the request's log line: Info normally, Error with the
// cause (and stack, for a panic) when the client got a ServerException the
// edge made up.
func (h *handler) logRequest(r *http.Request, x *exchange, status int, code string, elapsed time.Duration, cause error) {
	level := slog.LevelInfo
	if cause != nil {
		level = slog.LevelError
	}
	ctx := r.Context()
	if !h.log.Enabled(ctx, level) {
		return
	}
	op := unknownOperation
	if x.route != nil {
		op = x.route.op
	}
	attrs := make([]slog.Attr, 0, 9)
	attrs = append(attrs,
		slog.String("op", op),
		slog.String("request_id", x.info.requestID),
		slog.Int("status", status),
		slog.Duration("duration", elapsed),
	)
	if code != codeOK {
		attrs = append(attrs, slog.String("code", code))
	}
	if x.info.accessKeyID != "" {
		attrs = append(attrs, slog.String("access_key_id", x.info.accessKeyID))
	}
	if x.route == nil && x.target != "" {
		attrs = append(attrs, slog.String("target", truncate(x.target, maxLoggedTarget)))
	}
	if cause != nil {
		attrs = append(attrs, slog.String("error", cause.Error()))
		if p, ok := cause.(*panicError); ok {
			attrs = append(attrs, slog.String("stack", string(p.stack)))
		}
	}
	h.log.LogAttrs(ctx, level, "ecs api request", attrs...)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
