package e2e

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	dockercontainer "github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"

	"github.com/berth-io/berth/internal/agent"
	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/docker"
	"github.com/berth-io/berth/internal/agent/runtime/process"
	"github.com/berth-io/berth/internal/agent/runtime/runtimetest"
)

// target is a runtime that really runs the probe, seen through berth, with
// what differs between runtimes.
type target struct {
	name    string
	runtime string // the agent's Config.Runtime
	// image and entry are the container definition's image and entryPoint
	// that run the probe.
	image, entry string
	// hostNetwork: containers share the host's network (networkMode host,
	// hostPort = containerPort, the probe listens on 127.0.0.1); otherwise
	// each has its own (bridge mode, the probe listens on all of its
	// addresses and published ports bind to 127.0.0.1).
	hostNetwork bool
	// exitKnownAfterAdopt: the runtime learns the exit code of a container
	// a previous agent started.
	exitKnownAfterAdopt bool
	// instance returns the runtime the agent uses instead of opening
	// Config.Runtime by name, or nil.
	instance func(t *testing.T) runtime.Runtime
	// open returns a runtime that sees the containers of the agent whose
	// state dir is stateDir.
	open func(t *testing.T, stateDir string) runtime.Runtime
	// count returns how many containers the runtime holds for a task.
	count func(t *testing.T, stateDir, taskArn string) int
}

// program returns the entryPoint and command that run p with the probe.
func (tg target) program(p runtimetest.Program) (entry, command []string) {
	host := ""
	if tg.hostNetwork {
		host = "127.0.0.1"
	}
	entry, command, _ = runtimetest.ProbeCommand(tg.entry, host)(p)
	return entry, command
}

// networkMode is the task definition's network mode.
func (tg target) networkMode() types.NetworkMode {
	if tg.hostNetwork {
		return types.NetworkModeHost
	}
	return types.NetworkModeBridge
}

// dockerTarget is the docker runtime, with published ports bound to
// loopback. Without Docker the test is skipped (or fails under CI=true).
func dockerTarget(t *testing.T) target {
	t.Helper()
	cli := requireDocker(t)
	open := func(t *testing.T, _ string) runtime.Runtime {
		rt, err := docker.New(docker.Options{BindIP: "127.0.0.1"})
		if err != nil {
			t.Fatalf("docker runtime: %v", err)
		}
		return rt
	}
	return target{
		name: agent.RuntimeDocker, runtime: agent.RuntimeDocker,
		image: runtimetest.ProbeImage, entry: "/probe",
		exitKnownAfterAdopt: true,
		instance:            func(t *testing.T) runtime.Runtime { return open(t, "") },
		open:                open,
		count: func(t *testing.T, _, taskArn string) int {
			list, err := cli.ContainerList(context.Background(), dockercontainer.ListOptions{
				All: true, Filters: filters.NewArgs(filters.Arg("label", runtime.LabelTaskARN+"="+taskArn)),
			})
			if err != nil {
				t.Fatalf("list the task's containers through the Docker API: %v", err)
			}
			return len(list)
		},
	}
}

// processTarget is the process runtime running the host-built probe.
func processTarget(t *testing.T) target {
	t.Helper()
	open := func(t *testing.T, stateDir string) runtime.Runtime {
		// The agent keeps the process runtime's records here.
		rt, err := process.New(process.Options{StateDir: filepath.Join(stateDir, "process")})
		if err != nil {
			t.Fatalf("process runtime: %v", err)
		}
		return rt
	}
	return target{
		name: agent.RuntimeProcess, runtime: agent.RuntimeProcess,
		image: runtimetest.ProbeImage, entry: hostProbe(t),
		hostNetwork: true,
		open:        open,
		count: func(t *testing.T, stateDir, taskArn string) int {
			found, err := open(t, stateDir).List(context.Background(), taskArn)
			if err != nil {
				t.Fatalf("list the task's processes: %v", err)
			}
			return len(found)
		},
	}
}

// eachTarget runs f as a subtest for every runtime that executes the probe.
func eachTarget(t *testing.T, f func(t *testing.T, tg target)) {
	targets := []struct {
		name string
		new  func(*testing.T) target
	}{
		{agent.RuntimeDocker, dockerTarget},
		{agent.RuntimeProcess, processTarget},
	}
	for _, tc := range targets {
		t.Run(tc.name, func(t *testing.T) { f(t, tc.new(t)) })
	}
}

