package scale

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// restarted is one restart of the server process and what it measured.
type restarted struct {
	// startCall is how long server.Start took inside the child; healthz
	// and firstCall are from process start (exec) until /healthz answered
	// 200 and until the first signed ListTasks succeeded.
	startCall, healthz, firstCall time.Duration
	// cpuUser and cpuSys are the CPU time the process had used when the
	// first ListTasks succeeded: on a shared machine steadier than the
	// wall-clock times.
	cpuUser, cpuSys time.Duration
	// listTasks is the median latency of ListTasks (first page, 100 of the
	// RUNNING tasks) and describeTasks that of DescribeTasks of 100 tasks,
	// once serving.
	listTasks, describeTasks time.Duration
	mem                      procMem
	heap                     heapStats
}

// child is a running server process.
type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
}

// startChild re-executes the test binary as a server on dir listening on
// addr.
func startChild(dir, addr, profileDir string) (*child, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envChildDir+"="+dir, envChildListen+"="+addr, envChildProfile+"="+profileDir)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, stdin: stdin, lines: make(chan string, 16)}
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
	}()
	return c, nil
}

// expect waits for the child's next line with the given prefix and
// returns the rest of it.
func (c *child) expect(prefix string) (string, error) {
	for line := range c.lines {
		if rest, ok := strings.CutPrefix(line, lineFailed+" "); ok {
			return "", fmt.Errorf("server process: %s", rest)
		}
		if rest, ok := strings.CutPrefix(line, prefix+" "); ok {
			return rest, nil
		}
	}
	return "", fmt.Errorf("server process ended before writing %q", prefix)
}

// stop closes the child's stdin (it closes its server and exits) and waits.
func (c *child) stop() error {
	c.stdin.Close()
	for range c.lines {
	}
	return c.cmd.Wait()
}

// newClient returns an ECS client of url signing with the test's key;
// a nil retryer means the SDK's standard one.
func newClient(url string, retryer aws.Retryer) *awsecs.Client {
	return awsecs.New(awsecs.Options{
		Region: region, BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
		Retryer:     retryer,
	})
}

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// restart starts a server process on dir and measures it until it serves.
func restart(dir string, c config, pop *populated, profileDir string) (*restarted, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	url := "http://" + addr
	began := time.Now()
	ch, err := startChild(dir, addr, profileDir)
	if err != nil {
		return nil, err
	}
	out, err := measureChild(ch, url, began, c, pop)
	if stopErr := ch.stop(); err == nil && stopErr != nil {
		err = fmt.Errorf("server process: %w", stopErr)
	}
	return out, err
}

// measureChild polls the child until it serves, checks its state and
// reads its memory.
func measureChild(ch *child, url string, began time.Time, c config, pop *populated) (*restarted, error) {
	// The timed polls must not back off, so their client never retries;
	// the checks after it use the SDK's standard retryer, which retries the
	// rare "use of closed network connection" read error of the SDK's
	// transport (aws/aws-sdk-go-v2#2737) as it would for any caller.
	client := newClient(url, aws.NopRetryer{})
	checks := newClient(url, nil)
	out := &restarted{}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := poll(ctx, began, func(ctx context.Context) error { return healthz(ctx, url) }); err != nil {
		return nil, err
	}
	out.healthz = time.Since(began)
	if err := poll(ctx, began, func(ctx context.Context) error {
		_, err := client.ListTasks(ctx, &awsecs.ListTasksInput{Cluster: aws.String(clusterName)})
		return err
	}); err != nil {
		return nil, err
	}
	out.firstCall = time.Since(began)
	pid := strconv.Itoa(ch.cmd.Process.Pid)
	var err error
	if out.cpuUser, out.cpuSys, err = readCPUTime(pid); err != nil {
		return nil, err
	}
	started, err := ch.expect(lineStarted)
	if err != nil {
		return nil, err
	}
	ns, err := strconv.ParseInt(started, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("server process wrote %q: %w", started, err)
	}
	out.startCall = time.Duration(ns)
	if err := checkServed(checks, c, pop, out); err != nil {
		return nil, err
	}
	if out.mem, err = readProcMem(pid); err != nil {
		return nil, err
	}
	if _, err := io.WriteString(ch.stdin, lineStats+"\n"); err != nil {
		return nil, err
	}
	stats, err := ch.expect(lineStats)
	if err != nil {
		return nil, err
	}
	var cs childStats
	if err := json.Unmarshal([]byte(stats), &cs); err != nil {
		return nil, err
	}
	out.heap = cs.Heap
	return out, nil
}

// poll calls fn every 5 ms until it succeeds or a minute has passed since
// began. A server that is still loading its index accepts connections but
// answers only once it serves, so a call may wait that long.
func poll(ctx context.Context, began time.Time, fn func(ctx context.Context) error) error {
	for {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		if time.Since(began) > time.Minute {
			return fmt.Errorf("not serving a minute after start: %w", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func healthz(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthz: got status %d, want 200", resp.StatusCode)
	}
	return nil
}

// checkServed checks the restarted server's state through the signed API:
// the cluster's counters, a full first page of ListTasks, and the sampled
// running and stopped tasks with their statuses. It records the latency
// of ListTasks and DescribeTasks.
func checkServed(client *awsecs.Client, c config, pop *populated, out *restarted) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	d, err := client.DescribeClusters(ctx, &awsecs.DescribeClustersInput{Clusters: []string{clusterName}})
	if err != nil {
		return err
	}
	if len(d.Clusters) != 1 {
		return errors.New("DescribeClusters: cluster not found after restart")
	}
	cl := d.Clusters[0]
	if err := wantCounts(toModelCounts(cl), c); err != nil {
		return fmt.Errorf("after restart: %w", err)
	}
	var lats []time.Duration
	for range 5 {
		t0 := time.Now()
		l, err := client.ListTasks(ctx, &awsecs.ListTasksInput{Cluster: aws.String(clusterName)})
		if err != nil {
			return err
		}
		lats = append(lats, time.Since(t0))
		if want := min(100, c.liveTasks()); len(l.TaskArns) != want {
			return fmt.Errorf("ListTasks after restart: got %d ARNs, want %d", len(l.TaskArns), want)
		}
	}
	out.listTasks = median(lats)
	lats = lats[:0]
	for _, sample := range []struct {
		arns    []string
		desired string
	}{{pop.runningSample, "RUNNING"}, {pop.stopSample, "STOPPED"}} {
		if len(sample.arns) == 0 {
			continue
		}
		t0 := time.Now()
		dt, err := client.DescribeTasks(ctx, &awsecs.DescribeTasksInput{Cluster: aws.String(clusterName), Tasks: sample.arns})
		if err != nil {
			return err
		}
		lats = append(lats, time.Since(t0))
		if len(dt.Tasks) != len(sample.arns) || len(dt.Failures) != 0 {
			return fmt.Errorf("DescribeTasks after restart: got %d tasks and %d failures, want %d tasks", len(dt.Tasks), len(dt.Failures), len(sample.arns))
		}
		for _, task := range dt.Tasks {
			if aws.ToString(task.DesiredStatus) != sample.desired {
				return fmt.Errorf("task %s after restart: got desired status %s, want %s", aws.ToString(task.TaskArn), aws.ToString(task.DesiredStatus), sample.desired)
			}
		}
	}
	out.describeTasks = median(lats)
	return nil
}

// toModelCounts copies the counters wantCounts checks.
func toModelCounts(cl types.Cluster) clusterCounters {
	return clusterCounters{instances: int(cl.RegisteredContainerInstancesCount), pending: int(cl.PendingTasksCount), running: int(cl.RunningTasksCount)}
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
