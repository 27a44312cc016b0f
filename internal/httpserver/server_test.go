package httpserver

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/berth-io/berth/internal/ecsapi"
	"github.com/berth-io/berth/internal/sigv4"
)

// running is a Server serving on a loopback listener.
type running struct {
	url    string
	addr   string
	cancel context.CancelFunc
	done   chan error
	logs   *syncBuffer

	once   sync.Once
	served error
}

// stop cancels Serve and returns its result; it may be called again.
func (r *running) stop() error {
	r.cancel()
	r.once.Do(func() { r.served = <-r.done })
	return r.served
}

// startServer serves the real ECS edge (no backend, real SigV4), a registry
// with one test counter, and opts on 127.0.0.1:0.
func startServer(t *testing.T, cfg Config, opts ...Option) *running {
	t.Helper()
	logs := &syncBuffer{}
	if cfg.API == nil {
		cfg.API = ecsapi.New(ecsapi.Config{Verifier: &sigv4.Verifier{Credentials: sigv4.StaticCredentials{}}})
	}
	if cfg.Metrics == nil {
		reg := prometheus.NewRegistry()
		c := prometheus.NewCounter(prometheus.CounterOpts{Name: "httpserver_test_total", Help: "A test counter."})
		c.Add(3)
		reg.MustRegister(c)
		cfg.Metrics = reg
	}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	s, err := New(cfg, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{url: "http://" + l.Addr().String(), addr: l.Addr().String(), cancel: cancel, done: make(chan error, 1), logs: logs}
	go func() { r.done <- s.Serve(ctx, l) }()
	t.Cleanup(func() { _ = r.stop() })
	return r
}

func TestRoutes(t *testing.T) {
	r := startServer(t, Config{},
		WithHandler("GET /ws", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte("agent endpoint"))
		})),
		WithHandler("/tree/", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte("subtree"))
		})),
	)
	// Redirects are not followed: a test must see the server's own answer.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
		wantBody   string // substring
	}{
		{name: "healthz", method: "GET", path: "/healthz", wantStatus: 200, wantBody: "ok"},
		{name: "healthz head", method: "HEAD", path: "/healthz", wantStatus: 200},
		{name: "metrics", method: "GET", path: "/metrics", wantStatus: 200, wantBody: "httpserver_test_total 3"},
		{name: "extra handler", method: "GET", path: "/ws", wantStatus: 200, wantBody: "agent endpoint"},
		{name: "ecs api", method: "POST", path: "/", wantStatus: 400, wantBody: `"__type":"MissingAuthenticationTokenException"`},
		{name: "unknown path goes to the api", method: "GET", path: "/nope", wantStatus: 404, wantBody: `"__type":"UnknownOperationException"`},
		{name: "post to healthz goes to the api", method: "POST", path: "/healthz", wantStatus: 404, wantBody: `"__type":"UnknownOperationException"`},
		{name: "get on the api", method: "GET", path: "/", wantStatus: 405, wantBody: `"__type":"UnknownOperationException"`},
		{name: "subtree", method: "GET", path: "/tree/x", wantStatus: 200, wantBody: "subtree"},
		// Paths the mux would redirect (307, no body) get the API's 404.
		{name: "unclean path //", method: "POST", path: "//", wantStatus: 404, wantBody: `"__type":"UnknownOperationException"`},
		{name: "unclean path /./", method: "POST", path: "/./", wantStatus: 404, wantBody: `"__type":"UnknownOperationException"`},
		{name: "unclean path /x/../", method: "POST", path: "/x/../", wantStatus: 404, wantBody: `"__type":"UnknownOperationException"`},
		{name: "unclean path /x/..", method: "POST", path: "/x/..", wantStatus: 404, wantBody: `"__type":"UnknownOperationException"`},
		{name: "unclean path with a query", method: "POST", path: "//?Action=RunTask", wantStatus: 404, wantBody: `"__type":"UnknownOperationException"`},
		{name: "unclean path to healthz", method: "GET", path: "//healthz", wantStatus: 404, wantBody: `"__type":"UnknownOperationException"`},
		{name: "unclean path to a mounted handler", method: "GET", path: "/tree/../ws", wantStatus: 404, wantBody: `"__type":"UnknownOperationException"`},
		{name: "unclean path, wrong method", method: "PUT", path: "/./", wantStatus: 404, wantBody: `"__type":"UnknownOperationException"`},
		{name: "subtree without its slash", method: "GET", path: "/tree", wantStatus: 404, wantBody: `"__type":"UnknownOperationException"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, r.url+tc.path, strings.NewReader(""))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", tc.method, tc.path, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status: got %d, want %d (body %s)", resp.StatusCode, tc.wantStatus, body)
			}
			if loc := resp.Header.Get("Location"); loc != "" {
				t.Errorf("Location: got %q, want none", loc)
			}
			if !strings.Contains(string(body), tc.wantBody) {
				t.Errorf("body: got %q, want it to contain %q", body, tc.wantBody)
			}
		})
	}
}

func TestNewRejects(t *testing.T) {
	api := http.NotFoundHandler()
	tests := []struct {
		name string
		cfg  Config
		opts []Option
		want string
	}{
		{name: "no api", cfg: Config{}, want: "Config.API is required"},
		{name: "conflicting pattern", cfg: Config{API: api}, opts: []Option{WithHandler("GET /healthz", api)}, want: `cannot mount "GET /healthz"`},
		{name: "bad pattern", cfg: Config{API: api}, opts: []Option{WithHandler("FETCH", api)}, want: `cannot mount "FETCH"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, tc.opts...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestPanicRecovery(t *testing.T) {
	r := startServer(t, Config{},
		WithHandler("/panic-early", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("early") })),
		WithHandler("/panic-late", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", "100")
			_, _ = w.Write([]byte("partial"))
			panic("late")
		})),
	)
	resp, err := http.Get(r.url + "/panic-early")
	if err != nil {
		t.Fatalf("GET /panic-early: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("status after an early panic: got %d, want 500", resp.StatusCode)
	}

	resp, err = http.Get(r.url + "/panic-late")
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Errorf("reading a response whose handler panicked mid-body: got no error, want the connection aborted")
	}
	if err := r.stop(); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	for _, want := range []string{`panic=early`, `panic=late`, `stack=`} {
		if !strings.Contains(r.logs.String(), want) {
			t.Errorf("logs: got %q, want them to contain %q", r.logs.String(), want)
		}
	}
}

