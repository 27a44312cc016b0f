package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/berth-io/berth/internal/agent/runtime/runtimetest"
)

// The tests in this file run the probe through the whole of berth: the
// SDK, the control plane, the agent channel, an agent and a runtime that
// really executes it (Docker with runtimetest.ProbeImage, and the process
// runtime with the host-built probe where the check means something
// there). What the container saw is read back through berth's logs
// endpoint, its ports by connecting to them.

func kv(name, value string) types.KeyValuePair {
	return types.KeyValuePair{Name: aws.String(name), Value: aws.String(value)}
}

// stopAndWait stops a task through the API and waits for it to be STOPPED.
func stopAndWait(t *testing.T, h *harness, arn string) types.Task {
	t.Helper()
	if _, err := h.ecs.StopTask(ctx(t), &ecs.StopTaskInput{Task: aws.String(arn)}); err != nil {
		t.Fatalf("StopTask: %v", err)
	}
	return waitStatus(t, h, arn, "STOPPED")
}

func wantExitCode(t *testing.T, c types.Container, want int32) {
	t.Helper()
	if c.ExitCode == nil || *c.ExitCode != want {
		t.Errorf("container %s: got exit code %v, want %d", aws.ToString(c.Name), fmtCode(c.ExitCode), want)
	}
}

func fmtCode(p *int32) any {
	if p == nil {
		return "none"
	}
	return *p
}

func TestProbeSeesEnvironmentAndCommandOverride(t *testing.T) {
	eachTarget(t, func(t *testing.T, tg target) {
		n := startNode(t, tg)
		app := n.probe("app", runtimetest.Program{Forever: true, Say: []string{"from-definition"}})
		app.Environment = []types.KeyValuePair{kv("FROM_DEFINITION", "def"), kv("SHARED", "def")}
		n.register("env", app)
		_, command := tg.program(runtimetest.Program{Forever: true, PrintArgs: true, PrintEnv: true, Say: []string{"from-override"}})

		task := n.run(&ecs.RunTaskInput{TaskDefinition: aws.String("env"), Overrides: &types.TaskOverride{
			ContainerOverrides: []types.ContainerOverride{{
				Name: aws.String("app"), Command: command,
				Environment: []types.KeyValuePair{kv("SHARED", "override"), kv("FROM_OVERRIDE", "yes")},
			}},
		}})
		arn := aws.ToString(task.TaskArn)
		waitStatus(t, n.h, arn, "RUNNING")
		logs := waitLogLine(t, n.h, arn, "app", runtimetest.ProbeReady)

		tests := []struct {
			line string
			want bool
		}{
			{"env=FROM_DEFINITION=def", true},
			{"env=SHARED=override", true},
			{"env=FROM_OVERRIDE=yes", true},
			{"env=SHARED=def", false},
			{"arg=-print-env", true},
			{"from-override", true},
			{"from-definition", false},
		}
		for _, tc := range tests {
			if got := hasLine(logs, tc.line); got != tc.want {
				t.Errorf("line %q in the container's output: got %v, want %v; output:\n%s", tc.line, got, tc.want, logs)
			}
		}

		stopped := stopAndWait(t, n.h, arn)
		wantExitCode(t, container(t, stopped, "app"), 143)
		if stopped.StopCode != types.TaskStopCodeUserInitiated {
			t.Errorf("got stop code %s, want UserInitiated", stopped.StopCode)
		}
	})
}

func TestProbePortsAnswerOnLoopback(t *testing.T) {
	eachTarget(t, func(t *testing.T, tg target) {
		n := startNode(t, tg)
		static := freePort(t)
		type port struct {
			container                  string
			containerPort, requestHost int32 // requestHost 0: dynamic
		}
		var ports []port
		if tg.hostNetwork {
			// A process shares the host's network: only static ports,
			// with the host port equal to the container port.
			ports = []port{{"static", static, static}}
		} else {
			ports = []port{{"static", 8080, static}, {"dynamic", 8080, 0}}
		}
		var containers []types.ContainerDefinition
		for _, p := range ports {
			c := n.probe(p.container, runtimetest.Program{Forever: true, Listen: int(p.containerPort)})
			c.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(p.containerPort), HostPort: aws.Int32(p.requestHost), Protocol: types.TransportProtocolTcp}}
			containers = append(containers, c)
		}
		n.register("ports", containers...)
		arn := aws.ToString(n.run(&ecs.RunTaskInput{TaskDefinition: aws.String("ports")}).TaskArn)
		running := waitStatus(t, n.h, arn, "RUNNING")

		for _, p := range ports {
			c := container(t, running, p.container)
			if len(c.NetworkBindings) != 1 {
				t.Fatalf("container %s: got network bindings %+v, want 1", p.container, c.NetworkBindings)
			}
			b := c.NetworkBindings[0]
			host := aws.ToInt32(b.HostPort)
			switch {
			case aws.ToInt32(b.ContainerPort) != p.containerPort:
				t.Errorf("container %s: got container port %d, want %d", p.container, aws.ToInt32(b.ContainerPort), p.containerPort)
			case p.requestHost != 0 && host != p.requestHost:
				t.Errorf("container %s: got host port %d, want the static %d", p.container, host, p.requestHost)
			case p.requestHost == 0 && (host < ephemeralLow || host > ephemeralHigh):
				t.Errorf("container %s: got dynamic host port %d, want one in %d-%d", p.container, host, ephemeralLow, ephemeralHigh)
			case !tg.hostNetwork && aws.ToString(b.BindIP) != "127.0.0.1":
				t.Errorf("container %s: got bind IP %q, want 127.0.0.1", p.container, aws.ToString(b.BindIP))
			}
			waitLogLine(t, n.h, arn, p.container, runtimetest.ProbeReady)
			if got := dialProbe(t, host); !strings.HasPrefix(got, "probe ") {
				t.Errorf("container %s on 127.0.0.1:%d: got %q, want a line starting with \"probe \"", p.container, host, got)
			}
		}
	})
}

