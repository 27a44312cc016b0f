package process_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/process"
	"github.com/berth-io/berth/internal/agent/runtime/runtimetest"
)

// probe is the path of the probe binary built by TestMain.
var probe string

func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		os.Exit(runAgentHelper(dir))
	}
	os.Exit(withProbe(m))
}

func withProbe(m *testing.M) int {
	dir, err := os.MkdirTemp("", "berth-process-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	probe, err = runtimetest.BuildProbe(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// newRuntime returns a process runtime over stateDir.
func newRuntime(t testing.TB, stateDir string) *process.Runtime {
	t.Helper()
	rt, err := process.New(process.Options{StateDir: filepath.Join(stateDir, "state")})
	if err != nil {
		t.Fatalf("process.New: got error %v, want nil", err)
	}
	return rt
}

func harness() runtimetest.Harness {
	return runtimetest.Harness{
		New:                     func(t *testing.T, dir string) runtime.Runtime { return newRuntime(t, dir) },
		Command:                 runtimetest.ProbeCommand(probe, "127.0.0.1"),
		Image:                   "ignored",
		Executes:                true,
		HostNetwork:             true,
		Survives:                true,
		AdoptedExitMayBeUnknown: true,
	}
}

func TestConformance(t *testing.T) {
	runtimetest.Run(t, harness())
}
