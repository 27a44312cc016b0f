package agentrpc

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/berth-io/berth/internal/ecs"
)

// Path is where the Hub is mounted under the poll endpoint that
// DiscoverPollEndpoint returns: agents connect to <endpoint>/ws.
const Path = "/ws"

// Query parameters of the upgrade request (GET /ws?...).
const (
	ParamClusterArn           = "clusterArn"
	ParamContainerInstanceArn = "containerInstanceArn"
	ParamSeqNum               = "seqNum"
	ParamAgentVersion         = "agentVersion"
)

// Authenticator checks the SigV4 signature of the upgrade request; body is
// empty for a GET. It returns the access key id of the signer, or an error
// that says why the request is refused (a *sigv4.Error or *ecs.Error becomes
// the ECS error the agent sees). *sigv4.Verifier implements it.
type Authenticator interface {
	Verify(r *http.Request, body []byte) (string, error)
}

// ControlPlane is what the Hub needs from the control plane.
//
// AgentConnected records whether the agent of a container instance has a
// live connection. The Hub calls it with true before it accepts a
// connection, and an error refuses the connection (return
// ecs.ClusterNotFound or a ClientException for an unknown or deregistered
// instance). It calls it with false when the instance's current connection
// ends, either because it failed or because the agent missed its heartbeats;
// a connection that a newer one replaced does not report false. Calls for
// one instance never overlap.
//
// PendingTasks returns every task placed on the instance that has not yet
// reached STOPPED, each at its current version and desired status. The Hub
// calls it on every new connection and sends the result as the snapshot
// payload.
type ControlPlane interface {
	AgentConnected(ctx context.Context, cluster, instanceArn string, connected bool) error
	PendingTasks(ctx context.Context, cluster, instanceArn string) ([]TaskPayload, error)
}

// HubConfig configures a Hub. Auth and Control are required; zero durations
// and sizes take the defaults given.
type HubConfig struct {
	Auth    Authenticator
	Control ControlPlane
	// HeartbeatInterval is how often a HeartbeatMessage is sent (20 s).
	HeartbeatInterval time.Duration
	// HeartbeatTimeout is how long a connection may stay silent before it
	// is closed and the instance is reported disconnected (60 s); the
	// close may come up to a tenth of it, at most a second, later
	// (slackDeadline).
	HeartbeatTimeout time.Duration
	// AckTimeout is how long a payload waits for its ack before it is sent
	// again on the same connection (15 s).
	AckTimeout time.Duration
	// WriteTimeout bounds one websocket write (10 s).
	WriteTimeout time.Duration
	// MaxUnacked is how many unacked payloads are kept per instance; the
	// oldest are dropped beyond it, which is safe because every connection
	// starts with a full snapshot (1024).
	MaxUnacked int
	// LogsWindow is how many chunks of one log stream the agent may send
	// ahead of the reader, and so about how much the Hub buffers per
	// stream (8: 256 KiB, plus the final chunk).
	LogsWindow int
	// LogsOpenTimeout bounds the wait for the agent's first answer to a
	// logs request (15 s); an agent that does not know LogsRequest never
	// answers.
	LogsOpenTimeout time.Duration
	// ApplyWorkers is how many StateChangeRequests are applied at once,
	// over all connections, when Control is a StateReceiver (64).
	ApplyWorkers int
	// Logger receives connection events; nil means slog.Default().
	Logger *slog.Logger
}

