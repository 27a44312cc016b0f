package docker

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/go-connections/nat"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// baseSpec is a minimal valid spec; tests change what they examine.
func baseSpec() runtime.ContainerSpec {
	return runtime.ContainerSpec{
		TaskARN:       "arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef",
		ContainerName: "web",
		Image:         "nginx:latest",
	}
}

func TestConfigs(t *testing.T) {
	r := &Runtime{bindIP: "0.0.0.0"}
	cases := []struct {
		name   string
		modify func(*runtime.ContainerSpec)
		check  func(t *testing.T, cfg *container.Config, hc *container.HostConfig)
	}{
		{"image defaults stay", func(*runtime.ContainerSpec) {}, func(t *testing.T, cfg *container.Config, hc *container.HostConfig) {
			if cfg.Entrypoint != nil || cfg.Cmd != nil || cfg.ExposedPorts != nil || hc.PortBindings != nil {
				t.Errorf("got entrypoint %q cmd %q ports %v %v, want all nil", cfg.Entrypoint, cfg.Cmd, cfg.ExposedPorts, hc.PortBindings)
			}
			if cfg.StopTimeout == nil || *cfg.StopTimeout != 30 {
				t.Errorf("stop timeout: got %v, want 30", cfg.StopTimeout)
			}
		}},
		{"command, env, workdir", func(s *runtime.ContainerSpec) {
			s.EntryPoint, s.Command = []string{"/bin/sh", "-c"}, []string{"echo hi"}
			s.Env = map[string]string{"B": "2", "A": "1"}
			s.WorkingDir = "/srv"
		}, func(t *testing.T, cfg *container.Config, hc *container.HostConfig) {
			if !slices.Equal(cfg.Entrypoint, []string{"/bin/sh", "-c"}) || !slices.Equal(cfg.Cmd, []string{"echo hi"}) {
				t.Errorf("got entrypoint %q cmd %q, want [/bin/sh -c] [echo hi]", cfg.Entrypoint, cfg.Cmd)
			}
			if !slices.Equal(cfg.Env, []string{"A=1", "B=2"}) || cfg.WorkingDir != "/srv" {
				t.Errorf("got env %q workdir %q, want [A=1 B=2] /srv", cfg.Env, cfg.WorkingDir)
			}
		}},
		{"resources", func(s *runtime.ContainerSpec) {
			s.CPUShares, s.MemoryMiB, s.MemoryReservationMiB = 1, 512, 256
		}, func(t *testing.T, _ *container.Config, hc *container.HostConfig) {
			if hc.CPUShares != 2 || hc.Memory != 512<<20 || hc.MemoryReservation != 256<<20 {
				t.Errorf("got cpu %d memory %d reservation %d, want 2 %d %d", hc.CPUShares, hc.Memory, hc.MemoryReservation, 512<<20, 256<<20)
			}
		}},
		{"ports", func(s *runtime.ContainerSpec) {
			s.PortMappings = []runtime.PortMapping{
				{ContainerPort: 80, HostPort: 8080},
				{ContainerPort: 53, HostPort: 0, Protocol: runtime.ProtocolUDP},
			}
		}, func(t *testing.T, cfg *container.Config, hc *container.HostConfig) {
			want := nat.PortMap{
				"80/tcp": {{HostIP: "0.0.0.0", HostPort: "8080"}},
				"53/udp": {{HostIP: "0.0.0.0", HostPort: ""}},
			}
			if len(hc.PortBindings) != len(want) || len(cfg.ExposedPorts) != len(want) {
				t.Fatalf("got bindings %v exposed %v, want %v", hc.PortBindings, cfg.ExposedPorts, want)
			}
			for port, bs := range want {
				if _, ok := cfg.ExposedPorts[port]; !ok || !slices.Equal(hc.PortBindings[port], bs) {
					t.Errorf("port %s: got %v (exposed %v), want %v", port, hc.PortBindings[port], ok, bs)
				}
			}
		}},
		{"stop timeout rounds up", func(s *runtime.ContainerSpec) { s.StopTimeout = 1500 * time.Millisecond },
			func(t *testing.T, cfg *container.Config, _ *container.HostConfig) {
				if cfg.StopTimeout == nil || *cfg.StopTimeout != 2 {
					t.Errorf("got %v, want 2", cfg.StopTimeout)
				}
			}},
		{"labels without an owner", func(s *runtime.ContainerSpec) { s.Labels = map[string]string{"a": "b"} },
			wantLabels(map[string]string{"a": "b", runtime.LabelTaskARN: baseSpec().TaskARN, runtime.LabelContainerName: "web"})},
		{"labels with an owner", func(s *runtime.ContainerSpec) { s.Owner = testOwner },
			wantLabels(map[string]string{runtime.LabelTaskARN: baseSpec().TaskARN, runtime.LabelContainerName: "web", runtime.LabelOwner: testOwner})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := baseSpec()
			tc.modify(&spec)
			cfg, hc, err := r.configs(spec)
			if err != nil {
				t.Fatalf("configs: got error %v, want nil", err)
			}
			tc.check(t, cfg, hc)
		})
	}
}

