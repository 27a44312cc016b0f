package agentrpc

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// receivingControl is a fakeControl that also takes state changes: it
// records them and answers with the code coded into each change's reason.
type receivingControl struct {
	*fakeControl
	hold    chan struct{} // when set, ApplyStateChanges waits for it to close
	entered chan struct{} // gets a value as each ApplyStateChanges starts

	mu       sync.Mutex
	received []string // cluster|instance|task arn|status, per change
}

func (r *receivingControl) ApplyStateChanges(_ context.Context, cluster, instanceArn string, changes []StateChange) []StateChangeResult {
	select {
	case r.entered <- struct{}{}:
	default:
	}
	if r.hold != nil {
		<-r.hold
	}
	out := make([]StateChangeResult, len(changes))
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, c := range changes {
		status, reason := "", ""
		switch {
		case c.Task != nil:
			status, reason = c.Task.Status, c.Task.Reason
		case c.Container != nil:
			status, reason = "container "+c.Container.Status, c.Container.Reason
		}
		r.received = append(r.received, cluster+"|"+instanceArn+"|"+c.TaskArn()+"|"+status)
		out[i] = StateChangeResult{Code: reason}
	}
	return out
}

func (r *receivingControl) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.received)
}

// newReceivingFixture is a hub whose control plane takes state changes.
func newReceivingFixture(t *testing.T, hold chan struct{}) (*hubFixture, *receivingControl) {
	t.Helper()
	var rc *receivingControl
	f := newHubFixture(t, func(c *HubConfig) {
		rc = &receivingControl{fakeControl: c.Control.(*fakeControl), hold: hold, entered: make(chan struct{}, 1)}
		c.Control = rc
	})
	return f, rc
}

func TestSessionSubmitsStateChanges(t *testing.T) {
	f, rc := newReceivingFixture(t, nil)
	s := f.dialSession(t, newDeliveries(), nil)
	waitFor(t, "the session to connect", s.Connected)
	if !s.SupportsStateChanges() {
		t.Fatal("SupportsStateChanges: got false, want true")
	}
	arnA, arnB := task("aaa", 1, "RUNNING").Arn, task("bbb", 1, "RUNNING").Arn
	changes := []StateChange{
		{Task: &ecsmodel.SubmitTaskStateChangeRequest{Task: arnA, Status: "RUNNING"}},
		{Container: &ecsmodel.SubmitContainerStateChangeRequest{Task: arnB, ContainerName: "app", Status: "STOPPED", Reason: ecs.CodeInvalidParameter}},
		{Task: &ecsmodel.SubmitTaskStateChangeRequest{Task: arnA, Status: "STOPPED", Reason: ecs.CodeServer}},
	}
	results, err := s.SubmitStateChanges(context.Background(), changes)
	if err != nil {
		t.Fatalf("SubmitStateChanges: %v", err)
	}
	var codes []string
	for _, r := range results {
		codes = append(codes, r.Code)
	}
	if want := []string{"", ecs.CodeInvalidParameter, ecs.CodeServer}; !slices.Equal(codes, want) {
		t.Errorf("result codes: got %q, want %q", codes, want)
	}
	want := []string{
		testCluster + "|" + testInstance + "|" + arnA + "|RUNNING",
		testCluster + "|" + testInstance + "|" + arnB + "|container STOPPED",
		testCluster + "|" + testInstance + "|" + arnA + "|STOPPED",
	}
	if got := rc.got(); !slices.Equal(got, want) {
		t.Errorf("applied: got %q, want %q", got, want)
	}
}

