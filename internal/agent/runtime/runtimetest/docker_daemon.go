package runtimetest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/client"
)

// The Docker daemon as this test binary found it, checked once.
var (
	daemonOnce sync.Once
	// daemonNoSocket is the daemon socket path when there is none.
	daemonNoSocket string
	daemonErr      error
)

// RequireDocker checks, once per test binary, that this machine's Docker
// daemon answers, and builds ProbeImage on it (BuildProbeImage). Without a
// daemon socket the test is skipped, loudly, unless the environment has
// CI=true, when it fails; a daemon that does not answer, or an image that
// does not build, fails it. what names the tests in the messages, e.g.
// "the docker runtime tests".
func RequireDocker(tb testing.TB, what string) {
	tb.Helper()
	daemonOnce.Do(checkDaemon)
	switch {
	case daemonNoSocket != "" && os.Getenv("CI") == "true":
		tb.Fatalf("CI=true but there is no Docker daemon socket at %s: %s cannot run", daemonNoSocket, what)
	case daemonNoSocket != "":
		tb.Skipf("NO DOCKER DAEMON: no socket at %s; %s did NOT run", daemonNoSocket, what)
	case daemonErr != nil:
		tb.Fatalf("docker test setup: %v", daemonErr)
	}
}

// DockerMissingNotice returns the line a TestMain prints after the tests
// when RequireDocker found no daemon socket ("" otherwise), so that skipped
// or failed docker tests are not missed in a long output. what is as for
// RequireDocker, in capitals by convention.
func DockerMissingNotice(what string) string {
	if daemonNoSocket == "" {
		return ""
	}
	verdict := "SKIPPED"
	if os.Getenv("CI") == "true" {
		verdict = "FAILED (CI=true)"
	}
	return fmt.Sprintf("\n*** %s %s: no Docker daemon socket at %s ***\n\n", what, verdict, daemonNoSocket)
}

// checkDaemon finds the socket, pings the daemon and builds ProbeImage.
func checkDaemon() {
	if daemonNoSocket = MissingDockerSocket(); daemonNoSocket != "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		daemonErr = err
		return
	}
	defer cli.Close()
	if _, err := cli.Ping(ctx); err != nil {
		daemonErr = fmt.Errorf("the Docker daemon socket exists but the daemon does not answer: %w", err)
		return
	}
	daemonErr = BuildProbeImage(ctx, cli)
}
