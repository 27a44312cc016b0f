package docker

import (
	"fmt"
	"os"
	"testing"

	"github.com/berth-io/berth/internal/agent/runtime/runtimetest"
)

// probeImage is the FROM-scratch image holding the probe at /probe, built
// once per test binary by runtimetest.BuildProbeImage (and reused across
// runs while the probe is unchanged).
const probeImage = runtimetest.ProbeImage

func TestMain(m *testing.M) {
	code := m.Run()
	fmt.Fprint(os.Stderr, runtimetest.DockerMissingNotice("DOCKER RUNTIME TESTS"))
	os.Exit(code)
}

// requireDocker returns a docker Runtime for this machine's daemon, with
// the probe image built. Without a daemon socket the test is skipped,
// unless CI=true, when it fails; any other setup problem fails it
// (runtimetest.RequireDocker).
func requireDocker(t testing.TB) *Runtime {
	t.Helper()
	runtimetest.RequireDocker(t, "the docker runtime tests")
	rt, err := New(Options{})
	if err != nil {
		t.Fatalf("docker.New: %v", err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt
}