func TestConfigsRejectsMissingImage(t *testing.T) {
	spec := baseSpec()
	spec.Image = ""
	if _, _, err := (&Runtime{}).configs(spec); err == nil {
		t.Fatalf("configs without an image: got nil error, want one")
	}
}

func TestContainerName(t *testing.T) {
	spec := baseSpec()
	spec.ContainerName = "my app/1"
	name := containerName(spec)
	want := regexp.MustCompile(`^berth-0123456789abcdef0123456789abcdef-my_app_1-[0-9a-f]{8}$`)
	if !want.MatchString(name) {
		t.Fatalf("containerName: got %q, want match %s", name, want)
	}
	if again := containerName(spec); again == name {
		t.Fatalf("containerName twice: got %q both times, want different random suffixes", name)
	}
}

func TestPullStreamError(t *testing.T) {
	cases := []struct {
		name, stream, want string
	}{
		{"clean", `{"status":"Pulling"}` + "\n" + `{"status":"Done"}`, ""},
		{"error detail", `{"status":"Pulling"}{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown (short)"}`, "manifest unknown"},
		{"error only", `{"error":"denied"}`, "denied"},
		{"garbage", `{"status":`, "reading the pull progress"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := pullStreamError(strings.NewReader(tc.stream))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("got %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestBindings(t *testing.T) {
	ports := nat.PortMap{
		"80/tcp":  {{HostIP: "0.0.0.0", HostPort: "49160"}},
		"53/udp":  {{HostIP: "", HostPort: "5353"}},
		"443/tcp": nil, // exposed, not published
		"81/tcp":  {{HostIP: "0.0.0.0", HostPort: "not-a-port"}},
	}
	want := []runtime.NetworkBinding{
		{BindIP: "0.0.0.0", ContainerPort: 53, HostPort: 5353, Protocol: "udp"},
		{BindIP: "0.0.0.0", ContainerPort: 80, HostPort: 49160, Protocol: "tcp"},
	}
	if got := bindings(ports); !slices.Equal(got, want) {
		t.Fatalf("bindings: got %+v, want %+v", got, want)
	}
}

func TestExitResultAndTimes(t *testing.T) {
	cases := []struct {
		name string
		st   container.State
		want runtime.ExitResult
	}{
		{"normal exit", container.State{ExitCode: 3, StartedAt: "2024-01-01T00:00:00Z", FinishedAt: "2024-01-01T00:00:05Z"},
			runtime.ExitResult{ExitCode: 3, FinishedAt: time.Date(2024, 1, 1, 0, 0, 5, 0, time.UTC)}},
		{"finished before started is clamped", container.State{StartedAt: "2024-01-01T00:00:05.5Z", FinishedAt: "2024-01-01T00:00:05.4Z"},
			runtime.ExitResult{FinishedAt: time.Date(2024, 1, 1, 0, 0, 5, 5e8, time.UTC)}},
		{"never finished", container.State{StartedAt: "2024-01-01T00:00:00Z", FinishedAt: "0001-01-01T00:00:00Z"},
			runtime.ExitResult{}},
		{"OOM", container.State{ExitCode: 137, OOMKilled: true, Error: "ignored"},
			runtime.ExitResult{ExitCode: 137, OOMKilled: true, Reason: runtime.ReasonOutOfMemory}},
		{"daemon error", container.State{ExitCode: 127, Error: "exec failed"},
			runtime.ExitResult{ExitCode: 127, Reason: "exec failed"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := exitResult(&tc.st)
			if !got.FinishedAt.Equal(tc.want.FinishedAt) {
				t.Fatalf("FinishedAt: got %v, want %v", got.FinishedAt, tc.want.FinishedAt)
			}
			got.FinishedAt = tc.want.FinishedAt
			if got != tc.want {
				t.Fatalf("exitResult: got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestStatus(t *testing.T) {
	cases := map[container.ContainerState]runtime.Status{
		container.StateCreated:    runtime.StatusCreated,
		container.StateRunning:    runtime.StatusRunning,
		container.StatePaused:     runtime.StatusRunning,
		container.StateRestarting: runtime.StatusRunning,
		container.StateRemoving:   runtime.StatusExited,
		container.StateExited:     runtime.StatusExited,
		container.StateDead:       runtime.StatusExited,
	}
	for in, want := range cases {
		if got := status(in); got != want {
			t.Errorf("status(%q): got %s, want %s", in, got, want)
		}
	}
}

// testOwner is a container instance ARN owning test containers.
const testOwner = "arn:aws:ecs:us-east-1:000000000000:container-instance/default/0123456789abcdef0123456789abcdef"

// wantLabels checks that the container's labels are exactly want.
func wantLabels(want map[string]string) func(t *testing.T, cfg *container.Config, _ *container.HostConfig) {
	return func(t *testing.T, cfg *container.Config, _ *container.HostConfig) {
		if len(cfg.Labels) != len(want) {
			t.Fatalf("labels: got %v, want %v", cfg.Labels, want)
		}
		for k, v := range want {
			if cfg.Labels[k] != v {
				t.Errorf("label %s: got %q, want %q", k, cfg.Labels[k], v)
			}
		}
	}
}
