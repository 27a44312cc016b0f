package agentrpc

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Delivery is what a Session hands its Handler from one PayloadMessage.
type Delivery struct {
	// Tasks are the payload's tasks that are newer than anything applied
	// before (see PayloadMessage); it may be empty for a snapshot.
	Tasks []TaskPayload
	// Snapshot is set when the payload lists every task of the instance
	// that has not yet stopped (see PayloadMessage.Snapshot). Tasks then
	// holds only those of them not applied before.
	Snapshot bool
	// SeqNum and MessageID identify the payload.
	SeqNum    int64
	MessageID string
}

// Handler hands a delivery to the agent's task engine. It should return
// quickly (queue the work, do not run it). When it returns nil the payload
// is acked and its task versions are never handed over again; when it
// returns an error the payload is not acked and the server sends it again.
type Handler func(ctx context.Context, d Delivery) error

// ClientConfig configures a Session. Endpoint, Cluster,
// ContainerInstanceArn, the credentials, Region and Handler are required.
type ClientConfig struct {
	// Endpoint is the poll endpoint from DiscoverPollEndpoint: an http,
	// https, ws or wss URL. The Session connects to Endpoint + Path.
	Endpoint             string
	Cluster              string
	ContainerInstanceArn string
	AgentVersion         string
	// AccessKeyID, SecretAccessKey and SessionToken sign the upgrade
	// request with SigV4 for service "ecs" in Region.
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Region          string
	Handler         Handler
	// Logs opens container logs for the server's LogsRequests; nil
	// answers every request with UnsupportedFeatureException.
	Logs LogSource
	// Dialer opens the websockets; nil means a Dialer with a 10 s
	// handshake timeout. Many sessions may share one.
	Dialer *websocket.Dialer
	// HeartbeatTimeout is how long the server may stay silent before the
	// Session drops the connection and reconnects. Zero means 1 min plus a
	// random jitter of up to 1 min, as ECS agents use.
	HeartbeatTimeout time.Duration
	// Backoff paces reconnects (zero value: 500 ms growing to 30 s, full
	// jitter). It starts over after a connection has lasted StableAfter
	// (default 30 s).
	Backoff     Backoff
	StableAfter time.Duration
	// DedupeTTL is how long a stopped task's version is remembered (1 h).
	DedupeTTL time.Duration
	// AckDelay is how long the ack of an accepted payload may wait to go
	// with the next StateChangeRequest before it is sent on its own
	// (500 ms), when the server takes state changes; the task engine
	// usually reports a change of the payload's tasks within it. Acks
	// that wait that long go together in one message.
	AckDelay time.Duration
	// Logger receives connection events; nil means slog.Default().
	Logger *slog.Logger
	// Now is the signing clock; nil means time.Now.
	Now func() time.Time
}

func (c *ClientConfig) validate() error {
	switch {
	case c.Endpoint == "":
		return errors.New("agentrpc: ClientConfig.Endpoint is required")
	case c.Cluster == "" || c.ContainerInstanceArn == "":
		return errors.New("agentrpc: ClientConfig.Cluster and ContainerInstanceArn are required")
	case c.AccessKeyID == "" || c.SecretAccessKey == "" || c.Region == "":
		return errors.New("agentrpc: ClientConfig needs AccessKeyID, SecretAccessKey and Region to sign")
	case c.Handler == nil:
		return errors.New("agentrpc: ClientConfig.Handler is required")
	}
	return nil
}

func (c *ClientConfig) setDefaults() {
	if c.Dialer == nil {
		c.Dialer = &websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	}
	if c.HeartbeatTimeout <= 0 {
		c.HeartbeatTimeout = time.Minute + rand.N(time.Minute)
	}
	if c.StableAfter <= 0 {
		c.StableAfter = 30 * time.Second
	}
	if c.DedupeTTL <= 0 {
		c.DedupeTTL = time.Hour
	}
	if c.AckDelay <= 0 {
		c.AckDelay = 500 * time.Millisecond
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Session is the agent side of the channel: one websocket to the Hub,
// re-established with backoff whenever it ends, that hands deduplicated
// payloads to the Handler, acks them and answers heartbeats.
type Session struct {
	cfg  ClientConfig
	stop context.CancelFunc
	done chan struct{}

	// Owned by the session goroutine.
	dedupe  *dedupe
	streams *agentStreams // log streams of the current connection

	// wmu serialises writes to the current websocket: the session
	// goroutine and the log streams' goroutines all write to it.
	wmu sync.Mutex

	mu           sync.Mutex
	seq          int64 // highest SeqNum received
	connected    bool
	connects     int
	ws           *websocket.Conn            // the current connection, or nil
	stateChanges bool                       // its server takes StateChangeRequest
	waiting      map[string]chan stateReply // SubmitStateChanges calls by MessageID
	acks         []string                   // accepted payloads not yet acked; see deferAck
	ackTimer     *time.Timer                // sends the acks on their own after AckDelay; kept
	ackArmed     bool                       // ackTimer runs
}

// Dial connects to the Hub once and, when that succeeds, returns a Session
// that keeps the connection up until ctx is done or Close is called. A
// refused handshake is a *HandshakeError. Dial does not retry; callers that
// want to wait for the server retry Dial with a Backoff.
func Dial(ctx context.Context, cfg ClientConfig) (*Session, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	s := &Session{cfg: cfg, done: make(chan struct{}), dedupe: newDedupe(cfg.DedupeTTL),
		waiting: make(map[string]chan stateReply)}
	ws, err := s.connect(ctx)
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.stop = cancel
	context.AfterFunc(ctx, cancel)
	go s.run(runCtx, ws)
	return s, nil
}

// Close ends the session and waits for its goroutine to finish.
func (s *Session) Close() error {
	s.stop()
	<-s.done
	return nil
}

// Done is closed when the session has ended.
func (s *Session) Done() <-chan struct{} { return s.done }

// Connected reports whether the session has a live websocket.
func (s *Session) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connected
}

// Connects returns how many websockets the session has opened so far.
func (s *Session) Connects() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connects
}

// run serves connections until ctx is done, reconnecting with backoff.
func (s *Session) run(ctx context.Context, ws *websocket.Conn) {
	defer close(s.done)
	log := s.cfg.Logger.With("instance", s.cfg.ContainerInstanceArn)
	backoff := s.cfg.Backoff
	for {
		started := time.Now()
		err := s.serve(ctx, ws)
		if ctx.Err() != nil {
			return
		}
		log.Info("agent connection ended; reconnecting", "err", err)
		if time.Since(started) >= s.cfg.StableAfter {
			backoff.Reset()
		}
		for {
			if !backoff.Sleep(ctx) {
				return
			}
			ws, err = s.connect(ctx)
			if err == nil {
				break
			}
			log.Warn("agent reconnect failed", "err", err)
		}
	}
}
