package e2e

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

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
	// noDockerSocket is the missing daemon socket, when there is none.
	noDockerSocket string
	dockerCli      *client.Client
	dockerErr      error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if probeDir != "" {
		_ = os.RemoveAll(probeDir)
	}
	if dockerCli != nil {
		_ = dockerCli.Close()
	}
	if noDockerSocket != "" {
		what := "SKIPPED"
		if os.Getenv("CI") == "true" {
			what = "FAILED (CI=true)"
		}
		fmt.Fprintf(os.Stderr, "\n*** E2E DOCKER TESTS %s: no Docker daemon socket at %s ***\n\n", what, noDockerSocket)
	}
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
// runtimetest.ProbeImage built. Without a daemon socket the test is
// skipped, loudly, unless CI=true, when it fails; a daemon that is there
// but does not answer, or an image that does not build, fails it.
func requireDocker(tb testing.TB) *client.Client {
	tb.Helper()
	dockerOnce.Do(setupDocker)
	switch {
	case noDockerSocket != "" && os.Getenv("CI") == "true":
		tb.Fatalf("CI=true but there is no Docker daemon socket at %s: berth's docker runtime cannot be tested end to end", noDockerSocket)
	case noDockerSocket != "":
		tb.Skipf("NO DOCKER DAEMON: no socket at %s; the end-to-end docker tests did NOT run", noDockerSocket)
	case dockerErr != nil:
		tb.Fatalf("docker setup: %v", dockerErr)
	}
	return dockerCli
}

func setupDocker() {
	if noDockerSocket = runtimetest.MissingDockerSocket(); noDockerSocket != "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		dockerErr = err
		return
	}
	if _, err := cli.Ping(ctx); err != nil {
		_ = cli.Close()
		dockerErr = fmt.Errorf("the Docker daemon socket exists but the daemon does not answer: %w", err)
		return
	}
	if err := runtimetest.BuildProbeImage(ctx, cli); err != nil {
		_ = cli.Close()
		dockerErr = err
		return
	}
	dockerCli = cli
}