// TestGracefulShutdown cancels Serve while a request is in flight: the
// request completes, new connections are refused, and Serve returns nil.
func TestGracefulShutdown(t *testing.T) {
	started, release, shutdownBegan := make(chan struct{}), make(chan struct{}), make(chan struct{})
	r := startServer(t, Config{},
		WithHandler("/slow", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			close(started)
			<-release
			_, _ = w.Write([]byte("finished"))
		})),
		OnShutdown(func() { close(shutdownBegan) }),
	)
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get(r.url + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{body: string(b), err: err}
	}()
	<-started
	r.cancel()
	<-shutdownBegan
	if conn, err := (&net.Dialer{}).Dial("tcp", r.addr); err == nil {
		conn.Close()
		t.Errorf("dial during shutdown: got a connection, want refused")
	}
	close(release)
	res := <-got
	if res.err != nil || res.body != "finished" {
		t.Errorf("in-flight request: got %q, %v; want \"finished\", no error", res.body, res.err)
	}
	if err := r.stop(); err != nil {
		t.Errorf("Serve: got %v, want nil", err)
	}
}

// TestShutdownTimeout checks that a request outliving the shutdown timeout
// is cut off and reported.
func TestShutdownTimeout(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	r := startServer(t, Config{ShutdownTimeout: time.Millisecond},
		WithHandler("/stuck", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			close(started)
			<-release
		})),
	)
	clientErr := make(chan error, 1)
	go func() {
		resp, err := http.Get(r.url + "/stuck")
		if err == nil {
			resp.Body.Close()
		}
		clientErr <- err
	}()
	<-started
	err := r.stop()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Serve: got %v, want an error wrapping context.DeadlineExceeded", err)
	}
	if err := <-clientErr; err == nil {
		t.Errorf("stuck request: got a response, want its connection closed")
	}
}

func TestServeListenerError(t *testing.T) {
	s, err := New(Config{API: http.NotFoundHandler()})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if err := s.Serve(context.Background(), l); err == nil || !strings.Contains(err.Error(), "serving") {
		t.Errorf("Serve on a closed listener: got %v, want a serving error", err)
	}
}

// TestWebsocketThroughRecovery mounts a real websocket echo endpoint the way
// the agent endpoint will be, and closes it from an OnShutdown hook.
func TestWebsocketThroughRecovery(t *testing.T) {
	var (
		mu    sync.Mutex
		conns []*websocket.Conn
	)
	upgrader := websocket.Upgrader{}
	echo := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		c, err := upgrader.Upgrade(w, req, nil)
		if err != nil {
			return
		}
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
		for {
			typ, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(typ, msg); err != nil {
				return
			}
		}
	})
	closeAll := func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}
	r := startServer(t, Config{}, WithHandler("GET /ws", echo), OnShutdown(closeAll))
	c, _, err := websocket.DefaultDialer.Dial("ws://"+r.addr+"/ws", nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	if err := c.WriteMessage(websocket.TextMessage, []byte("heartbeat")); err != nil {
		t.Fatalf("write: %v", err)
	}
	_, msg, err := c.ReadMessage()
	if err != nil || string(msg) != "heartbeat" {
		t.Fatalf("echo: got %q, %v; want \"heartbeat\"", msg, err)
	}
	if err := r.stop(); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, _, err := c.ReadMessage(); err == nil {
		t.Errorf("read after shutdown: got a message, want the connection closed")
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
