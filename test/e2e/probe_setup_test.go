package e2e

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/docker/docker/client"

	"github.com/berth-io/berth/internal/agent/runtime/runtimetest"
)

// The probe program (internal/agent/runtime/testdata/probe) is what the
// docker and process runtime tests run: built once per test binary, as a
// host binary for the process runtime and as runtimetest.ProbeImage for
// docker.
var (
	probeOnce sync.Once
	probeDir  string
	probePath string
	probeErr  error

	dockerOnce sync.Once
	dockerCli  *client.Client
	dockerErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if probeDir != "" {
		_ = os.RemoveAll(probeDir)
	}
	if dockerCli != nil {
		_ = dockerCli.Close()
	}
	fmt.Fprint(os.Stderr, runtimetest.DockerMissingNotice("E2E DOCKER TESTS"))
	os.Exit(code)
}

// hostProbe returns the path of the probe compiled for this host.
func hostProbe(tb testing.TB) string {
	tb.Helper()
	probeOnce.Do(func() {
		probeDir, probeErr = os.MkdirTemp("", "berth-e2e-probe-")
		if probeErr == nil {
			probePath, probeErr = runtimetest.BuildProbe(probeDir)
		}
	})
	if probeErr != nil {
		tb.Fatalf("build the probe: %v", probeErr)
	}
	return probePath
}

// requireDocker returns a client of this machine's Docker daemon, with
// runtimetest.ProbeImage built (runtimetest.RequireDocker: skipped loudly
// without a daemon socket, failed under CI=true).
func requireDocker(tb testing.TB) *client.Client {
	tb.Helper()
	runtimetest.RequireDocker(tb, "the end-to-end docker tests")
	dockerOnce.Do(func() {
		dockerCli, dockerErr = client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	})
	if dockerErr != nil {
		tb.Fatalf("docker client: %v", dockerErr)
	}
	return dockerCli
}
