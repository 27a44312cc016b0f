package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/berth-io/berth/internal/server"
	"github.com/berth-io/berth/internal/sigv4"
)

// The key pair the berth server of the fleet tests takes, the one
// sdkClient signs with.
const (
	fleetTestKey    = "AKID"
	fleetTestSecret = "secret"
)

// berthFront is a real HTTP server on loopback in front of a real berth
// server's handler: it counts the ECS operations it passes on, and holds
// every RunTask until release is closed, so that a test can look at the
// cluster while a runtask run is going on.
type berthFront struct {
	*httptest.Server
	next     http.Handler
	mu       sync.Mutex
	ops      map[string]int
	firstRun sync.Once
	running  chan struct{} // closed when the first RunTask arrives
	release  chan struct{} // closed by the test to let RunTasks through
}

// newBerthFront starts a berth server on a fresh data dir and a front for
// it; both stop when the test ends.
func newBerthFront(t *testing.T) *berthFront {
	t.Helper()
	srv, err := server.Start(context.Background(), server.Config{
		Listen:      "127.0.0.1:0",
		DataDir:     t.TempDir(),
		Region:      defaultRegion,
		Credentials: sigv4.StaticCredentials{fleetTestKey: fleetTestSecret},
		NoSync:      true,
	})
	if err != nil {
		t.Fatalf("start berth server: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	f := &berthFront{next: srv.Handler(), ops: map[string]int{}, running: make(chan struct{}), release: make(chan struct{})}
	f.Server = httptest.NewServer(f)
	t.Cleanup(f.Close)
	return f
}

func (f *berthFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AmazonEC2ContainerServiceV20141113.")
	f.mu.Lock()
	f.ops[op]++
	f.mu.Unlock()
	if op == "RunTask" {
		f.firstRun.Do(func() { close(f.running) })
		<-f.release
	}
	f.next.ServeHTTP(w, r)
}

func (f *berthFront) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ops[op]
}

// clusterInstances describes every ACTIVE container instance of cluster.
func clusterInstances(t *testing.T, api *ecs.Client, cluster string) []ecstypes.ContainerInstance {
	t.Helper()
	ctx := context.Background()
	arns, err := listInstances(ctx, api, cluster, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(arns) == 0 {
		return nil
	}
	out, err := api.DescribeContainerInstances(ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String(cluster), ContainerInstances: arns})
	if err != nil {
		t.Fatalf("DescribeContainerInstances: %v", err)
	}
	return out.ContainerInstances
}

// connectedCount counts the instances whose agentConnected is true.
func connectedCount(instances []ecstypes.ContainerInstance) int {
	n := 0
	for _, ci := range instances {
		if ci.AgentConnected {
			n++
		}
	}
	return n
}

// TestFleetBench runs `berth bench --fleet` with 3 simulated instances
// against a real berth server and checks that the instances were the
// fleet's, connected during the run, that the fleet ran every task the run
// placed (reporting over the agent channel, not the ECS API), and that
// the fleet is gone, with its state directory, when the bench returns.
func TestFleetBench(t *testing.T) {
	const (
		cluster   = "fleet-bench"
		instances = 3
		requests  = 20
	)
	front := newBerthFront(t)
	api := sdkClient(front.URL, time.Minute)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where the fleet's state directory goes
	t.Setenv("BERTH_ACCESS_KEY_ID", fleetTestKey)
	t.Setenv("BERTH_SECRET_ACCESS_KEY", fleetTestSecret)
	t.Setenv("AWS_REGION", defaultRegion)
	jsonPath := filepath.Join(t.TempDir(), "result.json")
	args := []string{"--fleet", "--endpoint-url", front.URL, "--cluster", cluster, "--instances", "3",
		"--scenario", "runtask", "--clients", "2", "--requests", "20", "--quiet", "--json", jsonPath}

	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- runBench(context.Background(), args, &stdout, &stderr, os.Getenv) }()
	select {
	case <-front.running:
	case code := <-done:
		t.Fatalf("runBench returned %d before its first RunTask, want a run; stderr:\n%s", code, stderr.String())
	}

	during := clusterInstances(t, api, cluster)
	close(front.release)
	if len(during) != instances || connectedCount(during) != instances {
		t.Errorf("during the run: %d ACTIVE instances, %d with agentConnected; want %d and %d",
			len(during), connectedCount(during), instances, instances)
	}
	if code := <-done; code != exitOK {
		t.Fatalf("runBench(%q) = %d, want %d; stderr:\n%s", args, code, exitOK, stderr.String())
	}

	if want := "3 simulated instances (berth fleet): 20 tasks RUNNING, none PENDING"; !strings.Contains(stdout.String(), want) {
		t.Errorf("report = %q, want it to contain %q", stdout.String(), want)
	}
	r, err := readResult(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Setup; s.Fleet != instances || s.Instances != instances || s.InstancesRegistered != 0 {
		t.Errorf("setup = %+v, want fleet %d, instances %d, none registered", s, instances, instances)
	}
	if r.TasksPlaced != requests || r.Fleet == nil || !r.Fleet.Settled || r.Fleet.Running != requests || r.Fleet.Pending != 0 {
		t.Errorf("placed %d, fleet %+v; want %d placed, settled with %d running, 0 pending", r.TasksPlaced, r.Fleet, requests, requests)
	}

	var arns []string
	for _, ci := range during {
		arns = append(arns, aws.ToString(ci.ContainerInstanceArn))
	}
	checkTasksRunning(t, api, cluster, arns, requests)
	for _, op := range []string{"SubmitTaskStateChange", "SubmitContainerStateChange", "RegisterContainerInstance"} {
		want := 0
		if op == "RegisterContainerInstance" {
			want = instances
		}
		if got := front.count(op); got != want {
			t.Errorf("server received %d %s, want %d (reports go over the agent channel)", got, op, want)
		}
	}

	// The fleet was stopped: the server sees every agent channel close.
	deadline := time.Now().Add(30 * time.Second)
	after := clusterInstances(t, api, cluster)
	for connectedCount(after) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		after = clusterInstances(t, api, cluster)
	}
	if n := connectedCount(after); n != 0 {
		t.Errorf("after the bench: %d instances with agentConnected, want 0 (fleet stopped)", n)
	}
	if left, err := os.ReadDir(tmp); err != nil || len(left) != 0 {
		t.Errorf("temporary directory holds %d entries (err %v), want 0 (fleet state removed)", len(left), err)
	}
}

