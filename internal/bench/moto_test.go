package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// startMoto starts a real moto_server on a free loopback port and returns
// its URL. It skips the test when moto_server is not installed, and fails
// it instead when CI=true, so CI cannot pass without the comparison target.
func startMoto(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("moto_server is not on PATH and CI=true: install it with `pip install 'moto[server]'`")
		}
		t.Skip("moto_server is not on PATH; install it with `pip install 'moto[server]'` to run the tool against moto")
	}
	port := freePort(t)
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("moto_server output:\n%s", logs.String())
		}
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitReady(t, url+"/moto-api/")
	return url
}

// freePort returns a loopback port nothing listens on.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitReady polls url until the server answers; moto needs a few seconds
// to import its backends.
func waitReady(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer on %s within a minute: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// motoEnv sets the credentials the tool signs with; moto accepts any.
func motoEnv(t *testing.T) {
	t.Setenv("BERTH_ACCESS_KEY_ID", "AKIDBENCHTEST")
	t.Setenv("BERTH_SECRET_ACCESS_KEY", "bench-secret")
}

// runTool runs Main with args plus --json into a temporary file and
// returns the exit code and the result read back.
func runTool(t *testing.T, args ...string) (int, *Result, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "result.json")
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), append(args, "--json", path, "--quiet"), &stdout, &stderr)
	if code != exitOK {
		return code, nil, stderr.String()
	}
	r, err := readResult(path)
	if err != nil {
		t.Fatalf("reading the result: %v", err)
	}
	return code, r, stdout.String()
}

// testClient is a plain ECS client for checking moto's state independently
// of the tool.
func testClient(url string) *ecs.Client {
	return ecs.New(ecs.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDBENCHTEST", "bench-secret", ""),
	})
}

// countTasks counts the tasks moto holds in cluster, by ListTasks.
func countTasks(t *testing.T, api *ecs.Client, cluster string) int64 {
	t.Helper()
	var n int64
	p := ecs.NewListTasksPaginator(api, &ecs.ListTasksInput{Cluster: aws.String(cluster)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("ListTasks: %v", err)
		}
		n += int64(len(out.TaskArns))
	}
	return n
}

// TestScenariosAgainstMoto runs every scenario against a real moto server,
// a non-berth ECS implementation, and checks that the result counts what
// was sent and what came back.
func TestScenariosAgainstMoto(t *testing.T) {
	url := startMoto(t)
	motoEnv(t)
	api := testClient(url)
	const requests = 30
	tests := []struct {
		scenario string
		// setupTasks are the tasks setup starts (for describe and list).
		setupTasks int64
		// perCall is the tasks a RunTask/StartTask call asks for.
		perCall int64
	}{
		{scenario: "runtask", perCall: 1},
		{scenario: "runtask10", perCall: 10},
		{scenario: "starttask", perCall: 1},
		{scenario: "describe", setupTasks: describeBatch},
		{scenario: "list", setupTasks: describeBatch},
		{scenario: "mixed", setupTasks: describeBatch},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			cluster := "bench-" + tt.scenario
			code, r, out := runTool(t, "--endpoint-url", url, "--scenario", tt.scenario,
				"--clients", "2", "--requests", fmt.Sprint(requests), "--cluster", cluster,
				"--instances", "2", "--ec2-instances", "--lenient-json", "--label", "moto")
			if code != exitOK {
				t.Fatalf("exit code = %d, want %d; stderr:\n%s", code, exitOK, out)
			}
			checkSane(t, r, requests)
			if r.Label != "moto" || r.Scenario != tt.scenario || r.Clients != 2 {
				t.Errorf("label, scenario, clients = %q, %q, %d; want moto, %s, 2", r.Label, r.Scenario, r.Clients, tt.scenario)
			}
			if r.Setup.InstancesRegistered != 2 {
				t.Errorf("instances registered = %d, want 2", r.Setup.InstancesRegistered)
			}
			if int64(r.Setup.TasksStarted) != tt.setupTasks {
				t.Errorf("setup tasks = %d, want %d", r.Setup.TasksStarted, tt.setupTasks)
			}
			// The tasks in moto are exactly those setup started plus those
			// the result says were placed.
			if got, want := countTasks(t, api, cluster), tt.setupTasks+r.TasksPlaced; got != want {
				t.Errorf("tasks in moto = %d, want setup %d + placed %d = %d", got, tt.setupTasks, r.TasksPlaced, want)
			}
			if tt.perCall > 0 && r.TasksPlaced != requests*tt.perCall {
				t.Errorf("tasks placed = %d, want %d", r.TasksPlaced, requests*tt.perCall)
			}
			checkOperations(t, r, tt.scenario)
		})
	}
}