// node is a control plane and one agent on a target runtime. The agent can
// be restarted on the same state dir; when the test ends the agent stops
// and every container of the tasks the node ran is removed.
type node struct {
	t        *testing.T
	h        *harness
	tg       target
	stateDir string
	agent    *agent.Agent
	stop     func()
	tasks    []string
}

func startNode(t *testing.T, tg target) *node {
	t.Helper()
	n := &node{t: t, h: start(t), tg: tg, stateDir: t.TempDir()}
	t.Cleanup(n.cleanup)
	n.startAgent()
	return n
}

// startAgent runs a new agent on the node's state dir and waits for it to
// connect. Its default stop timeout is 30 s, so a shorter grace period can
// only come from the task definition.
func (n *node) startAgent() {
	n.t.Helper()
	cfg := agent.Config{
		Endpoint: n.h.srv.URL, Region: testRegion, AccessKeyID: testKey, SecretAccessKey: testSecret,
		Cluster: "default", Runtime: n.tg.runtime, StateDir: n.stateDir,
		CPU: 2048, MemoryMiB: 4096, StopTimeout: 30 * time.Second,
		Logger: slog.New(slog.DiscardHandler),
	}
	if n.tg.instance != nil {
		cfg.RuntimeInstance = n.tg.instance(n.t)
	}
	a, err := agent.New(cfg)
	if err != nil {
		n.t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	n.agent = a
	n.stop = func() {
		cancel()
		if err := <-done; err != nil {
			n.t.Errorf("agent Run: got %v, want nil after a clean shutdown", err)
		}
		if c, ok := cfg.RuntimeInstance.(io.Closer); ok {
			_ = c.Close()
		}
	}
	waitFor(n.t, "the agent to connect", a.Connected)
}

// restartAgent stops the agent, as a restart of `berth agent` would, and
// starts a new one on the same state dir.
func (n *node) restartAgent() {
	n.t.Helper()
	n.stop()
	n.stop = nil
	n.startAgent()
}

func (n *node) cleanup() {
	if n.stop != nil {
		n.stop()
	}
	rt := n.tg.open(n.t, n.stateDir)
	defer func() {
		if c, ok := rt.(io.Closer); ok {
			_ = c.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, arn := range n.tasks {
		found, err := rt.List(ctx, arn)
		if err != nil {
			n.t.Errorf("cleanup: list containers of %s: %v", arn, err)
			continue
		}
		for _, f := range found {
			if err := rt.Remove(ctx, f.ID); err != nil {
				n.t.Errorf("cleanup: remove container %s: %v", f.ID, err)
			}
		}
	}
}

// probe returns an essential container definition that runs the probe
// with program p.
func (n *node) probe(name string, p runtimetest.Program) types.ContainerDefinition {
	entry, command := n.tg.program(p)
	return types.ContainerDefinition{
		Name: aws.String(name), Image: aws.String(n.tg.image), Essential: aws.Bool(true),
		Cpu: 16, Memory: aws.Int32(64), EntryPoint: entry, Command: command,
	}
}

// register registers a task definition of the given containers in the
// target's network mode.
func (n *node) register(family string, containers ...types.ContainerDefinition) {
	n.t.Helper()
	registerTaskDef(n.t, n.h, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(family), NetworkMode: n.tg.networkMode(), ContainerDefinitions: containers,
	})
}

// run runs one task and returns it as RunTask did.
func (n *node) run(in *ecs.RunTaskInput) types.Task {
	n.t.Helper()
	out, err := n.h.ecs.RunTask(ctx(n.t), in)
	if err != nil {
		n.t.Fatalf("RunTask(%s): %v", aws.ToString(in.TaskDefinition), err)
	}
	if len(out.Tasks) != 1 {
		n.t.Fatalf("RunTask(%s): got %d tasks and failures %+v, want 1 task", aws.ToString(in.TaskDefinition), len(out.Tasks), out.Failures)
	}
	n.tasks = append(n.tasks, aws.ToString(out.Tasks[0].TaskArn))
	return out.Tasks[0]
}

// containers returns how many containers the runtime holds for a task.
func (n *node) containers(taskArn string) int {
	n.t.Helper()
	return n.tg.count(n.t, n.stateDir, taskArn)
}

// container returns the named container of a described task.
func container(t *testing.T, task types.Task, name string) types.Container {
	t.Helper()
	for _, c := range task.Containers {
		if aws.ToString(c.Name) == name {
			return c
		}
	}
	t.Fatalf("task %s has no container %q: %+v", aws.ToString(task.TaskArn), name, task.Containers)
	return types.Container{}
}
