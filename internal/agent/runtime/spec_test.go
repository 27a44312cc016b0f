package runtime_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// validSpec is a minimal spec that passes Validate.
func validSpec() runtime.ContainerSpec {
	return runtime.ContainerSpec{TaskARN: "arn:aws:ecs:us-east-1:000000000000:task/c/1", ContainerName: "app"}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name    string
		modify  func(*runtime.ContainerSpec)
		wantErr string // "" for valid
	}{
		{"minimal", func(*runtime.ContainerSpec) {}, ""},
		{"no task", func(s *runtime.ContainerSpec) { s.TaskARN = "" }, "task ARN"},
		{"no name", func(s *runtime.ContainerSpec) { s.ContainerName = "" }, "container name"},
		{"negative cpu", func(s *runtime.ContainerSpec) { s.CPUShares = -1 }, "negative"},
		{"reservation above limit", func(s *runtime.ContainerSpec) { s.MemoryMiB, s.MemoryReservationMiB = 128, 256 }, "exceeds"},
		{"reservation without limit", func(s *runtime.ContainerSpec) { s.MemoryReservationMiB = 256 }, ""},
		{"negative stop timeout", func(s *runtime.ContainerSpec) { s.StopTimeout = -time.Second }, "stop timeout"},
		{"extra label", func(s *runtime.ContainerSpec) { s.Labels = map[string]string{"team": "berth"} }, ""},
		{"reserved owner label", func(s *runtime.ContainerSpec) {
			s.Labels = map[string]string{runtime.LabelOwner: "arn:aws:ecs:us-east-1:000000000000:container-instance/c/1"}
		}, "reserved"},
		{"reserved label prefix", func(s *runtime.ContainerSpec) { s.Labels = map[string]string{"com.berth.x": "y"} }, "reserved"},
		{"container port 0", func(s *runtime.ContainerSpec) { s.PortMappings = []runtime.PortMapping{{}} }, "container port 0"},
		{"host port too big", func(s *runtime.ContainerSpec) {
			s.PortMappings = []runtime.PortMapping{{ContainerPort: 80, HostPort: 65536}}
		}, "host port 65536"},
		{"bad protocol", func(s *runtime.ContainerSpec) {
			s.PortMappings = []runtime.PortMapping{{ContainerPort: 80, Protocol: "sctp"}}
		}, "sctp"},
		{"same host port twice", func(s *runtime.ContainerSpec) {
			s.PortMappings = []runtime.PortMapping{{ContainerPort: 80, HostPort: 8080}, {ContainerPort: 81, HostPort: 8080, Protocol: "tcp"}}
		}, "8080/tcp is mapped twice"},
		{"same host port, other protocol", func(s *runtime.ContainerSpec) {
			s.PortMappings = []runtime.PortMapping{{ContainerPort: 53, HostPort: 53}, {ContainerPort: 53, HostPort: 53, Protocol: "udp"}}
		}, ""},
		{"several dynamic ports", func(s *runtime.ContainerSpec) {
			s.PortMappings = []runtime.PortMapping{{ContainerPort: 80}, {ContainerPort: 81}}
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := validSpec()
			tc.modify(&spec)
			err := spec.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Validate: got %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Validate: got %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestArgvAndEnvList(t *testing.T) {
	spec := validSpec()
	spec.EntryPoint = []string{"/bin/sh", "-c"}
	spec.Command = []string{"exit 3"}
	spec.Env = map[string]string{"Z": "last", "A": "first", "M": "a=b"}
	if got, want := spec.Argv(), []string{"/bin/sh", "-c", "exit 3"}; !slices.Equal(got, want) {
		t.Errorf("Argv: got %q, want %q", got, want)
	}
	got := spec.Argv()
	got[0] = "changed"
	if spec.EntryPoint[0] != "/bin/sh" {
		t.Errorf("Argv: got a slice sharing EntryPoint, want a copy")
	}
	if got, want := spec.EnvList(), []string{"A=first", "M=a=b", "Z=last"}; !slices.Equal(got, want) {
		t.Errorf("EnvList: got %q, want %q", got, want)
	}
}

func TestEffectiveStopTimeout(t *testing.T) {
	cases := []struct {
		call, spec, want time.Duration
	}{
		{5 * time.Second, 10 * time.Second, 5 * time.Second},
		{0, 10 * time.Second, 10 * time.Second},
		{-1, 0, runtime.DefaultStopTimeout},
		{0, 0, 30 * time.Second},
	}
	for _, tc := range cases {
		if got := runtime.EffectiveStopTimeout(tc.call, tc.spec); got != tc.want {
			t.Errorf("EffectiveStopTimeout(%v, %v): got %v, want %v", tc.call, tc.spec, got, tc.want)
		}
	}
}

func TestStatusString(t *testing.T) {
	cases := map[runtime.Status]string{
		runtime.StatusCreated: "created", runtime.StatusRunning: "running", runtime.StatusExited: "exited", 0: "unknown",
	}
	for s, want := range cases {
		if got := s.String(); got != want {
			t.Errorf("Status(%d).String(): got %q, want %q", int(s), got, want)
		}
	}
	if !(runtime.State{Status: runtime.StatusRunning}).Running() || (runtime.State{Status: runtime.StatusExited}).Running() {
		t.Errorf("State.Running: got wrong answer for running/exited")
	}
}
