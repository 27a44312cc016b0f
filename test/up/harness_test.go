package up

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Bounds on waits that depend on the machine, not assertions on speed.
const (
	startWait  = 60 * time.Second  // for the welcome
	statusWait = 60 * time.Second  // for a task to reach a status
	exitWait   = 180 * time.Second // for berth to exit after SIGINT
	pollEvery  = 300 * time.Millisecond
)

// binDir holds the binary; TestMain removes it.
var binDir string

// The binary, built once by the first test that needs it.
var (
	buildOnce sync.Once
	berthBin  string
	buildErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "berth-up-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildBerth builds the berth binary once and fails t if it cannot. It
// runs inside a test, where go test records the files statSources looks at.
func buildBerth(t *testing.T) {
	t.Helper()
	buildOnce.Do(func() {
		if buildErr = statSources("../.."); buildErr != nil {
			return
		}
		bin := filepath.Join(binDir, "berth")
		out, err := exec.Command("go", "build", "-o", bin, "github.com/berth-io/berth/cmd/berth").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		berthBin = bin
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
}

// statSources stats every Go source and go.mod/go.sum of the module at
// root. The binary is built by a subprocess, which go test's result cache
// does not see; the files a test stats are part of the cache key, so a
// change to berth's code reruns these tests instead of replaying a result.
func statSources(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if name := d.Name(); strings.HasSuffix(name, ".go") || name == "go.mod" || name == "go.sum" {
			_, err = os.Stat(path)
		}
		return err
	})
}

// requireTools skips the test (fails it in CI) when bash or the aws CLI is
// missing.
func requireTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"bash", "aws"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is required in CI: %v", tool, err)
			}
			t.Skipf("SKIPPING: %s is not installed (%v)", tool, err)
		}
	}
}

// cleanEnv is this process's environment without BERTH_* and AWS_*
// variables, with the aws CLI kept away from the user's ~/.aws files, plus
// extra.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "BERTH_") || strings.HasPrefix(kv, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
	return append(env, extra...)
}

// welcome is what `berth up` printed on stdout before serving.
type welcome struct {
	text     string
	endpoint string
	dataDir  string
	keyID    string
	envCmd   string   // the suggested `berth env ...` command
	export   string   // the export line
	awsLines []string // the aws CLI example, in order
}

// parseWelcome reads lines up to the closing "Ctrl-C ..." line.
func parseWelcome(lines []string) (welcome, error) {
	var w welcome
	w.text = strings.Join(lines, "\n")
	for _, line := range lines {
		trimmed := strings.TrimSpace(line)
		field := func(prefix string) (string, bool) { return strings.CutPrefix(trimmed, prefix) }
		if v, ok := field("endpoint:"); ok {
			w.endpoint = strings.TrimSpace(v)
		}
		if v, ok := field("data dir:"); ok {
			w.dataDir, _, _ = strings.Cut(strings.TrimSpace(v), " (")
		}
		if v, ok := field("credentials:"); ok {
			w.keyID, _, _ = strings.Cut(strings.TrimSpace(v), " ")
		}
		if _, v, ok := strings.Cut(trimmed, "~/.aws/config profile: "); ok {
			w.envCmd = v
		}
		if strings.HasPrefix(trimmed, "export ") {
			w.export = trimmed
		}
		if strings.HasPrefix(trimmed, "aws ") {
			w.awsLines = append(w.awsLines, trimmed)
		}
	}
	if w.endpoint == "" || w.keyID == "" || w.export == "" || len(w.awsLines) == 0 || w.envCmd == "" {
		return w, fmt.Errorf("incomplete welcome (endpoint %q, key %q, export %q, %d aws lines, env command %q):\n%s",
			w.endpoint, w.keyID, w.export, len(w.awsLines), w.envCmd, w.text)
	}
	return w, nil
}

// berthUp is a running `berth up` subprocess.
type berthUp struct {
	t    *testing.T
	cmd  *exec.Cmd
	w    welcome
	env  []string
	done chan struct{}

	mu     sync.Mutex
	stderr bytes.Buffer
}

// startUp starts `berth up args...` with env and waits for its welcome.
func startUp(t *testing.T, env []string, args ...string) *berthUp {
	t.Helper()
	buildBerth(t)
	cmd := exec.Command(berthBin, append([]string{"up"}, args...)...)
	cmd.Env = env
	u := &berthUp{t: t, cmd: cmd, env: env, done: make(chan struct{})}
	cmd.Stderr = lockedWriter{u}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = cmd.Wait()
		close(u.done)
	}()
	t.Cleanup(u.kill)

	lines := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		var got []string
		for sc.Scan() {
			got = append(got, sc.Text())
			if strings.HasPrefix(sc.Text(), "Ctrl-C") {
				lines <- got
				got = nil
			}
		}
		if got != nil {
			lines <- got
		}
	}()
	select {
	case got := <-lines:
		w, err := parseWelcome(got)
		if err != nil {
			t.Fatalf("%v\nstderr:\n%s", err, u.logs())
		}
		u.w = w
	case <-u.done:
		t.Fatalf("berth up exited before its welcome (%v); stderr:\n%s", cmd.ProcessState, u.logs())
	case <-time.After(startWait):
		t.Fatalf("berth up printed no welcome within %s; stderr:\n%s", startWait, u.logs())
	}
	return u
}

