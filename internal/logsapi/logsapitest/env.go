package logsapitest

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent"
	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/process"
	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/logsapi"
	"github.com/berth-io/berth/internal/sigv4"
)

// Identity of the test server and its single container instance.
const (
	Region          = "us-east-1"
	AccessKeyID     = "AKIDBERTHLOGSTEST"
	SecretAccessKey = "berth-logs-test-secret"
	ClusterName     = "default"
	ClusterArn      = "arn:aws:ecs:us-east-1:000000000000:cluster/default"
	Instance        = "arn:aws:ecs:us-east-1:000000000000:container-instance/default/0123456789abcdef0123456789abcdef"
)

// TaskArn returns the ARN of the task with the given ID.
func TaskArn(id string) string { return "arn:aws:ecs:us-east-1:000000000000:task/default/" + id }

// Env is a running control-plane edge and agent; see the package
// documentation. Start builds it and the test's cleanup tears it down.
type Env struct {
	// URL is the HTTP server's base URL (the ECS endpoint of a client).
	URL     string
	Hub     *agentrpc.Hub
	Engine  *agent.Engine
	Runtime runtime.Runtime
	Session *agentrpc.Session
	Locator *Locator

	reports *reports

	mu       sync.Mutex
	payloads map[string]agentrpc.TaskPayload // by task ARN, newest version
}

// Start builds an Env and registers its teardown with t.Cleanup. Hub and
// logsapi.Handler log to the discarded logger.
func Start(t testing.TB) *Env {
	t.Helper()
	quiet := slog.New(slog.DiscardHandler)
	rt, err := process.New(process.Options{StateDir: t.TempDir(), PollInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatalf("process runtime: %v", err)
	}
	e := &Env{Runtime: rt, Locator: newLocator(), reports: newReports(), payloads: make(map[string]agentrpc.TaskPayload)}
	verifier := &sigv4.Verifier{Credentials: sigv4.StaticCredentials{AccessKeyID: SecretAccessKey}, Region: Region}
	e.Hub = agentrpc.NewHub(agentrpc.HubConfig{Auth: verifier, Control: e, Logger: quiet})
	mux := http.NewServeMux()
	mux.Handle(agentrpc.Path, e.Hub)
	mux.Handle(logsapi.Path, logsapi.New(logsapi.Config{Verifier: verifier, Locator: e.Locator, Source: e.Hub, Logger: quiet}))
	server := httptest.NewServer(mux)
	e.URL = server.URL

	e.Engine, err = agent.NewEngine(agent.EngineConfig{Runtime: rt, Reporter: e.reports, Cluster: ClusterArn, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e.Engine.Start(ctx)
	if err := e.Engine.Adopt(ctx, Instance); err != nil {
		cancel()
		server.Close()
		t.Fatalf("adopt: %v", err)
	}
	e.Session, err = agentrpc.Dial(ctx, agentrpc.ClientConfig{
		Endpoint: server.URL, Cluster: ClusterArn, ContainerInstanceArn: Instance, AgentVersion: "logsapitest",
		AccessKeyID: AccessKeyID, SecretAccessKey: SecretAccessKey, Region: Region,
		Handler: e.Engine.Apply, Logs: e.Engine.Logs, Logger: quiet,
	})
	if err != nil {
		cancel()
		server.Close()
		t.Fatalf("agent session: %v", err)
	}
	t.Cleanup(func() {
		e.Session.Close()
		e.Hub.Close()
		server.Close()
		cancel()
		e.Engine.Wait()
		// The engine leaves containers running when it stops; kill them.
		found, _ := rt.List(context.Background(), "")
		for _, f := range found {
			_ = rt.Remove(context.Background(), f.ID)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for !e.Hub.Connected(Instance) {
		if time.Now().After(deadline) {
			t.Fatal("the agent never connected to the hub")
		}
		time.Sleep(2 * time.Millisecond)
	}
	return e
}

// Container is one container of a task Env places: a name and the command
// the process runtime runs.
type Container struct {
	Name    string
	Command []string
}

// RunTask places task id with the given containers (all essential) on the
// instance, through the Hub, waits until the agent reports it RUNNING and
// returns its ARN.
func (e *Env) RunTask(t testing.TB, id string, containers ...Container) string {
	t.Helper()
	arn := TaskArn(id)
	p := agentrpc.TaskPayload{Arn: arn, DesiredStatus: "RUNNING", Version: 1, Family: "logs", Revision: 1}
	var names []string
	for _, c := range containers {
		cp := agentrpc.ContainerPayload{ContainerArn: arn + "/container/" + c.Name}
		cp.Name, cp.Image, cp.Command = c.Name, "busybox:latest", c.Command
		p.Containers = append(p.Containers, cp)
		names = append(names, c.Name)
	}
	e.mu.Lock()
	e.payloads[arn] = p
	e.mu.Unlock()
	e.Locator.put(logsapi.TaskLocation{ClusterArn: ClusterArn, TaskArn: arn, ContainerInstanceArn: Instance, Containers: names})
	e.Hub.Notify(ClusterArn, Instance, p)
	e.reports.wait(t, arn, "RUNNING")
	return arn
}

// StopTask asks the agent to stop task id and waits until it reports it
// STOPPED.
func (e *Env) StopTask(t testing.TB, id string) {
	t.Helper()
	arn := TaskArn(id)
	e.mu.Lock()
	p := e.payloads[arn]
	p.Version++
	p.DesiredStatus = "STOPPED"
	e.payloads[arn] = p
	e.mu.Unlock()
	e.Hub.Notify(ClusterArn, Instance, p)
	e.WaitStopped(t, id)
}

// WaitStopped waits until the agent reports task id STOPPED.
func (e *Env) WaitStopped(t testing.TB, id string) {
	t.Helper()
	e.reports.wait(t, TaskArn(id), "STOPPED")
}

// AgentConnected accepts every connection (agentrpc.ControlPlane).
func (e *Env) AgentConnected(context.Context, string, string, bool) error { return nil }

// PendingTasks returns the placed tasks that should still run
// (agentrpc.ControlPlane).
func (e *Env) PendingTasks(context.Context, string, string) ([]agentrpc.TaskPayload, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []agentrpc.TaskPayload
	for _, p := range e.payloads {
		if p.DesiredStatus != "STOPPED" {
			out = append(out, p)
		}
	}
	return out, nil
}
