package up

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestNewcomerPath follows the README: berth up, the printed aws CLI lines
// verbatim, berth env, Ctrl-C, and berth up again on the same data dir,
// with and without --keep-tasks.
func TestNewcomerPath(t *testing.T) {
	requireTools(t)
	dataDir := t.TempDir()

	// 1. First start: flags only.
	first := startUp(t, cleanEnv(), "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--runtime", "process", "--log-level", "warn")
	if !strings.HasPrefix(first.w.endpoint, "http://127.0.0.1:") {
		t.Errorf("endpoint: got %q, want http://127.0.0.1:<port>", first.w.endpoint)
	}
	if first.w.dataDir != dataDir {
		t.Errorf("data dir: got %q, want %q", first.w.dataDir, dataDir)
	}
	for _, name := range []string{"berth.db", "credentials", "agent"} {
		if _, err := os.Stat(filepath.Join(dataDir, name)); err != nil {
			t.Errorf("data dir entry %s: got %v, want it present", name, err)
		}
	}
	if len(first.w.awsLines) < 2 {
		t.Fatalf("aws lines: got %d, want register-task-definition and run-task at least:\n%s", len(first.w.awsLines), first.w.text)
	}

	// 2. The example, verbatim.
	var taskArn string
	for _, line := range first.w.awsLines {
		out := first.example(line)
		if !strings.Contains(line, " run-task ") {
			continue
		}
		var run struct {
			Tasks    []task `json:"tasks"`
			Failures []any  `json:"failures"`
		}
		if err := json.Unmarshal([]byte(out), &run); err != nil {
			t.Fatalf("run-task output %q: %v", out, err)
		}
		if len(run.Tasks) != 1 || len(run.Failures) != 0 {
			t.Fatalf("run-task: got %d tasks and failures %v, want 1 task and none", len(run.Tasks), run.Failures)
		}
		taskArn = run.Tasks[0].TaskArn
	}
	if taskArn == "" {
		t.Fatalf("the example has no run-task line:\n%s", first.w.text)
	}
	running := first.waitStatus(taskArn, "RUNNING")
	pid := processOf(t, dataDir, running.Containers[0].RuntimeID)
	killLater(t, pid)
	if !alive(pid) {
		t.Fatalf("task process %d: got not running, want running", pid)
	}

	// 3. berth env, as the welcome suggests it, is valid shell and points
	// the aws CLI at berth without --endpoint-url.
	out, err := first.shell(`eval "$(` + first.w.envCmd + `)"` + "\n" + `echo "$AWS_ACCESS_KEY_ID"; aws ecs list-tasks --cluster default --output text --query 'length(taskArns)'`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Fields(out), []string{first.w.keyID, "1"}; !slices.Equal(got, want) {
		t.Errorf("after eval of %q: got %q, want %q", first.w.envCmd, got, want)
	}

	// 4. Ctrl-C stops the task and exits 0.
	if code := first.interrupt(); code != 0 {
		t.Fatalf("exit code after SIGINT: got %d, want 0; stderr:\n%s", code, first.logs())
	}
	if alive(pid) {
		t.Errorf("task process %d after Ctrl-C: got running, want stopped", pid)
	}

	// 5. Second start, from a config file with --keep-tasks: the history
	// is there and the local agent is the same container instance.
	conf := filepath.Join(t.TempDir(), "berth.conf")
	writeFile(t, conf, "# berth up, second start\nlisten = 127.0.0.1:0\ndata-dir = "+dataDir+"\nruntime = process\nkeep-tasks = true\nlog-level = warn\n")
	second := startUp(t, cleanEnv(), "--config", conf)
	if second.w.keyID != first.w.keyID {
		t.Errorf("access key id after restart: got %s, want %s (kept in the data dir)", second.w.keyID, first.w.keyID)
	}
	checkHistory(t, second, taskArn, running.ContainerInstanceArn)
	if !strings.Contains(second.w.text, "keep running (--keep-tasks)") {
		t.Errorf("welcome with keep-tasks = true: got\n%s\nwant the keep-tasks note", second.w.text)
	}
	var kept string
	for _, line := range second.w.awsLines {
		if strings.Contains(line, " run-task ") {
			var run struct{ Tasks []task }
			if err := json.Unmarshal([]byte(second.example(line)), &run); err != nil || len(run.Tasks) != 1 {
				t.Fatalf("run-task on the second start: got %d tasks, err %v; want 1", len(run.Tasks), err)
			}
			kept = run.Tasks[0].TaskArn
		}
	}
	keptTask := second.waitStatus(kept, "RUNNING")
	keptPid := processOf(t, dataDir, keptTask.Containers[0].RuntimeID)
	killLater(t, keptPid)
	if code := second.interrupt(); code != 0 {
		t.Fatalf("exit code after SIGINT with keep-tasks: got %d, want 0; stderr:\n%s", code, second.logs())
	}
	if !alive(keptPid) {
		t.Fatalf("task process %d after Ctrl-C with keep-tasks: got stopped, want running", keptPid)
	}

	// 6. Third start, from the environment, without keep-tasks: the agent
	// adopts the kept task (same container, not a new one); Ctrl-C stops it.
	third := startUp(t, cleanEnv("BERTH_LISTEN=127.0.0.1:0", "BERTH_DATA_DIR="+dataDir, "BERTH_RUNTIME=process", "BERTH_LOG_LEVEL=warn"))
	adopted := third.waitStatus(kept, "RUNNING")
	if got, want := adopted.Containers[0].RuntimeID, keptTask.Containers[0].RuntimeID; got != want {
		t.Errorf("runtime id after restart: got %s, want %s (adopted)", got, want)
	}
	if !alive(keptPid) {
		t.Errorf("task process %d after restart: got stopped, want still running", keptPid)
	}
	if code := third.interrupt(); code != 0 {
		t.Fatalf("exit code after SIGINT: got %d, want 0; stderr:\n%s", code, third.logs())
	}
	if alive(keptPid) {
		t.Errorf("adopted task process %d after Ctrl-C: got running, want stopped", keptPid)
	}

	// 7. Fourth start: both tasks are in the history as stopped by the user.
	fourth := startUp(t, cleanEnv(), "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--runtime", "process", "--log-level", "warn")
	checkHistory(t, fourth, kept, running.ContainerInstanceArn)
	if stopped := fourth.listTasks("STOPPED"); !slices.Contains(stopped, taskArn) || !slices.Contains(stopped, kept) {
		t.Errorf("stopped tasks: got %v, want %s and %s among them", stopped, taskArn, kept)
	}
	if code := fourth.interrupt(); code != 0 {
		t.Fatalf("exit code after SIGINT: got %d, want 0; stderr:\n%s", code, fourth.logs())
	}
}

// checkHistory checks, on a restarted berth, that cluster default and
// sleep360:1 are still there, that arn was stopped by the shutdown of
// berth up, and that the local agent re-attached to instanceArn.
func checkHistory(t *testing.T, u *berthUp, arn, instanceArn string) {
	t.Helper()
	var clusters struct {
		Clusters []struct {
			ClusterName                       string `json:"clusterName"`
			Status                            string `json:"status"`
			RegisteredContainerInstancesCount int    `json:"registeredContainerInstancesCount"`
		} `json:"clusters"`
	}
	u.ecs(&clusters, "describe-clusters", "--clusters", "default")
	if len(clusters.Clusters) != 1 || clusters.Clusters[0].Status != "ACTIVE" || clusters.Clusters[0].RegisteredContainerInstancesCount != 1 {
		t.Errorf("cluster default after restart: got %+v, want one ACTIVE cluster with 1 container instance", clusters.Clusters)
	}
	var instances struct {
		ContainerInstanceArns []string `json:"containerInstanceArns"`
	}
	u.ecs(&instances, "list-container-instances", "--cluster", "default")
	if !slices.Equal(instances.ContainerInstanceArns, []string{instanceArn}) {
		t.Errorf("container instances after restart: got %v, want [%s] (re-attached)", instances.ContainerInstanceArns, instanceArn)
	}
	var def struct {
		TaskDefinition struct {
			Status   string `json:"status"`
			Revision int    `json:"revision"`
		} `json:"taskDefinition"`
	}
	u.ecs(&def, "describe-task-definition", "--task-definition", "sleep360:1")
	if def.TaskDefinition.Status != "ACTIVE" || def.TaskDefinition.Revision != 1 {
		t.Errorf("sleep360:1 after restart: got %+v, want ACTIVE revision 1", def.TaskDefinition)
	}
	tk := u.describe(arn)
	if tk.LastStatus != "STOPPED" || tk.StopCode != "UserInitiated" || !strings.Contains(tk.StoppedReason, "berth up") {
		t.Errorf("task %s after restart: got %s / %s / %q, want STOPPED / UserInitiated / a reason naming berth up",
			arn, tk.LastStatus, tk.StopCode, tk.StoppedReason)
	}
}

// TestBadConfigFile checks that a typo in the config file stops berth up
// before it starts anything, naming the file and line.
func TestBadConfigFile(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "berth.conf")
	writeFile(t, conf, "listen = 127.0.0.1:0\nruntme = process\n")
	dataDir := filepath.Join(t.TempDir(), "data")
	cmd := cmdBerth(t, cleanEnv("BERTH_CONFIG="+conf), "up", "--data-dir", dataDir)
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); err == nil || code != 1 {
		t.Fatalf("exit code: got %d (err %v), want 1; output:\n%s", code, err, out)
	}
	if want := conf + `:2: unknown setting "runtme"`; !strings.Contains(string(out), want) {
		t.Errorf("output: got\n%s\nwant it to contain %q", out, want)
	}
	if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
		t.Errorf("data dir after a bad config: got %v, want it not created", err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
