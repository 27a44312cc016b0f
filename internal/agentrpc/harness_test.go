package agentrpc

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/berth-io/berth/internal/sigv4"
)

const (
	testRegion   = "us-east-1"
	testKey      = "AKIDBERTHTEST"
	testSecret   = "berth-test-secret"
	testCluster  = "arn:aws:ecs:us-east-1:000000000000:cluster/default"
	testInstance = "arn:aws:ecs:us-east-1:000000000000:container-instance/default/0123456789abcdef0123456789abcdef"
)

// connEvent is one ControlPlane.AgentConnected call.
type connEvent struct {
	instance  string
	connected bool
}

// fakeControl is the control plane of these tests: it records
// AgentConnected calls, can refuse connections and serves PendingTasks from
// a map.
type fakeControl struct {
	events chan connEvent

	mu      sync.Mutex
	pending map[string][]TaskPayload
	refuse  error
}

func newFakeControl() *fakeControl {
	return &fakeControl{events: make(chan connEvent, 64), pending: make(map[string][]TaskPayload)}
}

func (f *fakeControl) AgentConnected(_ context.Context, _, instanceArn string, connected bool) error {
	f.mu.Lock()
	refuse := f.refuse
	f.mu.Unlock()
	if connected && refuse != nil {
		return refuse
	}
	f.events <- connEvent{instanceArn, connected}
	return nil
}

func (f *fakeControl) PendingTasks(_ context.Context, _, instanceArn string) ([]TaskPayload, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]TaskPayload(nil), f.pending[instanceArn]...), nil
}

func (f *fakeControl) setPending(instanceArn string, tasks ...TaskPayload) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending[instanceArn] = tasks
}

func (f *fakeControl) setRefuse(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refuse = err
}

// nextEvent returns the next AgentConnected call or fails the test.
func (f *fakeControl) nextEvent(t *testing.T) connEvent {
	t.Helper()
	select {
	case e := <-f.events:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no AgentConnected call arrived")
		return connEvent{}
	}
}

func (f *fakeControl) expectEvent(t *testing.T, want connEvent) {
	t.Helper()
	if got := f.nextEvent(t); got != want {
		t.Fatalf("AgentConnected: got %+v, want %+v", got, want)
	}
}

// hubFixture is a Hub behind a real HTTP server on 127.0.0.1.
type hubFixture struct {
	hub     *Hub
	control *fakeControl
	server  *httptest.Server
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// newHubFixture starts a Hub; edit adjusts the config before NewHub.
func newHubFixture(t testing.TB, edit func(*HubConfig)) *hubFixture {
	t.Helper()
	control := newFakeControl()
	cfg := HubConfig{
		Auth:    &sigv4.Verifier{Credentials: sigv4.StaticCredentials{testKey: testSecret}, Region: testRegion},
		Control: control,
		Logger:  quietLogger(),
	}
	if edit != nil {
		edit(&cfg)
	}
	hub := NewHub(cfg)
	mux := http.NewServeMux()
	mux.Handle(Path, hub)
	server := httptest.NewServer(mux)
	t.Cleanup(func() {
		hub.Close()
		server.Close()
	})
	return &hubFixture{hub: hub, control: control, server: server}
}

// task builds a TaskPayload fixture.
func task(id string, version int64, desired string) TaskPayload {
	return TaskPayload{
		Arn:           "arn:aws:ecs:us-east-1:000000000000:task/default/" + id,
		DesiredStatus: desired,
		Version:       version,
		Family:        "web",
		Revision:      1,
	}
}

// rawConn is a hand-driven agent connection for protocol-level tests.
type rawConn struct {
	t  testing.TB
	ws *websocket.Conn
}

// rawDial opens a signed websocket to the fixture as instance with the
// given seqNum, using secret to sign.
func (f *hubFixture) rawDial(t testing.TB, instance string, seq int64, secret string) (*rawConn, error) {
	t.Helper()
	q := url.Values{}
	q.Set(ParamClusterArn, testCluster)
	q.Set(ParamContainerInstanceArn, instance)
	q.Set(ParamSeqNum, strconv.FormatInt(seq, 10))
	u, err := PollURL(f.server.URL, q)
	if err != nil {
		t.Fatal(err)
	}
	req := &http.Request{Method: http.MethodGet, URL: u, Host: u.Host, Header: http.Header{}}
	sigv4.Sign(req, nil, testKey, secret, testRegion, "ecs", time.Now())
	ws, resp, err := websocket.DefaultDialer.Dial(u.String(), req.Header)
	if err != nil {
		if resp != nil {
			return nil, handshakeError(resp)
		}
		return nil, err
	}
	t.Cleanup(func() { ws.Close() })
	return &rawConn{t: t, ws: ws}, nil
}

func (f *hubFixture) mustRawDial(t testing.TB, instance string, seq int64) *rawConn {
	t.Helper()
	c, err := f.rawDial(t, instance, seq, testSecret)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return c
}

// next reads envelopes until one of type typ arrives and decodes it into
// out; other types are skipped.
func (c *rawConn) next(typ string, out any) {
	c.t.Helper()
	for {
		if err := c.ws.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
			c.t.Fatal(err)
		}
		var env Envelope
		if err := c.ws.ReadJSON(&env); err != nil {
			c.t.Fatalf("read %s: %v", typ, err)
		}
		if env.Type != typ {
			continue
		}
		if err := json.Unmarshal(env.Message, out); err != nil {
			c.t.Fatalf("decode %s: %v", typ, err)
		}
		return
	}
}

func (c *rawConn) payload() PayloadMessage {
	c.t.Helper()
	var p PayloadMessage
	c.next(TypePayload, &p)
	return p
}

func (c *rawConn) ack(id string) {
	c.t.Helper()
	data, err := encodeEnvelope(TypeAck, AckRequest{MessageID: id})
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.ws.WriteMessage(websocket.TextMessage, data); err != nil {
		c.t.Fatalf("write ack: %v", err)
	}
}

// deliveries collects what a Session hands its Handler.
type deliveries struct {
	ch   chan Delivery
	mu   sync.Mutex
	fail int // how many more deliveries to refuse
}

func newDeliveries() *deliveries { return &deliveries{ch: make(chan Delivery, 64)} }

func (d *deliveries) handle(_ context.Context, del Delivery) error {
	d.mu.Lock()
	refuse := d.fail > 0
	if refuse {
		d.fail--
	}
	d.mu.Unlock()
	if refuse {
		return fmt.Errorf("engine busy")
	}
	d.ch <- del
	return nil
}

func (d *deliveries) next(t *testing.T) Delivery {
	t.Helper()
	select {
	case del := <-d.ch:
		return del
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery arrived")
		return Delivery{}
	}
}

// dialSession opens a Session to the fixture as testInstance.
func (f *hubFixture) dialSession(t *testing.T, d *deliveries, edit func(*ClientConfig)) *Session {
	t.Helper()
	cfg := ClientConfig{
		Endpoint:             f.server.URL,
		Cluster:              testCluster,
		ContainerInstanceArn: testInstance,
		AgentVersion:         "test",
		AccessKeyID:          testKey,
		SecretAccessKey:      testSecret,
		Region:               testRegion,
		Handler:              d.handle,
		Backoff:              Backoff{Base: time.Millisecond, Max: 20 * time.Millisecond},
		Logger:               quietLogger(),
	}
	if edit != nil {
		edit(&cfg)
	}
	s, err := Dial(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// waitFor polls cond until it holds; it fails the test if that takes
// unreasonably long (a hang, not a speed check).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