func TestProbeExitCodeStopsTask(t *testing.T) {
	tests := []struct {
		name string
		exit int32
	}{
		{"exit 7", 7},
		{"exit 0", 0},
	}
	eachTarget(t, func(t *testing.T, tg target) {
		n := startNode(t, tg)
		for _, tc := range tests {
			family := fmt.Sprintf("exit%d", tc.exit)
			n.register(family, n.probe("app", runtimetest.Program{Sleep: 200 * time.Millisecond, Exit: int(tc.exit)}))
			arn := aws.ToString(n.run(&ecs.RunTaskInput{TaskDefinition: aws.String(family)}).TaskArn)
			stopped := waitStatus(t, n.h, arn, "STOPPED")
			if stopped.StopCode != types.TaskStopCodeEssentialContainerExited {
				t.Errorf("%s: got stop code %s, want EssentialContainerExited", tc.name, stopped.StopCode)
			}
			wantExitCode(t, container(t, stopped, "app"), tc.exit)
		}
	})
}

func TestProbeIgnoringTermIsKilledAfterStopTimeout(t *testing.T) {
	const stopTimeout = 2 // seconds; the agent's own default is 30 s
	eachTarget(t, func(t *testing.T, tg target) {
		n := startNode(t, tg)
		app := n.probe("app", runtimetest.Program{Forever: true, IgnoreTerm: true})
		app.StopTimeout = aws.Int32(stopTimeout)
		n.register("stubborn", app)
		arn := aws.ToString(n.run(&ecs.RunTaskInput{TaskDefinition: aws.String("stubborn")}).TaskArn)
		waitStatus(t, n.h, arn, "RUNNING")
		// SIGTERM is ignored from this line on.
		waitLogLine(t, n.h, arn, "app", runtimetest.ProbeReady)

		stopped := stopAndWait(t, n.h, arn)
		wantExitCode(t, container(t, stopped, "app"), 137)
		if stopped.StoppingAt == nil || stopped.StoppedAt == nil {
			t.Fatalf("got stoppingAt %v stoppedAt %v, want both", stopped.StoppingAt, stopped.StoppedAt)
		}
		if grace := stopped.StoppedAt.Sub(*stopped.StoppingAt); grace < stopTimeout*time.Second {
			t.Errorf("got %v from stopping to stopped, want at least the %ds stopTimeout before SIGKILL", grace, stopTimeout)
		}
	})
}

func TestAgentRestartAdoptsRunningContainer(t *testing.T) {
	eachTarget(t, func(t *testing.T, tg target) {
		n := startNode(t, tg)
		n.register("adopt", n.probe("app", runtimetest.Program{Forever: true}))
		arn := aws.ToString(n.run(&ecs.RunTaskInput{TaskDefinition: aws.String("adopt")}).TaskArn)
		before := container(t, waitStatus(t, n.h, arn, "RUNNING"), "app")
		waitLogLine(t, n.h, arn, "app", runtimetest.ProbeReady)
		instance := n.agent.ContainerInstanceArn()

		n.restartAgent()

		if got := n.agent.ContainerInstanceArn(); got != instance {
			t.Fatalf("container instance after restart: got %s, want %s", got, instance)
		}
		if got := n.agent.ActiveTasks(); got != 1 {
			t.Errorf("tasks the new agent manages: got %d, want 1", got)
		}
		after := describeTask(t, n.h, arn)
		if got := aws.ToString(after.LastStatus); got != "RUNNING" {
			t.Errorf("task after restart: got %s, want RUNNING", got)
		}
		if got, want := aws.ToString(container(t, after, "app").RuntimeId), aws.ToString(before.RuntimeId); got != want {
			t.Errorf("runtime id after restart: got %s, want the adopted %s", got, want)
		}
		if got := n.containers(arn); got != 1 {
			t.Errorf("containers of the task after restart: got %d, want 1", got)
		}

		// The new agent owns the container: it stops it.
		stopped := stopAndWait(t, n.h, arn)
		c := container(t, stopped, "app")
		if tg.exitKnownAfterAdopt {
			wantExitCode(t, c, 143)
		}
		if got, want := aws.ToString(c.RuntimeId), aws.ToString(before.RuntimeId); got != want {
			t.Errorf("runtime id when stopped: got %s, want %s", got, want)
		}
		if got := n.containers(arn); got != 1 {
			t.Errorf("containers of the task once stopped: got %d, want 1 (none created twice)", got)
		}
	})
}

func TestMissingImageFailsToStart(t *testing.T) {
	n := startNode(t, dockerTarget(t))
	app := n.probe("app", runtimetest.Program{Forever: true})
	app.Image = aws.String("berth-test/does-not-exist:latest")
	n.register("missing", app)
	arn := aws.ToString(n.run(&ecs.RunTaskInput{TaskDefinition: aws.String("missing")}).TaskArn)
	stopped := waitStatus(t, n.h, arn, "STOPPED")
	if stopped.StopCode != types.TaskStopCodeTaskFailedToStart {
		t.Errorf("got stop code %s, want TaskFailedToStart", stopped.StopCode)
	}
	if reason := aws.ToString(stopped.StoppedReason); !strings.HasPrefix(reason, "CannotPullContainerError") {
		t.Errorf("got stopped reason %q, want one starting with CannotPullContainerError", reason)
	}
	if got := n.containers(arn); got != 0 {
		t.Errorf("containers of the task: got %d, want 0", got)
	}
}
