package docker

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/client"

	"github.com/berth-io/berth/internal/agent/runtime/runtimetest"
)

// probeImage is the FROM-scratch image holding the probe at /probe, built
// once per test binary by runtimetest.BuildProbeImage (and reused across
// runs while the probe is unchanged).
const probeImage = runtimetest.ProbeImage

var (
	setupOnce sync.Once
	// noSocket is set when there is no daemon socket at all.
	noSocket string
	setupErr error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if noSocket != "" {
		what := "SKIPPED"
		if os.Getenv("CI") == "true" {
			what = "FAILED (CI=true)"
		}
		fmt.Fprintf(os.Stderr, "\n*** DOCKER RUNTIME TESTS %s: no Docker daemon socket at %s ***\n\n", what, noSocket)
	}
	os.Exit(code)
}

// requireDocker returns a docker Runtime for this machine's daemon, with
// the probe image built. Without a daemon socket the test is skipped,
// unless CI=true, when it fails; any other setup problem fails it.
func requireDocker(t testing.TB) *Runtime {
	t.Helper()
	setupOnce.Do(setup)
	switch {
	case noSocket != "" && os.Getenv("CI") == "true":
		t.Fatalf("CI=true but there is no Docker daemon socket at %s: the docker runtime cannot be tested", noSocket)
	case noSocket != "":
		t.Skipf("NO DOCKER DAEMON: no socket at %s; the docker runtime tests did NOT run", noSocket)
	case setupErr != nil:
		t.Fatalf("docker test setup: %v", setupErr)
	}
	rt, err := New(Options{})
	if err != nil {
		t.Fatalf("docker.New: %v", err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt
}

// socketPath is the unix socket the client will use, or "" when
// DOCKER_HOST is not a unix socket.
func socketPath() string {
	host := os.Getenv("DOCKER_HOST")
	if host == "" {
		host = client.DefaultDockerHost
	}
	path, ok := strings.CutPrefix(host, "unix://")
	if !ok {
		return ""
	}
	return path
}

func setup() {
	if p := socketPath(); p != "" {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			noSocket = p
			return
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rt, err := New(Options{})
	if err != nil {
		setupErr = err
		return
	}
	defer rt.Close()
	if err := rt.Ping(ctx); err != nil {
		setupErr = fmt.Errorf("the Docker daemon socket exists but the daemon does not answer: %w", err)
		return
	}
	setupErr = runtimetest.BuildProbeImage(ctx, rt.cli)
}