func (c *HubConfig) setDefaults() {
	if c.HeartbeatInterval <= 0 {
		c.HeartbeatInterval = 20 * time.Second
	}
	if c.HeartbeatTimeout <= 0 {
		c.HeartbeatTimeout = 60 * time.Second
	}
	if c.AckTimeout <= 0 {
		c.AckTimeout = 15 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 10 * time.Second
	}
	if c.MaxUnacked <= 0 {
		c.MaxUnacked = 1024
	}
	if c.LogsWindow <= 0 {
		c.LogsWindow = 8
	}
	if c.LogsOpenTimeout <= 0 {
		c.LogsOpenTimeout = 15 * time.Second
	}
	if c.ApplyWorkers <= 0 {
		c.ApplyWorkers = 64
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Hub is the server side of the agent channel: an http.Handler for Path that
// upgrades SigV4-signed requests to websockets, keeps one connection per
// container instance (a newer connection replaces an older one), delivers
// task payloads at least once and watches heartbeats. It is safe for
// concurrent use.
type Hub struct {
	cfg      HubConfig
	upgrader websocket.Upgrader
	receiver StateReceiver // cfg.Control, when it takes state changes
	// ctx ends with Close; state changes are applied under it.
	ctx    context.Context
	cancel context.CancelFunc
	// applyJobs feeds the appliers (see startAppliers); nil without a
	// receiver.
	applyJobs chan applyJob
	appliers  sync.WaitGroup
	closeOnce sync.Once

	mu        sync.Mutex
	instances map[string]*instanceState // by container instance ARN
	closed    bool
	// handlers counts the ServeHTTP calls in progress. Their connections are
	// hijacked, so http.Server.Shutdown does not wait for them; Close does,
	// so that no disconnect bookkeeping reaches the control plane after it.
	handlers sync.WaitGroup
}

// NewHub returns a Hub; it panics if cfg.Auth or cfg.Control is nil.
func NewHub(cfg HubConfig) *Hub {
	if cfg.Auth == nil || cfg.Control == nil {
		panic("agentrpc: NewHub needs an Authenticator and a ControlPlane")
	}
	cfg.setDefaults()
	receiver, _ := cfg.Control.(StateReceiver)
	ctx, cancel := context.WithCancel(context.Background())
	h := &Hub{
		cfg:      cfg,
		receiver: receiver,
		ctx:      ctx,
		cancel:   cancel,
		upgrader: websocket.Upgrader{
			HandshakeTimeout: cfg.WriteTimeout,
			// Agents are not browsers; the signature is the authentication.
			CheckOrigin: func(*http.Request) bool { return true },
		},
		instances: make(map[string]*instanceState),
	}
	h.startAppliers()
	return h
}

// ServeHTTP accepts one agent connection and serves it until it ends.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		writeError(w, http.StatusServiceUnavailable, ecs.Errorf(ecs.CodeServer, "the server is shutting down"))
		return
	}
	h.handlers.Add(1)
	h.mu.Unlock()
	defer h.handlers.Done()
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeError(w, http.StatusMethodNotAllowed, ecs.ClientError("the agent endpoint takes only GET with a websocket upgrade"))
		return
	}
	if _, err := h.cfg.Auth.Verify(r, nil); err != nil {
		writeError(w, 0, err)
		return
	}
	q := r.URL.Query()
	cluster, arn := q.Get(ParamClusterArn), q.Get(ParamContainerInstanceArn)
	if cluster == "" || arn == "" {
		writeError(w, 0, ecs.InvalidParameter("clusterArn and containerInstanceArn are required"))
		return
	}
	var floor int64
	if s := q.Get(ParamSeqNum); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			writeError(w, 0, ecs.InvalidParameter("seqNum %q is not a non-negative integer", s))
			return
		}
		floor = n
	}
	if !websocket.IsWebSocketUpgrade(r) {
		writeError(w, 0, ecs.ClientError("the agent endpoint needs a websocket upgrade"))
		return
	}
	inst, err := h.instance(cluster, arn)
	if err != nil {
		writeError(w, 0, err)
		return
	}
	c := h.connect(w, r, inst, floor)
	if c == nil {
		return
	}
	h.cfg.Logger.Info("agent connected", "instance", arn, "agentVersion", q.Get(ParamAgentVersion))
	c.serve()
	h.disconnect(c)
}

// instance returns the state of a container instance, creating it.
func (h *Hub) instance(cluster, arn string) (*instanceState, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ecs.Errorf(ecs.CodeServer, "the server is shutting down")
	}
	inst := h.instances[arn]
	if inst == nil {
		inst = &instanceState{arn: arn, cluster: cluster}
		h.instances[arn] = inst
	}
	return inst, nil
}

// lookup returns the state of a container instance or nil.
func (h *Hub) lookup(arn string) *instanceState {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.instances[arn]
}

// connect registers a new connection for inst: it tells the control plane,
// upgrades, queues the snapshot and replaces any older connection. It
// returns nil when the connection was refused; the response is written.
func (h *Hub) connect(w http.ResponseWriter, r *http.Request, inst *instanceState, floor int64) *hubConn {
	inst.connMu.Lock()
	defer inst.connMu.Unlock()

	ctx := r.Context()
	if err := h.cfg.Control.AgentConnected(ctx, inst.cluster, inst.arn, true); err != nil {
		h.cfg.Logger.Warn("agent connection refused", "instance", inst.arn, "err", err)
		writeError(w, 0, err)
		return nil
	}
	ws, err := h.upgrader.Upgrade(w, r, h.features())
	if err != nil {
		// The upgrader has answered the request. Undo the true unless an
		// older connection is still serving the instance.
		h.cfg.Logger.Warn("agent upgrade failed", "instance", inst.arn, "err", err)
		if !inst.hasConn() {
			h.reportDisconnected(ctx, inst)
		}
		return nil
	}
	ws.SetReadLimit(1 << 20)
	pending, err := h.cfg.Control.PendingTasks(ctx, inst.cluster, inst.arn)
	if err != nil {
		h.cfg.Logger.Warn("pending tasks for snapshot", "instance", inst.arn, "err", err)
	}
	c := newHubConn(h, inst, ws)
	old := inst.attach(c, floor, pending, err == nil, h.cfg.MaxUnacked)
	if old != nil {
		old.stop("replaced by a newer connection of the same container instance")
	}
	return c
}

