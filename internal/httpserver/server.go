package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Defaults for the zero values of Config.
const (
	DefaultShutdownTimeout   = 10 * time.Second
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
)

// Config configures a Server.
type Config struct {
	// API serves "/" and every path no other handler claims. Required.
	API http.Handler
	// Metrics is served at /metrics; nil leaves /metrics to API.
	Metrics prometheus.Gatherer
	// Logger receives server errors and handler panics; nil discards them.
	Logger *slog.Logger
	// ShutdownTimeout bounds how long Serve waits for in-flight requests
	// once its context is cancelled; zero means DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// ReadHeaderTimeout bounds reading a request's headers; zero means
	// DefaultReadHeaderTimeout.
	ReadHeaderTimeout time.Duration
	// IdleTimeout closes keep-alive connections idle this long; zero means
	// DefaultIdleTimeout.
	IdleTimeout time.Duration
}

// Option adds to a Server what Config does not describe.
type Option func(*Server)

// WithHandler mounts h at pattern (http.ServeMux syntax, e.g. "/ws" or
// "GET /ws"), behind the recovery middleware. The agents' websocket endpoint
// is mounted this way; the middleware passes http.Hijacker through.
func WithHandler(pattern string, h http.Handler) Option {
	return func(s *Server) { s.extra = append(s.extra, mount{pattern, h}) }
}

// OnShutdown registers f to run when graceful shutdown starts, in its own
// goroutine (see http.Server.RegisterOnShutdown). Owners of hijacked
// connections, which shutdown does not wait for, close them here.
func OnShutdown(f func()) Option {
	return func(s *Server) { s.onShutdown = append(s.onShutdown, f) }
}

type mount struct {
	pattern string
	handler http.Handler
}

// Server is berth's HTTP server. Build it with New; it can Serve more than
// one listener, one call each.
type Server struct {
	cfg        Config
	log        *slog.Logger
	extra      []mount
	onShutdown []func()
	handler    http.Handler
}

// New builds the routing of a Server. It fails when cfg.API is nil or a
// WithHandler pattern is invalid or conflicts with another route.
func New(cfg Config, opts ...Option) (*Server, error) {
	if cfg.API == nil {
		return nil, errors.New("httpserver: Config.API is required")
	}
	s := &Server{cfg: cfg, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.cfg.ShutdownTimeout <= 0 {
		s.cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	if s.cfg.ReadHeaderTimeout <= 0 {
		s.cfg.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if s.cfg.IdleTimeout <= 0 {
		s.cfg.IdleTimeout = DefaultIdleTimeout
	}
	for _, opt := range opts {
		opt(s)
	}
	mux := http.NewServeMux()
	// The API recovers its own panics into ServerException responses, so it
	// is mounted without the recovery middleware.
	mux.Handle("/", mounted{cfg.API})
	mux.Handle("GET /healthz", mounted{s.recoverer(http.HandlerFunc(healthz))})
	if cfg.Metrics != nil {
		mux.Handle("GET /metrics", mounted{s.recoverer(promhttp.HandlerFor(cfg.Metrics, promhttp.HandlerOpts{
			ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		}))})
	}
	for _, m := range s.extra {
		if err := handle(mux, m.pattern, mounted{s.recoverer(m.handler)}); err != nil {
			return nil, err
		}
	}
	s.handler = routes{mux: mux, api: cfg.API}
	return s, nil
}

// handle is mux.Handle with its panics (bad or conflicting pattern) turned
// into an error.
func handle(mux *http.ServeMux, pattern string, h http.Handler) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("httpserver: cannot mount %q: %v", pattern, p)
		}
	}()
	mux.Handle(pattern, h)
	return nil
}

func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok"))
}

// Handler returns the server's routing, for use without Serve (tests,
// embedding).
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers requests on l until ctx is cancelled, then shuts down
// gracefully (see the package documentation) and returns nil. It returns
// early with the error if l fails, and returns an error if in-flight
// requests outlast Config.ShutdownTimeout (their connections are closed).
// Request contexts keep ctx's values but are not cancelled with it, so
// in-flight requests can finish.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	conns := newConnTracker()
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		ConnState:         conns.track,
	}
	// net/http's Shutdown waits up to 5 s for a connection that was opened
	// but has sent nothing; the tracker closes those (and idle ones) as soon
	// as shutdown starts.
	srv.RegisterOnShutdown(func() {
		if n := conns.closeUnused(); n > 0 {
			s.log.Debug("http server closed unused connections", "addr", l.Addr().String(), "count", n)
		}
	})
	for _, f := range s.onShutdown {
		srv.RegisterOnShutdown(f)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	s.log.Info("http server listening", "addr", l.Addr().String())

	select {
	case err := <-served:
		return fmt.Errorf("httpserver: serving %s: %w", l.Addr(), err)
	case <-ctx.Done():
	}
	s.log.Info("http server shutting down", "addr", l.Addr().String(), "timeout", s.cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	shutdownErr := srv.Shutdown(shutdownCtx)
	if shutdownErr != nil {
		_ = srv.Close() // the deadline passed: drop what is left.
		shutdownErr = fmt.Errorf("httpserver: requests still running after %s were cut off: %w", s.cfg.ShutdownTimeout, shutdownErr)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return errors.Join(fmt.Errorf("httpserver: serving %s: %w", l.Addr(), err), shutdownErr)
	}
	return shutdownErr
}
