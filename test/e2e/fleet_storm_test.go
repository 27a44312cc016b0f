package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/berth-io/berth/internal/agent"
	"github.com/berth-io/berth/internal/server"
	"github.com/berth-io/berth/internal/sigv4"
)

// A storm runs tasks on a fleet of simulated instances (`berth fleet`:
// agent.NewFleet, sim runtime, zones assigned round-robin) against an
// in-process control plane with fsync on, through RunTask calls of
// count=10 from concurrent SDK clients. The instances are sized so that
// the storm fills them exactly: every instance has room for
// tasks/instances tasks of stormTaskCPU units and stormTaskMemory MiB.
const (
	stormTaskCPU    = 256
	stormTaskMemory = 512
	stormBatch      = 10 // RunTask count
	stormFamily     = "storm"
)

var stormZones = []string{"us-east-1a", "us-east-1b", "us-east-1c"}

// stormSize is how big a storm is.
type stormSize struct {
	instances, tasks, clients int
}

func (s stormSize) String() string {
	return fmt.Sprintf("instances=%d/tasks=%d", s.instances, s.tasks)
}

// perInstance is how many tasks fill one instance.
func (s stormSize) perInstance() int { return s.tasks / s.instances }

// newRetryingClient returns an SDK client with the SDK's standard retryer,
// as SDK users have it (the harness's clients make a single attempt).
// Under a storm's load the server often answers before net/http's write
// loop has finished with the request body; smithy-go closes the body once
// the answer is there, its closed body's WriteTo returns io.EOF, net/http
// takes that for a failed write and closes the connection while the
// response is still being read: "use of closed network connection" after
// a 200 (aws/aws-sdk-go-v2#2737). The standard retryer retries that;
// RunTask retries are safe because the SDK fills in a clientToken and
// berth honours it. Calls that needed a retry are counted (retried).
func newRetryingClient(endpoint string) *ecs.Client {
	return ecs.New(ecs.Options{
		Region:       testRegion,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(testKey, testSecret, ""),
	})
}

// retried reports whether a call needed more than one attempt.
func retried(md middleware.Metadata) bool {
	attempts, ok := retry.GetAttemptResults(md)
	return ok && len(attempts.Results) > 1
}

// stormCluster is a control plane with a connected fleet and the storm's
// task definition registered.
type stormCluster struct {
	size  stormSize
	h     *harness
	fleet *agent.Fleet
	stop  func()
	// retries counts the calls that needed more than one attempt.
	retries atomic.Int64
}

// newStormCluster starts the control plane and the fleet and waits for
// every instance to connect; close stops both.
func newStormCluster(tb testing.TB, size stormSize) *stormCluster {
	tb.Helper()
	if size.tasks%stormBatch != 0 || size.tasks%size.instances != 0 {
		tb.Fatalf("storm size %v: tasks must be a multiple of %d and of the instances", size, stormBatch)
	}
	srv, err := server.Start(context.Background(), server.Config{
		Listen: "127.0.0.1:0", DataDir: tb.TempDir(), Region: testRegion, AccountID: testAccount,
		Credentials: sigv4.StaticCredentials{testKey: testSecret},
	})
	if err != nil {
		tb.Fatal(err)
	}
	c := &stormCluster{size: size, h: &harness{srv: srv, ecs: newRetryingClient(srv.URL)}}
	fleet, err := agent.NewFleet(agent.FleetConfig{
		Agents: size.instances,
		Zones:  stormZones,
		Base: agent.Config{
			Endpoint: srv.URL, Region: testRegion, AccessKeyID: testKey, SecretAccessKey: testSecret,
			Cluster: "default", StateDir: tb.TempDir(),
			CPU:       int32(size.perInstance() * stormTaskCPU),
			MemoryMiB: int32(size.perInstance() * stormTaskMemory),
			Logger:    slog.New(slog.DiscardHandler),
		},
	})
	if err != nil {
		_ = srv.Close()
		tb.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fleet.Run(runCtx) }()
	c.fleet = fleet
	c.stop = func() {
		cancel()
		<-done
		if err := srv.Close(); err != nil {
			tb.Errorf("close server: %v", err)
		}
	}
	deadline := time.Now().Add(3 * time.Minute)
	for fleet.Connected() < size.instances {
		if time.Now().After(deadline) {
			c.stop()
			tb.Fatalf("timed out with %d of %d instances connected", fleet.Connected(), size.instances)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cctx, ccancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer ccancel()
	_, err = c.h.ecs.RegisterTaskDefinition(cctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(stormFamily),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("app"), Image: aws.String("busybox"), Essential: aws.Bool(true),
			Cpu: stormTaskCPU, Memory: aws.Int32(stormTaskMemory), Command: []string{"sleep", "infinity"},
		}},
	})
	if err != nil {
		c.stop()
		tb.Fatalf("RegisterTaskDefinition: %v", err)
	}
	return c
}

