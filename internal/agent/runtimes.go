package agent

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/docker"
	"github.com/berth-io/berth/internal/agent/runtime/process"
	"github.com/berth-io/berth/internal/agent/runtime/sim"
)

// openRuntime returns cfg.RuntimeInstance, or opens the runtime cfg.Runtime
// names. The process runtime keeps its records under <state-dir>/process so
// that a restarted agent finds its processes.
func openRuntime(cfg Config) (runtime.Runtime, error) {
	if cfg.RuntimeInstance != nil {
		return cfg.RuntimeInstance, nil
	}
	switch cfg.Runtime {
	case RuntimeDocker:
		return docker.New(docker.Options{Host: cfg.DockerHost})
	case RuntimeProcess:
		return process.New(process.Options{StateDir: filepath.Join(cfg.StateDir, "process")})
	case RuntimeSim:
		return sim.New(sim.Options{}), nil
	default:
		return nil, fmt.Errorf("agent: unknown runtime %q", cfg.Runtime)
	}
}

// versioner is implemented by runtimes that can tell their engine's
// version (Docker's, for versionInfo.dockerVersion).
type versioner interface {
	Version(ctx context.Context) (string, error)
}

// runtimeVersion returns the runtime's version, or "" when it has none.
func runtimeVersion(ctx context.Context, rt runtime.Runtime) string {
	v, ok := rt.(versioner)
	if !ok {
		return ""
	}
	s, err := v.Version(ctx)
	if err != nil {
		return ""
	}
	return s
}
