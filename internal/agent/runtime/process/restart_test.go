package process_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/runtimetest"
)

// The test binary doubles as a short-lived agent: run with helperEnv set
// to a state directory, it starts a probe container there, prints the
// container's ID and exits, leaving the process behind as a real agent
// restart would.
const (
	helperEnv      = "BERTH_PROCESS_AGENT_HELPER"
	helperTaskEnv  = "BERTH_PROCESS_AGENT_TASK"
	helperProbeEnv = "BERTH_PROCESS_AGENT_PROBE"
)

func runAgentHelper(dir string) int {
	if err := agentHelper(dir); err != nil {
		fmt.Fprintln(os.Stderr, "agent helper:", err)
		return 1
	}
	return 0
}

func agentHelper(dir string) error {
	rt := newRuntime(&testing.B{}, dir)
	ctx := context.Background()
	entry, cmd, _ := runtimetest.ProbeCommand(os.Getenv(helperProbeEnv), "127.0.0.1")(runtimetest.Program{Forever: true})
	id, err := rt.Create(ctx, runtime.ContainerSpec{
		TaskARN: os.Getenv(helperTaskEnv), ContainerName: "app", EntryPoint: entry, Command: cmd,
	})
	if err != nil {
		return err
	}
	if err := rt.Start(ctx, id); err != nil {
		return err
	}
	logs, err := rt.Logs(ctx, id, true)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(logs)
	for sc.Scan() && sc.Text() != runtimetest.ProbeReady {
	}
	fmt.Println(id)
	return nil
}

// TestAdoptAfterAgentExit starts a container from another process that
// then exits, and adopts the container: List finds it running, Stop ends
// it, and Wait reports the exit code as unknown.
func TestAdoptAfterAgentExit(t *testing.T) {
	dir := t.TempDir()
	task := runtimetest.TaskARN()
	helper := exec.Command(os.Args[0])
	helper.Env = append(os.Environ(), helperEnv+"="+dir, helperTaskEnv+"="+task, helperProbeEnv+"="+probe)
	helper.Stderr = os.Stderr
	out, err := helper.Output()
	if err != nil {
		t.Fatalf("agent helper: %v", err)
	}
	id := strings.TrimSpace(string(out))

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rt := newRuntime(t, dir)
	found, err := rt.List(ctx, task)
	if err != nil || len(found) != 1 || found[0].ID != id || found[0].Status != runtime.StatusRunning {
		t.Fatalf("List after the agent exited: got %+v, %v, want %s running", found, err, id)
	}
	st, err := rt.Inspect(ctx, id)
	if err != nil || st.Pid == 0 {
		t.Fatalf("Inspect: got %+v, %v, want running with a pid", st, err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-st.Pid, syscall.SIGKILL) })
	if err := rt.Stop(ctx, id, 10*time.Second); err != nil {
		t.Fatalf("Stop: got error %v, want nil", err)
	}
	res, err := rt.Wait(ctx, id)
	if err != nil || !res.ExitCodeUnknown || res.Reason == "" {
		t.Fatalf("Wait: got %+v, %v, want an unknown exit code with a reason", res, err)
	}
	if st, err := rt.Inspect(ctx, id); err != nil || st.Status != runtime.StatusExited || !st.Exit.ExitCodeUnknown {
		t.Fatalf("Inspect after Stop: got %+v, %v, want exited, exit code unknown", st, err)
	}
	if err := rt.Remove(ctx, id); err != nil {
		t.Fatalf("Remove: got error %v, want nil", err)
	}
}