// close stops the fleet and the control plane.
func (c *stormCluster) close() { c.stop() }

// storm launches size.tasks tasks with RunTask count=stormBatch, spread
// over size.clients goroutines that each have their own SDK client, and
// returns the ARNs of the tasks launched. Errors and placement failures
// are reported on tb.
func (c *stormCluster) storm(tb testing.TB) []string {
	tb.Helper()
	calls := make(chan int)
	var (
		mu   sync.Mutex
		arns = make([]string, 0, c.size.tasks)
		wg   sync.WaitGroup
	)
	for range c.size.clients {
		client := newRetryingClient(c.h.srv.URL)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				rctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				out, err := client.RunTask(rctx, &ecs.RunTaskInput{
					TaskDefinition: aws.String(stormFamily), Count: aws.Int32(stormBatch),
					StartedBy: aws.String(fmt.Sprintf("storm-%d", i)),
				})
				cancel()
				if err == nil && retried(out.ResultMetadata) {
					c.retries.Add(1)
				}
				switch {
				case err != nil:
					tb.Errorf("RunTask call %d: %v", i, err)
					continue
				case len(out.Failures) > 0 || len(out.Tasks) != stormBatch:
					tb.Errorf("RunTask call %d: got %d tasks and failures %+v, want %d tasks", i, len(out.Tasks), out.Failures, stormBatch)
				}
				mu.Lock()
				for _, task := range out.Tasks {
					arns = append(arns, aws.ToString(task.TaskArn))
				}
				mu.Unlock()
			}
		}()
	}
	for i := range c.size.tasks / stormBatch {
		calls <- i
	}
	close(calls)
	wg.Wait()
	return arns
}

// awaitRunning polls DescribeClusters, whose task counters go by last
// status, until runningTasksCount is want and pendingTasksCount 0. It is
// cheap enough to poll every 20 ms without slowing the storm down; the
// tasks themselves are checked afterwards (allRunning). A deadline of
// timeout fails tb.
func (c *stormCluster) awaitRunning(tb testing.TB, want int, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		out, err := c.h.ecs.DescribeClusters(dctx, &ecs.DescribeClustersInput{Clusters: []string{"default"}})
		cancel()
		if err != nil || len(out.Clusters) != 1 {
			tb.Fatalf("DescribeClusters: got %v %+v, want the default cluster", err, out)
		}
		cl := out.Clusters[0]
		if cl.RunningTasksCount == int32(want) && cl.PendingTasksCount == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("timed out with %d tasks RUNNING and %d PENDING, want %d RUNNING", cl.RunningTasksCount, cl.PendingTasksCount, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// allRunning describes every task, 100 per call (the DescribeTasks
// limit), and fails tb for each one that is not RUNNING. It returns how
// many tasks each container instance runs.
func (c *stormCluster) allRunning(tb testing.TB, arns []string) map[string]int32 {
	tb.Helper()
	onInstance := map[string]int32{}
	for chunk := range slices.Chunk(arns, 100) {
		for _, task := range c.describeTasks(tb, chunk) {
			if s := aws.ToString(task.LastStatus); s != "RUNNING" {
				tb.Errorf("task %s: got %s (%s: %s), want RUNNING", aws.ToString(task.TaskArn), s, task.StopCode, aws.ToString(task.StoppedReason))
			}
			onInstance[aws.ToString(task.ContainerInstanceArn)]++
		}
	}
	return onInstance
}

// describeTasks describes up to 100 tasks, failing tb on an error or on a
// task the control plane does not know.
func (c *stormCluster) describeTasks(tb testing.TB, arns []string) []types.Task {
	tb.Helper()
	dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := c.h.ecs.DescribeTasks(dctx, &ecs.DescribeTasksInput{Tasks: arns})
	if err != nil {
		tb.Fatalf("DescribeTasks: %v", err)
	}
	if retried(out.ResultMetadata) {
		c.retries.Add(1)
	}
	if len(out.Failures) > 0 || len(out.Tasks) != len(arns) {
		tb.Fatalf("DescribeTasks of %d tasks: got %d tasks and failures %+v", len(arns), len(out.Tasks), out.Failures)
	}
	return out.Tasks
}
