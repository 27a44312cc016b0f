package agentbridge

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/sigv4"
)

const (
	testKey    = "AKIDBRIDGETEST"
	testSecret = "bridge-test-secret"
)

// dialAgent starts a Hub over e's bridge behind a real HTTP server and
// opens an agent session to it as e's instance; deliveries go to the
// returned channel.
func (e *env) dialAgent(t *testing.T) (*agentrpc.Session, <-chan agentrpc.Delivery) {
	t.Helper()
	hub := agentrpc.NewHub(agentrpc.HubConfig{
		Auth:    &sigv4.Verifier{Credentials: sigv4.StaticCredentials{testKey: testSecret}, Region: "us-east-1"},
		Control: e.bridge,
	})
	e.bridge.Start(hub)
	mux := http.NewServeMux()
	mux.Handle(agentrpc.Path, hub)
	server := httptest.NewServer(mux)
	t.Cleanup(func() {
		e.bridge.Close()
		hub.Close()
		server.Close()
	})
	deliveries := make(chan agentrpc.Delivery, 16)
	s, err := agentrpc.Dial(context.Background(), agentrpc.ClientConfig{
		Endpoint: server.URL, Cluster: clusterArn, ContainerInstanceArn: e.instance,
		AccessKeyID: testKey, SecretAccessKey: testSecret, Region: "us-east-1",
		Handler: func(_ context.Context, d agentrpc.Delivery) error { deliveries <- d; return nil },
	})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, deliveries
}

func nextDelivery(t *testing.T, ch <-chan agentrpc.Delivery) agentrpc.Delivery {
	t.Helper()
	select {
	case d := <-ch:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery arrived")
		return agentrpc.Delivery{}
	}
}

// TestChannelRoundTrip runs a task through the real channel: the launch
// reaches the agent as a payload built from the definition, and the
// agent's RUNNING report comes back as a StateChangeRequest.
func TestChannelRoundTrip(t *testing.T) {
	e := newEnv(t)
	s, deliveries := e.dialAgent(t)
	if snap := nextDelivery(t, deliveries); !snap.Snapshot || len(snap.Tasks) != 0 {
		t.Fatalf("first delivery: got snapshot=%v with %d tasks, want an empty snapshot", snap.Snapshot, len(snap.Tasks))
	}
	if !s.SupportsStateChanges() {
		t.Fatal("SupportsStateChanges: got false, want true (the bridge takes state changes)")
	}
	arn := e.run(1)[0]
	d := nextDelivery(t, deliveries)
	if len(d.Tasks) != 1 || d.Tasks[0].Arn != arn || d.Tasks[0].DesiredStatus != "RUNNING" || len(d.Tasks[0].Containers) != 2 ||
		d.Tasks[0].Containers[0].Name != "app" || d.Tasks[0].Containers[0].ContainerArn == "" {
		t.Fatalf("got delivery %+v, want task %s RUNNING with containers app (with its ARN) and side", d.Tasks, arn)
	}
	results, err := s.SubmitStateChanges(e.ctx, []agentrpc.StateChange{{Task: taskChange(arn, "RUNNING",
		ecsmodel.ContainerStateChange{ContainerName: "app", Status: "RUNNING", RuntimeId: "r-app"})}})
	if err != nil || len(results) != 1 || results[0].Code != "" {
		t.Fatalf("SubmitStateChanges: got %+v, %v; want one empty result", results, err)
	}
	if task := e.describe(arn); task.LastStatus != "RUNNING" || container(t, task, "app").RuntimeId != "r-app" {
		t.Fatalf("got %s, want RUNNING with app's runtime id", task.LastStatus)
	}
}
