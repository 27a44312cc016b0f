package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/sigv4"
)

const (
	testKey    = "AKIDAGENTTEST"
	testSecret = "agent-test-secret"
	testRegion = "us-east-1"
)

// fakeServer stands in for the berth server: a SigV4-checking ECS JSON
// endpoint with the four operations the agent calls, and a real
// agentrpc.Hub at /ws over an in-test control plane. It only records what
// it is sent.
type fakeServer struct {
	t      testing.TB
	server *httptest.Server
	hub    *agentrpc.Hub

	mu            sync.Mutex
	registrations []ecsmodel.RegisterContainerInstanceRequest
	instances     map[string]bool // registered ARNs
	refused       map[string]bool // ARNs RegisterContainerInstance refuses
	pending       map[string][]agentrpc.TaskPayload
	connected     map[string]bool
	taskChanges   []ecsmodel.SubmitTaskStateChangeRequest
	viaAPI        int           // state changes received through the ECS API
	viaChannel    int           // state changes received over the agent channel
	changed       chan struct{} // closed and replaced on every recorded call
	// onChannelTask, when set, is called with mu held for every task
	// change received over the agent channel, instead of recording it.
	onChannelTask func(ecsmodel.SubmitTaskStateChangeRequest)
}

// newFakeServer is a server whose agent channel does not take state
// changes (as before agentrpc.FeatureStateChanges): agents report through
// the ECS API.
func newFakeServer(t testing.TB) *fakeServer { return newFakeServerOf(t, false) }

// newChannelFakeServer is a server that takes state changes over the
// agent channel.
func newChannelFakeServer(t testing.TB) *fakeServer { return newFakeServerOf(t, true) }

func newFakeServerOf(t testing.TB, channelReports bool) *fakeServer {
	t.Helper()
	f := &fakeServer{
		t:         t,
		instances: map[string]bool{},
		refused:   map[string]bool{},
		pending:   map[string][]agentrpc.TaskPayload{},
		connected: map[string]bool{},
		changed:   make(chan struct{}),
	}
	verifier := &sigv4.Verifier{Credentials: sigv4.StaticCredentials{testKey: testSecret}, Region: testRegion}
	var control agentrpc.ControlPlane = f
	if channelReports {
		control = channelControl{f}
	}
	f.hub = agentrpc.NewHub(agentrpc.HubConfig{Auth: verifier, Control: control, Logger: quietLogger()})
	mux := http.NewServeMux()
	mux.Handle(agentrpc.Path, f.hub)
	mux.HandleFunc("POST /{$}", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if _, err := verifier.Verify(r, body); err != nil {
			writeECSError(w, err.(*sigv4.Error).Code, err.Error())
			return
		}
		op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AmazonEC2ContainerServiceV20141113.")
		out, err := f.call(op, body)
		if err != nil {
			var ee *ecs.Error
			if errors.As(err, &ee) {
				writeECSError(w, ee.Code, ee.Message)
				return
			}
			writeECSError(w, ecs.CodeServer, err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_ = json.NewEncoder(w).Encode(out)
	})
	f.server = httptest.NewServer(mux)
	t.Cleanup(func() {
		f.hub.Close()
		f.server.Close()
	})
	return f
}

func writeECSError(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
}

func (f *fakeServer) call(op string, body []byte) (any, error) {
	decode := func(v any) error {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		return dec.Decode(v)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.notify()
	switch op {
	case "RegisterContainerInstance":
		var req ecsmodel.RegisterContainerInstanceRequest
		if err := decode(&req); err != nil {
			return nil, ecs.Errorf(ecs.CodeSerialization, "%v", err)
		}
		f.registrations = append(f.registrations, req)
		arn := req.ContainerInstanceArn
		switch {
		case arn != "" && f.refused[arn]:
			return nil, ecs.ClientError("container instance %s is INACTIVE", arn)
		case arn == "":
			arn = "arn:aws:ecs:us-east-1:000000000000:container-instance/default/" + ecs.NewID()
		}
		f.instances[arn] = true
		return map[string]any{"containerInstance": map[string]any{"containerInstanceArn": arn, "status": "ACTIVE"}}, nil
	case "DiscoverPollEndpoint":
		return map[string]any{"endpoint": f.server.URL + "/"}, nil
	case "SubmitTaskStateChange":
		var req ecsmodel.SubmitTaskStateChangeRequest
		if err := decode(&req); err != nil {
			return nil, ecs.Errorf(ecs.CodeSerialization, "%v", err)
		}
		f.taskChanges = append(f.taskChanges, req)
		f.viaAPI++
		return map[string]any{"acknowledgment": "ACK"}, nil
	case "SubmitContainerStateChange":
		f.viaAPI++
		return map[string]any{"acknowledgment": "ACK"}, nil
	}
	return nil, ecs.Errorf(ecs.CodeUnknownOperation, "%s", op)
}

// channelControl is the fake server's control plane when it takes state
// changes over the agent channel.
type channelControl struct{ *fakeServer }

// ApplyStateChanges implements agentrpc.StateReceiver: it records task
// changes as SubmitTaskStateChange does.
func (c channelControl) ApplyStateChanges(_ context.Context, _, _ string, changes []agentrpc.StateChange) []agentrpc.StateChangeResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.notify()
	for _, ch := range changes {
		switch {
		case ch.Task != nil && c.onChannelTask != nil:
			c.onChannelTask(*ch.Task)
		case ch.Task != nil:
			c.taskChanges = append(c.taskChanges, *ch.Task)
		}
		c.viaChannel++
	}
	return make([]agentrpc.StateChangeResult, len(changes))
}

// notify wakes waiters; called with mu held.
func (f *fakeServer) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// AgentConnected implements agentrpc.ControlPlane.
func (f *fakeServer) AgentConnected(_ context.Context, _, arn string, connected bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.notify()
	if !f.instances[arn] {
		return ecs.ClientError("unknown container instance %s", arn)
	}
	f.connected[arn] = connected
	return nil
}

// PendingTasks implements agentrpc.ControlPlane.
func (f *fakeServer) PendingTasks(_ context.Context, _, arn string) ([]agentrpc.TaskPayload, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]agentrpc.TaskPayload(nil), f.pending[arn]...), nil
}

// await waits until cond, evaluated with mu held, holds.
func (f *fakeServer) await(what string, cond func() bool) {
	f.t.Helper()
	timeout := time.After(15 * time.Second)
	for {
		f.mu.Lock()
		ok, changed := cond(), f.changed
		f.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-timeout:
			f.t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// taskChange waits for the n-th (from 1) SubmitTaskStateChange of arn.
func (f *fakeServer) taskChange(arn string, n int) ecsmodel.SubmitTaskStateChangeRequest {
	f.t.Helper()
	var got ecsmodel.SubmitTaskStateChangeRequest
	f.await(fmt.Sprintf("task state change %d of %s", n, arn), func() bool {
		seen := 0
		for _, c := range f.taskChanges {
			if c.Task == arn {
				if seen++; seen == n {
					got = c
					return true
				}
			}
		}
		return false
	})
	return got
}

func (f *fakeServer) registration(n int) ecsmodel.RegisterContainerInstanceRequest {
	f.t.Helper()
	var got ecsmodel.RegisterContainerInstanceRequest
	f.await(fmt.Sprintf("registration %d", n), func() bool {
		if len(f.registrations) >= n {
			got = f.registrations[n-1]
			return true
		}
		return false
	})
	return got
}

func (f *fakeServer) awaitConnected(arn string, want bool) {
	f.t.Helper()
	f.await(fmt.Sprintf("%s connected=%v", arn, want), func() bool { return f.connected[arn] == want })
}