// checkTasksRunning checks that the run's tasks (started by berth-bench)
// number want, are RUNNING, and are on the instances arns.
func checkTasksRunning(t *testing.T, api *ecs.Client, cluster string, arns []string, want int) {
	t.Helper()
	ctx := context.Background()
	list, err := api.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(cluster), StartedBy: aws.String(startedBy)})
	if err != nil {
		t.Fatalf("ListTasks: %v", err)
	}
	if len(list.TaskArns) != want {
		t.Fatalf("ListTasks startedBy %s = %d tasks, want %d", startedBy, len(list.TaskArns), want)
	}
	out, err := api.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: list.TaskArns})
	if err != nil {
		t.Fatalf("DescribeTasks: %v", err)
	}
	for _, task := range out.Tasks {
		if got := aws.ToString(task.LastStatus); got != "RUNNING" {
			t.Errorf("task %s lastStatus = %s, want RUNNING", aws.ToString(task.TaskArn), got)
		}
		if ci := aws.ToString(task.ContainerInstanceArn); !slices.Contains(arns, ci) {
			t.Errorf("task %s on instance %s, want one of the fleet's %v", aws.ToString(task.TaskArn), ci, arns)
		}
	}
}

// TestFleetResultJSON checks the result's fleet members by name, as
// compare and scripts read them.
func TestFleetResultJSON(t *testing.T) {
	r := Result{Setup: SetupResult{Fleet: 1000, Instances: 1000}, Fleet: &FleetResult{Running: 150000, SettleSeconds: 0.5, Settled: true}}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"fleet":1000`, `"fleet":{"running":150000,"pending":0,"settle_s":0.5,"settled":true}`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("result JSON = %s, want it to contain %s", b, want)
		}
	}
}

// TestFleetOutcome checks the words of the report's instances line after
// the fleet's wait.
func TestFleetOutcome(t *testing.T) {
	tests := []struct {
		name string
		f    *FleetResult
		want string
	}{
		{"no fleet result", nil, ""},
		{"settled", &FleetResult{Running: 17762, SettleSeconds: 0.211, Settled: true}, ": 17,762 tasks RUNNING, none PENDING 0.21s after the last call"},
		{"gave up", &FleetResult{Running: 1000, Pending: 2500, SettleSeconds: 120.05}, ": 1,000 tasks RUNNING, 2,500 still PENDING 120.05s after the last call"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fleetOutcome(tt.f); got != tt.want {
				t.Errorf("fleetOutcome(%+v) = %q, want %q", tt.f, got, tt.want)
			}
		})
	}
}
