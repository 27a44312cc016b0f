package agent

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecsmodel"
)

func i32(v int32) *int32 { return &v }

func TestContainerSpec(t *testing.T) {
	base := func() ctrPayload {
		c := ctr("web", "serve", "--port", "80")
		c.EntryPoint = []string{"/bin/app"}
		c.Environment = []ecsmodel.KeyValuePair{{Name: "A", Value: "def"}, {Name: "B", Value: "def"}}
		c.Cpu = 256
		c.Memory = i32(512)
		c.PortMappings = []ecsmodel.PortMapping{{ContainerPort: i32(80)}, {ContainerPort: i32(53), HostPort: i32(5353), Protocol: "udp"}}
		c.DockerLabels = map[string]string{"team": "x", "com.berth.task-arn": "forged", "com.berth.container-instance": "forged"}
		return c
	}
	tests := []struct {
		name      string
		container ctrPayload
		overrides *ecsmodel.TaskOverride
		taskStop  int32
		check     func(t *testing.T, s runtime.ContainerSpec)
	}{
		{name: "definition as is", container: base(), check: func(t *testing.T, s runtime.ContainerSpec) {
			if !slices.Equal(s.Argv(), []string{"/bin/app", "serve", "--port", "80"}) {
				t.Errorf("argv: got %v, want /bin/app serve --port 80", s.Argv())
			}
			if want := map[string]string{"A": "def", "B": "def"}; !maps.Equal(s.Env, want) {
				t.Errorf("env: got %v, want %v", s.Env, want)
			}
			if s.CPUShares != 256 || s.MemoryMiB != 512 || s.MemoryReservationMiB != 0 {
				t.Errorf("resources: got cpu %d mem %d res %d, want 256/512/0", s.CPUShares, s.MemoryMiB, s.MemoryReservationMiB)
			}
			want := []runtime.PortMapping{{ContainerPort: 80}, {ContainerPort: 53, HostPort: 5353, Protocol: "udp"}}
			if !slices.Equal(s.PortMappings, want) {
				t.Errorf("ports: got %v, want %v", s.PortMappings, want)
			}
			if want := map[string]string{"team": "x"}; !maps.Equal(s.Labels, want) {
				t.Errorf("labels: got %v, want %v (reserved keys dropped)", s.Labels, want)
			}
			if s.StopTimeout != 30*time.Second {
				t.Errorf("stop timeout: got %v, want the 30s default", s.StopTimeout)
			}
		}},
		{name: "container override", container: base(),
			overrides: &ecsmodel.TaskOverride{ContainerOverrides: []ecsmodel.ContainerOverride{
				{Name: "other", Command: []string{"ignored"}},
				{Name: "web", Command: []string{"migrate"}, Environment: []ecsmodel.KeyValuePair{{Name: "B", Value: "ovr"}, {Name: "C", Value: "new"}},
					Cpu: i32(128), Memory: i32(1024), MemoryReservation: i32(256)},
			}},
			check: func(t *testing.T, s runtime.ContainerSpec) {
				if !slices.Equal(s.Argv(), []string{"/bin/app", "migrate"}) {
					t.Errorf("argv: got %v, want /bin/app migrate", s.Argv())
				}
				if want := map[string]string{"A": "def", "B": "ovr", "C": "new"}; !maps.Equal(s.Env, want) {
					t.Errorf("env: got %v, want %v", s.Env, want)
				}
				if s.CPUShares != 128 || s.MemoryMiB != 1024 || s.MemoryReservationMiB != 256 {
					t.Errorf("resources: got cpu %d mem %d res %d, want 128/1024/256", s.CPUShares, s.MemoryMiB, s.MemoryReservationMiB)
				}
			}},
		{name: "host ports chosen by placement", container: func() ctrPayload {
			c := base()
			c.NetworkBindings = []ecsmodel.NetworkBinding{{ContainerPort: i32(80), HostPort: i32(32768), Protocol: "tcp"}}
			return c
		}(), check: func(t *testing.T, s runtime.ContainerSpec) {
			want := []runtime.PortMapping{{ContainerPort: 80, HostPort: 32768, Protocol: "tcp"}}
			if !slices.Equal(s.PortMappings, want) {
				t.Errorf("ports: got %v, want %v", s.PortMappings, want)
			}
		}},
		{name: "no environment", container: func() ctrPayload {
			c := base()
			c.Environment = []ecsmodel.KeyValuePair{}
			return c
		}(), overrides: &ecsmodel.TaskOverride{ContainerOverrides: []ecsmodel.ContainerOverride{{Name: "web"}}},
			check: func(t *testing.T, s runtime.ContainerSpec) {
				if s.Env != nil {
					t.Errorf("env: got %v, want nil", s.Env)
				}
			}},
		{name: "environment from the override only", container: func() ctrPayload {
			c := base()
			c.Environment = nil
			return c
		}(), overrides: &ecsmodel.TaskOverride{ContainerOverrides: []ecsmodel.ContainerOverride{
			{Name: "web", Environment: []ecsmodel.KeyValuePair{{Name: "C", Value: "new"}}},
		}},
			check: func(t *testing.T, s runtime.ContainerSpec) {
				if want := map[string]string{"C": "new"}; !maps.Equal(s.Env, want) {
					t.Errorf("env: got %v, want %v", s.Env, want)
				}
			}},
		{name: "task stop timeout", container: base(), taskStop: 5, check: func(t *testing.T, s runtime.ContainerSpec) {
			if s.StopTimeout != 5*time.Second {
				t.Errorf("stop timeout: got %v, want 5s", s.StopTimeout)
			}
		}},
		{name: "container stop timeout wins", container: withStopTimeout(base(), 2), taskStop: 5, check: func(t *testing.T, s runtime.ContainerSpec) {
			if s.StopTimeout != 2*time.Second {
				t.Errorf("stop timeout: got %v, want 2s", s.StopTimeout)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			task := agentrpc.TaskPayload{Arn: taskArn("t1"), Overrides: tc.overrides, StopTimeout: tc.taskStop}
			s := containerSpec(&task, &tc.container, testInstance, 30*time.Second)
			if s.TaskARN != task.Arn || s.ContainerName != "web" || s.Image != "busybox:latest" || s.Owner != testInstance {
				t.Fatalf("identity: got %s/%s/%s owned by %q, want %s/web/busybox:latest owned by %q",
					s.TaskARN, s.ContainerName, s.Image, s.Owner, task.Arn, testInstance)
			}
			tc.check(t, s)
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"abcdef", 3, "abc"},
		{"aé", 2, "a"}, // é is two bytes; never split it
		{"日本", 4, "日"},
	}
	for _, tc := range tests {
		if got := truncate(tc.in, tc.n); got != tc.want {
			t.Errorf("truncate(%q, %d): got %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