type lockedWriter struct{ u *berthUp }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.u.mu.Lock()
	defer w.u.mu.Unlock()
	return w.u.stderr.Write(p)
}

func (u *berthUp) logs() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.stderr.String()
}

// interrupt sends SIGINT and returns the exit code.
func (u *berthUp) interrupt() int {
	u.t.Helper()
	if err := u.cmd.Process.Signal(os.Interrupt); err != nil {
		u.t.Fatalf("SIGINT: %v", err)
	}
	select {
	case <-u.done:
	case <-time.After(exitWait):
		u.t.Fatalf("berth up still running %s after SIGINT; stderr:\n%s", exitWait, u.logs())
	}
	return u.cmd.ProcessState.ExitCode()
}

// kill ends a berth up that a failed test left running.
func (u *berthUp) kill() {
	select {
	case <-u.done:
	default:
		_ = u.cmd.Process.Kill()
		<-u.done
	}
}

// shell runs script in bash with the berth-free environment.
func (u *berthUp) shell(script string) (string, error) {
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = cleanEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("bash -c %q: %v\nstderr: %s", script, err, stderr.String())
	}
	return string(out), nil
}

// example runs the welcome's export line and then line, as a user pasting
// them would, and returns the output.
func (u *berthUp) example(line string) string {
	u.t.Helper()
	out, err := u.shell(u.w.export + "\n" + line)
	if err != nil {
		u.t.Fatalf("%v\nberth stderr:\n%s", err, u.logs())
	}
	return out
}

// ecs runs `aws --endpoint-url E ecs args...` with the welcome's
// credentials and decodes the JSON answer into out.
func (u *berthUp) ecs(out any, args ...string) {
	u.t.Helper()
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	text := u.example("aws --endpoint-url " + u.w.endpoint + " --output json ecs " + strings.Join(quoted, " "))
	if err := json.Unmarshal([]byte(text), out); err != nil {
		u.t.Fatalf("aws ecs %s: decoding %q: %v", strings.Join(args, " "), text, err)
	}
}

// task is the part of a described task the tests look at.
type task struct {
	TaskArn              string `json:"taskArn"`
	LastStatus           string `json:"lastStatus"`
	DesiredStatus        string `json:"desiredStatus"`
	StopCode             string `json:"stopCode"`
	StoppedReason        string `json:"stoppedReason"`
	ContainerInstanceArn string `json:"containerInstanceArn"`
	Containers           []struct {
		RuntimeID string `json:"runtimeId"`
	} `json:"containers"`
}

// describe returns the task arn as DescribeTasks shows it.
func (u *berthUp) describe(arn string) task {
	u.t.Helper()
	var out struct {
		Tasks    []task `json:"tasks"`
		Failures []any  `json:"failures"`
	}
	u.ecs(&out, "describe-tasks", "--cluster", "default", "--tasks", arn)
	if len(out.Tasks) != 1 {
		u.t.Fatalf("describe-tasks %s: got %d tasks and failures %v, want 1 task", arn, len(out.Tasks), out.Failures)
	}
	return out.Tasks[0]
}

// waitStatus polls DescribeTasks until the task's last status is want.
func (u *berthUp) waitStatus(arn, want string) task {
	u.t.Helper()
	deadline := time.Now().Add(statusWait)
	for {
		tk := u.describe(arn)
		if tk.LastStatus == want {
			return tk
		}
		if time.Now().After(deadline) {
			u.t.Fatalf("task %s: last status %s after %s, want %s (stopped reason %q); berth stderr:\n%s",
				arn, tk.LastStatus, statusWait, want, tk.StoppedReason, u.logs())
		}
		time.Sleep(pollEvery)
	}
}

// listTasks returns the task ARNs of cluster default with the desired
// status.
func (u *berthUp) listTasks(desired string) []string {
	u.t.Helper()
	var out struct {
		TaskArns []string `json:"taskArns"`
	}
	u.ecs(&out, "list-tasks", "--cluster", "default", "--desired-status", desired)
	return out.TaskArns
}

// processOf returns the pid the process runtime recorded for a container.
func processOf(t *testing.T, dataDir, runtimeID string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dataDir, "agent", "process", runtimeID+".json"))
	if err != nil {
		t.Fatalf("process record of container %s: %v", runtimeID, err)
	}
	var rec struct{ Pid int }
	if err := json.Unmarshal(data, &rec); err != nil || rec.Pid <= 0 {
		t.Fatalf("process record of container %s: pid %d, err %v", runtimeID, rec.Pid, err)
	}
	return rec.Pid
}

// alive reports whether pid is a live process (a zombie waiting for its
// parent to reap it counts as gone).
func alive(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 || i+2 >= len(data) {
		return false
	}
	return data[i+2] != 'Z'
}

// killLater makes sure a task process the test started is gone when the
// test ends, whatever happened.
func killLater(t *testing.T, pid int) {
	t.Cleanup(func() {
		if alive(pid) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
}

// cmdBerth returns a command running the built binary with env.
func cmdBerth(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	buildBerth(t)
	cmd := exec.Command(berthBin, args...)
	cmd.Env = env
	return cmd
}
