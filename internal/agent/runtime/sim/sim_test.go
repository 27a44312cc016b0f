package sim_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/runtimetest"
	"github.com/berth-io/berth/internal/agent/runtime/sim"
)

const missingImage = "berth-test/missing:latest"

// simCommand expresses a runtimetest.Program as a shell script the sim
// runtime understands.
func simCommand(p runtimetest.Program) ([]string, []string, bool) {
	var stmts []string
	if p.IgnoreTerm {
		stmts = append(stmts, "trap '' TERM")
	}
	switch {
	case p.Forever:
		stmts = append(stmts, "sleep infinity")
	case p.Sleep > 0:
		stmts = append(stmts, fmt.Sprintf("sleep %g", p.Sleep.Seconds()))
	}
	stmts = append(stmts, fmt.Sprintf("exit %d", p.Exit))
	return []string{"sh", "-c"}, []string{strings.Join(stmts, "; ")}, true
}

func TestConformance(t *testing.T) {
	runtimetest.Run(t, runtimetest.Harness{
		New: func(t *testing.T, _ string) runtime.Runtime {
			return sim.New(sim.Options{PullFails: func(image string) bool { return image == missingImage }})
		},
		Command:      simCommand,
		Image:        "berth-test/anything:latest",
		MissingImage: missingImage,
	})
}
