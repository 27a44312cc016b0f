package agent

import (
	"fmt"
	"os"
	"testing"

	"github.com/berth-io/berth/internal/agent/runtime/runtimetest"
)

// TestMain repeats, after the tests, that the docker tests were skipped
// or failed for want of a daemon, so that a long output does not hide it.
func TestMain(m *testing.M) {
	code := m.Run()
	fmt.Fprint(os.Stderr, runtimetest.DockerMissingNotice("AGENT DOCKER TESTS"))
	os.Exit(code)
}
