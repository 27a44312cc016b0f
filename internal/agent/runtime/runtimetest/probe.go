package runtimetest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"time"
)

// Program is what a test container should do, independent of the runtime.
// The probe runs it in this order: print, listen, print ProbeReady, then run
// until a signal (Forever) or sleep for Sleep and exit with Exit.
type Program struct {
	// PrintArgs prints each argument after the program name as "arg=<v>".
	PrintArgs bool
	// PrintEnv prints each environment variable as "env=<K=V>", sorted.
	PrintEnv bool
	// PrintCwd prints the working directory as "cwd=<dir>".
	PrintCwd bool
	// Say lines go to stdout, Err lines to stderr.
	Say, Err []string
	// Listen is a container port to serve TCP on; each connection is
	// answered with a line starting with "probe ". 0 means none.
	Listen int
	// Forever keeps the program running until a signal ends it.
	Forever bool
	// Sleep is how long to run before exiting with Exit.
	Sleep time.Duration
	Exit  int
	// IgnoreTerm makes the program ignore SIGTERM.
	IgnoreTerm bool
	// AllocMiB is memory to allocate and touch first (to trip a memory
	// limit). Not part of the suite: the process runtime sets no limits.
	AllocMiB int
}

// needsOutput reports whether p prints anything or listens, which only a
// runtime that really executes commands can do.
func (p Program) needsOutput() bool {
	return p.PrintArgs || p.PrintEnv || p.PrintCwd || len(p.Say) > 0 || len(p.Err) > 0 || p.Listen != 0 || p.AllocMiB != 0
}

// ProbeReady is the line the probe prints once its signal handling and
// listener are in place.
const ProbeReady = "probe: ready"

// ProbeCommand returns a Harness.Command that runs programs with the probe
// at probePath (the path inside the image for docker, on the host for the
// process runtime). The probe listens on listenHost:port (use "" inside a
// container's own network namespace, "127.0.0.1" on the host).
func ProbeCommand(probePath, listenHost string) func(Program) ([]string, []string, bool) {
	return func(p Program) ([]string, []string, bool) {
		var args []string
		flag := func(on bool, name string) {
			if on {
				args = append(args, name)
			}
		}
		flag(p.PrintArgs, "-print-args")
		flag(p.PrintEnv, "-print-env")
		flag(p.PrintCwd, "-print-cwd")
		flag(p.Forever, "-forever")
		flag(p.IgnoreTerm, "-ignore-term")
		for _, l := range p.Say {
			args = append(args, "-say", l)
		}
		for _, l := range p.Err {
			args = append(args, "-err", l)
		}
		if p.Listen != 0 {
			args = append(args, "-listen", listenHost+":"+strconv.Itoa(p.Listen))
		}
		if p.AllocMiB > 0 {
			args = append(args, "-alloc-mib", strconv.Itoa(p.AllocMiB))
		}
		if p.Sleep > 0 {
			args = append(args, "-sleep", p.Sleep.String())
		}
		if p.Exit != 0 {
			args = append(args, "-exit", strconv.Itoa(p.Exit))
		}
		return []string{probePath}, args, true
	}
}

// BuildProbe compiles the probe program (../testdata/probe) as a static
// binary (CGO_ENABLED=0, linux) named "probe" in dir and returns its path.
// The go build cache makes repeated builds cheap.
func BuildProbe(dir string) (string, error) {
	_, self, _, ok := goruntime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cannot locate the runtimetest source directory")
	}
	src := filepath.Join(filepath.Dir(self), "..", "testdata", "probe")
	out := filepath.Join(dir, "probe")
	cmd := exec.Command(goTool(), "build", "-trimpath", "-o", out, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build probe: %v\n%s", err, b)
	}
	return out, nil
}

// goTool finds the go command: on PATH, else under GOROOT.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	return filepath.Join(goruntime.GOROOT(), "bin", "go")
}