// disconnect runs after a connection has ended: it reports the instance
// disconnected unless a newer connection has replaced this one.
func (h *Hub) disconnect(c *hubConn) {
	inst := c.inst
	inst.connMu.Lock()
	defer inst.connMu.Unlock()
	if !inst.detach(c) {
		return
	}
	h.cfg.Logger.Info("agent disconnected", "instance", inst.arn, "reason", c.reason())
	h.reportDisconnected(context.Background(), inst)
}

func (h *Hub) reportDisconnected(ctx context.Context, inst *instanceState) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := h.cfg.Control.AgentConnected(ctx, inst.cluster, inst.arn, false); err != nil {
		h.cfg.Logger.Warn("mark agent disconnected", "instance", inst.arn, "err", err)
	}
}

// Notify queues tasks for delivery to the agent of instanceArn and sends
// them at once if the agent is connected. The control plane calls it after
// it has committed a change to those tasks (RunTask, StartTask, StopTask).
// Each TaskPayload must carry the task's new version. Notify never blocks on
// the network.
//
// Notify takes ownership of tasks: a payload for an instance whose agent
// is not connected is encoded only when it is first sent (it may never
// be: a snapshot replaces it), so neither the slice nor anything its
// payloads point to (containers, overrides) may change afterwards.
// Payloads queued while earlier ones wait to be sent are merged with them
// into one PayloadMessage.
func (h *Hub) Notify(cluster, instanceArn string, tasks ...TaskPayload) {
	if len(tasks) == 0 {
		return
	}
	inst, err := h.instance(cluster, instanceArn)
	if err != nil {
		return
	}
	if c, o := inst.enqueue(tasks, h.cfg.MaxUnacked); c != nil {
		if o != nil {
			o.encoded(inst.cluster, inst.arn)
		}
		c.poke()
	}
}

// Connected reports whether the agent of instanceArn has a live connection.
func (h *Hub) Connected(instanceArn string) bool {
	inst := h.lookup(instanceArn)
	return inst != nil && inst.hasConn()
}

// Unacked returns how many payloads for instanceArn wait for an ack.
func (h *Hub) Unacked(instanceArn string) int {
	inst := h.lookup(instanceArn)
	if inst == nil {
		return 0
	}
	inst.mu.Lock()
	defer inst.mu.Unlock()
	return len(inst.queue)
}

// Disconnect closes the connection of instanceArn, if any, after sending a
// CloseMessage with reason. The agent reconnects; to keep it out, make
// ControlPlane.AgentConnected refuse it (e.g. after deregistration).
func (h *Hub) Disconnect(instanceArn, reason string) {
	if inst := h.lookup(instanceArn); inst != nil {
		if c := inst.current(); c != nil {
			c.stop(reason)
		}
	}
}

// Forget disconnects instanceArn and drops its queued payloads, for an
// instance that has been deregistered.
func (h *Hub) Forget(instanceArn string) {
	h.mu.Lock()
	inst := h.instances[instanceArn]
	delete(h.instances, instanceArn)
	h.mu.Unlock()
	if inst != nil {
		if c := inst.current(); c != nil {
			c.stop("container instance deregistered")
		}
	}
}

// Close refuses new connections and closes every open one with a
// CloseMessage, then waits for their handlers to return (including the
// disconnect each reports to the control plane).
func (h *Hub) Close() error {
	h.mu.Lock()
	h.closed = true
	var conns []*hubConn
	for _, inst := range h.instances {
		if c := inst.current(); c != nil {
			conns = append(conns, c)
		}
	}
	h.mu.Unlock()
	for _, c := range conns {
		c.stop("server shutting down")
	}
	h.cancel()
	h.handlers.Wait()
	h.closeOnce.Do(h.stopAppliers)
	return nil
}