func TestStateChangesWithoutReceiver(t *testing.T) {
	f := newHubFixture(t, nil)
	s := f.dialSession(t, newDeliveries(), nil)
	waitFor(t, "the session to connect", s.Connected)
	if s.SupportsStateChanges() {
		t.Fatal("SupportsStateChanges: got true from a hub whose control plane takes none, want false")
	}
	_, err := s.SubmitStateChanges(context.Background(), []StateChange{{Task: &ecsmodel.SubmitTaskStateChangeRequest{Task: "t"}}})
	if !errors.Is(err, ErrStateChangesUnsupported) {
		t.Fatalf("SubmitStateChanges: got %v, want ErrStateChangesUnsupported", err)
	}

	// An agent that sends one anyway is told so, by message id.
	c := f.mustRawDial(t, "arn:aws:ecs:us-east-1:000000000000:container-instance/default/raw", 1)
	data, err := encodeEnvelope(TypeStateChange, StateChangeRequest{MessageID: "sc-1", Changes: []StateChange{{}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ws.WriteMessage(websocket.TextMessage, data); err != nil {
		t.Fatal(err)
	}
	var em ErrorMessage
	c.next(TypeError, &em)
	if em.MessageID != "sc-1" || em.Code != ecs.CodeUnsupportedFeature {
		t.Fatalf("got error message %+v, want sc-1 %s", em, ecs.CodeUnsupportedFeature)
	}
}

func TestStateChangesFailWhenTheConnectionEnds(t *testing.T) {
	hold := make(chan struct{})
	f, rc := newReceivingFixture(t, hold)
	defer close(hold)
	s := f.dialSession(t, newDeliveries(), nil)
	waitFor(t, "the session to connect", s.Connected)
	errc := make(chan error, 1)
	go func() {
		_, err := s.SubmitStateChanges(context.Background(), []StateChange{{Task: &ecsmodel.SubmitTaskStateChangeRequest{Task: "t"}}})
		errc <- err
	}()
	select {
	case <-rc.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the state changes never reached the control plane")
	}
	f.hub.Disconnect(testInstance, "test")
	select {
	case err := <-errc:
		if err == nil || errors.Is(err, ErrNotConnected) || errors.Is(err, ErrStateChangesUnsupported) {
			t.Fatalf("got %v, want an error that says the changes may have been applied", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("SubmitStateChanges still waits after the connection ended")
	}
}

func TestSubmitStateChangesAfterClose(t *testing.T) {
	f, _ := newReceivingFixture(t, nil)
	s := f.dialSession(t, newDeliveries(), nil)
	waitFor(t, "the session to connect", s.Connected)
	s.Close()
	if _, err := s.SubmitStateChanges(context.Background(), nil); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("got %v, want ErrNotConnected", err)
	}
}

func TestHasFeature(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   bool
	}{
		{name: "absent"},
		{name: "alone", values: []string{FeatureStateChanges}, want: true},
		{name: "in a list", values: []string{"logs, " + FeatureStateChanges + " ,other"}, want: true},
		{name: "in a second header", values: []string{"logs", FeatureStateChanges}, want: true},
		{name: "a longer name", values: []string{FeatureStateChanges + "V2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tc.values {
				h.Add(FeatureHeader, v)
			}
			if got := hasFeature(h, FeatureStateChanges); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFitResults(t *testing.T) {
	ok := StateChangeResult{}
	bad := StateChangeResult{Code: ecs.CodeInvalidParameter}
	tests := []struct {
		name    string
		results []StateChangeResult
		n       int
		want    []string
	}{
		{name: "as many as changes", results: []StateChangeResult{ok, bad}, n: 2, want: []string{"", ecs.CodeInvalidParameter}},
		{name: "too few: the rest are retried", results: []StateChangeResult{bad}, n: 3, want: []string{ecs.CodeInvalidParameter, ecs.CodeServer, ecs.CodeServer}},
		{name: "too many: the extra ones are dropped", results: []StateChangeResult{ok, bad, bad}, n: 1, want: []string{""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, r := range fitResults(tc.results, tc.n) {
				got = append(got, r.Code)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPayloadAcks(t *testing.T) {
	tests := []struct {
		name     string
		receiver bool
		ackDelay time.Duration
		submit   bool // send a StateChangeRequest after the payload
		again    bool // then a second payload, acked as the first
	}{
		{name: "at once, to a server without state changes", ackDelay: time.Hour},
		{name: "with the next state changes", receiver: true, ackDelay: time.Hour, submit: true},
		{name: "on their own when no state change follows", receiver: true, ackDelay: 5 * time.Millisecond},
		{name: "on their own, twice on the same timer", receiver: true, ackDelay: 5 * time.Millisecond, again: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var f *hubFixture
			if tc.receiver {
				f, _ = newReceivingFixture(t, nil)
			} else {
				f = newHubFixture(t, nil)
			}
			d := newDeliveries()
			s := f.dialSession(t, d, func(c *ClientConfig) { c.AckDelay = tc.ackDelay })
			d.next(t) // the snapshot
			f.hub.Notify(testCluster, testInstance, task("eee", 1, "RUNNING"))
			d.next(t)
			if tc.submit {
				// The session defers the ack right after its handler returns.
				waitFor(t, "both acks to be deferred", func() bool {
					s.mu.Lock()
					defer s.mu.Unlock()
					return len(s.acks) == 2
				})
				if _, err := s.SubmitStateChanges(context.Background(), []StateChange{
					{Task: &ecsmodel.SubmitTaskStateChangeRequest{Task: task("eee", 1, "RUNNING").Arn, Status: "RUNNING"}}}); err != nil {
					t.Fatalf("SubmitStateChanges: %v", err)
				}
			}
			waitFor(t, "the acks of the snapshot and the payload", func() bool { return f.hub.Unacked(testInstance) == 0 })
			if tc.again {
				f.hub.Notify(testCluster, testInstance, task("fff", 1, "RUNNING"))
				d.next(t)
				waitFor(t, "the ack of the second payload", func() bool { return f.hub.Unacked(testInstance) == 0 })
			}
		})
	}
}
