package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/berth-io/berth/internal/agentbridge"
	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsapi"
	"github.com/berth-io/berth/internal/httpserver"
	"github.com/berth-io/berth/internal/logsapi"
	"github.com/berth-io/berth/internal/sigv4"
)

// Defaults of `berth server`.
const (
	DefaultListen    = "127.0.0.1:4510"
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "000000000000"
	DefaultDataDir   = "berth-data"
	// StoreFile is the bbolt file inside the data dir.
	StoreFile = "berth.db"
)

// Config is what a control plane needs to start.
type Config struct {
	// Listen is the TCP address of the API (host:port; port 0 picks one).
	Listen string
	// Store is the state backend: StoreBolt (the default) or StoreEtcd.
	Store string
	// DataDir holds the bbolt store file; it is created when missing. A
	// server on etcd does not use it.
	DataDir string
	// Etcd says where the state is with StoreEtcd.
	Etcd EtcdConfig
	// Region and AccountID go into every ARN and into the SigV4 scope check.
	Region    string
	AccountID string
	// Credentials are the key pairs requests may be signed with.
	Credentials sigv4.CredentialLookup
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// AdvertiseURL, when set, is the URL DiscoverPollEndpoint gives agents
	// (e.g. a TLS proxy's https address). By default agents are told the
	// URL they reached the API on.
	AdvertiseURL string
	// NoSync turns off fsync in the bbolt store (tests and benchmarks
	// only: acknowledged writes may be lost on a crash).
	NoSync bool
}

// Server is a running control plane.
type Server struct {
	// URL is the endpoint clients use, e.g. http://127.0.0.1:4510.
	URL string

	cfg        Config
	store      *openedStore
	control    *control.Service
	http       *httpserver.Server
	bridge     *agentbridge.Bridge
	hub        *agentrpc.Hub
	compaction *compaction // nil when the store is not compacted
	cancel     context.CancelFunc
	served     chan error
	// compacted closes when the compaction loop has ended.
	compacted chan struct{}

	closeOnce sync.Once
	closeErr  error
}

// Start opens the store, builds the control plane and serves the API on
// cfg.Listen until Close. On etcd it also compacts etcd's history every
// cfg.Etcd.CompactInterval.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg = withDefaults(cfg)
	if cfg.Credentials == nil {
		return nil, errors.New("server: no credentials configured")
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("server: listen on %s: %w", cfg.Listen, err)
	}
	s, err := assemble(ctx, cfg, st, "http://"+l.Addr().String())
	if err != nil {
		_ = l.Close()
		_ = st.Close()
		return nil, err
	}
	serveCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	s.served = make(chan error, 1)
	s.compacted = make(chan struct{})
	go func() { s.served <- s.http.Serve(serveCtx, l) }()
	go s.control.RunJanitor(serveCtx, 0)
	go func() {
		defer close(s.compacted)
		if s.compaction != nil {
			s.compaction.run(serveCtx)
		}
	}()
	cfg.Logger.Info("berth server started", append([]any{"endpoint", s.URL, "region", cfg.Region, "account", cfg.AccountID}, st.describe...)...)
	return s, nil
}

func withDefaults(cfg Config) Config {
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	if cfg.Store == "" {
		cfg.Store = StoreBolt
	}
	if cfg.Etcd.Prefix == "" {
		cfg.Etcd.Prefix = DefaultEtcdPrefix
	}
	if cfg.Etcd.CompactInterval == 0 {
		cfg.Etcd.CompactInterval = DefaultCompactInterval
	}
	if cfg.DataDir == "" {
		cfg.DataDir = DefaultDataDir
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.AccountID == "" {
		cfg.AccountID = DefaultAccountID
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}

// assemble wires control plane, agent channel, edge, HTTP routing and the
// store's compaction over an open store; url is where the server listens.
func assemble(_ context.Context, cfg Config, st *openedStore, url string) (*Server, error) {
	svc, err := control.New(control.Config{
		Store:   st.Store, // the backend itself, so its optional interfaces stay visible
		Account: ecs.Account{Region: cfg.Region, ID: cfg.AccountID},
		Logger:  cfg.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("server: control plane: %w", err)
	}
	verifier := &sigv4.Verifier{Credentials: cfg.Credentials, Region: cfg.Region, Service: "ecs"}
	bridge := agentbridge.New(svc, cfg.Logger)
	hub := agentrpc.NewHub(agentrpc.HubConfig{Auth: verifier, Control: bridge, Logger: cfg.Logger})
	bridge.Start(hub)

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(st.collectors...)
	var compact *compaction
	if st.compactor != nil {
		compact = newCompaction(st.Store, st.compactor, st.compactEvery, cfg.Logger)
		reg.MustRegister(compact.collectors()...)
	}
	apiMetrics := ecsapi.NewMetrics()
	reg.MustRegister(apiMetrics.Collectors()...)
	api := ecsapi.New(ecsapi.Config{
		Backend:  backend{Service: svc, API: agentbridge.NewAPI(svc, agentEndpoint(cfg.AdvertiseURL, url))},
		Verifier: verifier,
		Logger:   cfg.Logger,
		Metrics:  apiMetrics,
	})
	hs, err := httpserver.New(httpserver.Config{API: api, Metrics: reg, Logger: cfg.Logger},
		httpserver.WithHandler("GET "+agentrpc.Path, hub),
		httpserver.WithHandler(logsapi.Path, logsapi.New(logsapi.Config{Verifier: verifier, Locator: bridge, Source: hub, Logger: cfg.Logger})),
		httpserver.OnShutdown(func() { _ = hub.Close() }),
	)
	if err != nil {
		bridge.Close()
		return nil, err
	}
	return &Server{URL: url, cfg: cfg, store: st, control: svc, http: hs, bridge: bridge, hub: hub, compaction: compact}, nil
}

// agentEndpoint chooses what DiscoverPollEndpoint answers: the configured
// advertise URL, else the URL the agent used for this very request (it can
// reach that one), else the listen URL.
func agentEndpoint(advertise, listenURL string) func(ctx context.Context) string {
	return func(ctx context.Context) string {
		if advertise != "" {
			return advertise
		}
		if u := ecsapi.ClientURL(ctx); u != "" {
			return u
		}
		return listenURL
	}
}

// backend is what the API serves: the control plane's operations and the
// agent-facing ones (ecsmodel.Bind finds both through the promoted methods).
type backend struct {
	*control.Service
	*agentbridge.API
}

// Handler is the server's HTTP routing (for in-process benchmarks).
func (s *Server) Handler() http.Handler { return s.http.Handler() }

// Close stops serving (in-flight requests finish), stops the compaction
// and closes the store. Later calls return the first one's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Server) close() error {
	s.cancel()
	<-s.compacted
	var serveErr error
	select {
	case serveErr = <-s.served:
	case <-time.After(httpserver.DefaultShutdownTimeout + time.Second):
		serveErr = errors.New("server: http shutdown timed out")
	}
	// Agent connections are hijacked, so the HTTP shutdown does not wait for
	// them: close the hub (which waits for its handlers' last bookkeeping),
	// then stop delivering, then close the store.
	hubErr := s.hub.Close()
	s.bridge.Close()
	return errors.Join(serveErr, hubErr, s.store.Close())
}