// checkSane checks the invariants of a run of n calls that all succeeded.
func checkSane(t *testing.T, r *Result, n int64) {
	t.Helper()
	if r.Calls != n || r.OK != n || r.Errors != 0 {
		t.Errorf("calls, ok, errors = %d, %d, %d; want %d, %d, 0 (errors: %v)", r.Calls, r.OK, r.Errors, n, n, r.ErrorsByName)
	}
	l := r.Latency
	if l.Count != r.OK {
		t.Errorf("latency count = %d, want %d", l.Count, r.OK)
	}
	if l.Min <= 0 || l.P50 < l.Min || l.P90 < l.P50 || l.P99 < l.P90 || l.Max < l.P99 {
		t.Errorf("latency = %+v, want 0 < min <= p50 <= p90 <= p99 <= max", l)
	}
	if r.ElapsedSeconds <= 0 || r.CallsPerSecond <= 0 {
		t.Errorf("elapsed, calls/s = %v, %v; want both positive", r.ElapsedSeconds, r.CallsPerSecond)
	}
	var opCalls int64
	for _, op := range r.Operations {
		opCalls += op.Calls
	}
	if opCalls != r.Calls {
		t.Errorf("sum of operation calls = %d, want %d", opCalls, r.Calls)
	}
}

// checkOperations checks what each operation's responses held.
func checkOperations(t *testing.T, r *Result, scenario string) {
	t.Helper()
	for _, op := range r.Operations {
		switch op.Name {
		case "DescribeTasks":
			// Every call described the 100 tasks setup started.
			if op.Items != op.Calls*describeBatch {
				t.Errorf("DescribeTasks items = %d, want %d", op.Items, op.Calls*describeBatch)
			}
		case "ListTasks":
			if op.Items < op.Calls {
				t.Errorf("ListTasks items = %d over %d calls, want at least one per call", op.Items, op.Calls)
			}
		case "RunTask", "StartTask":
			if op.TasksPlaced != op.TasksRequested || op.Items != op.TasksPlaced {
				t.Errorf("%s placed, requested, items = %d, %d, %d; want all equal", op.Name, op.TasksPlaced, op.TasksRequested, op.Items)
			}
		default:
			t.Errorf("operation %s in scenario %s", op.Name, scenario)
		}
	}
	if scenario == "mixed" && len(r.Operations) != len(mixWeights) {
		t.Errorf("mixed ran %d operations, want %d: %+v", len(r.Operations), len(mixWeights), r.Operations)
	}
}

// TestShortPlacementAgainstMoto checks that tasks a server declines to
// place are seen: with a task definition that fills a moto instance (moto
// gives every instance 7482 MiB, whatever is registered), only the first
// RunTask places a task.
func TestShortPlacementAgainstMoto(t *testing.T) {
	url := startMoto(t)
	motoEnv(t)
	api := testClient(url)
	const cluster = "bench-full"
	if _, err := api.CreateCluster(context.Background(), &ecs.CreateClusterInput{ClusterName: aws.String(cluster)}); err != nil {
		t.Fatal(err)
	}
	td, err := api.RegisterTaskDefinition(context.Background(), &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("bench-big"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name: aws.String("big"), Image: aws.String("busybox"), Memory: aws.Int32(7000), Essential: aws.Bool(true),
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	code, r, out := runTool(t, "--endpoint-url", url, "--scenario", "runtask", "--clients", "1",
		"--requests", "5", "--cluster", cluster, "--instances", "1", "--ec2-instances", "--lenient-json",
		"--task-definition", aws.ToString(td.TaskDefinition.TaskDefinitionArn))
	if code != exitOK {
		t.Fatalf("exit code = %d, want %d; stderr:\n%s", code, exitOK, out)
	}
	checkSane(t, r, 5)
	if r.TasksRequested != 5 || r.TasksPlaced != 1 {
		t.Errorf("tasks requested, placed = %d, %d; want 5, 1", r.TasksRequested, r.TasksPlaced)
	}
}

// TestErrorsAgainstMoto checks that calls the server rejects are counted
// by exception name and that a run without a single success exits 1.
func TestErrorsAgainstMoto(t *testing.T) {
	url := startMoto(t)
	motoEnv(t)
	path := filepath.Join(t.TempDir(), "result.json")
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"--endpoint-url", url, "--scenario", "runtask",
		"--clients", "2", "--requests", "10", "--cluster", "no-such-cluster", "--no-setup",
		"--json", path, "--quiet"}, &stdout, &stderr)
	if code != exitFailed {
		t.Fatalf("exit code = %d, want %d; stderr:\n%s", code, exitFailed, stderr.String())
	}
	r, err := readResult(path)
	if err != nil {
		t.Fatal(err)
	}
	if r.Calls != 10 || r.OK != 0 || r.Errors != 10 {
		t.Errorf("calls, ok, errors = %d, %d, %d; want 10, 0, 10", r.Calls, r.OK, r.Errors)
	}
	if len(r.ErrorsByName) != 1 || r.ErrorsByName[0].Name != "ClusterNotFoundException" || r.ErrorsByName[0].Count != 10 {
		t.Errorf("errors by name = %+v, want [ClusterNotFoundException 10]", r.ErrorsByName)
	}
	if r.Latency.Count != 0 {
		t.Errorf("latency count = %d, want 0 (only ok calls are timed)", r.Latency.Count)
	}
	if !strings.Contains(stderr.String(), "no call succeeded") {
		t.Errorf("stderr = %q, want it to say no call succeeded", stderr.String())
	}
	var raw map[string]any
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &raw); err != nil || raw["errors_by_name"] == nil {
		t.Errorf("result JSON lacks errors_by_name: %v", err)
	}
}
