package runtime

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// reservedLabelPrefix starts the keys of the labels the runtimes set
// themselves (LabelTaskARN, LabelContainerName, LabelOwner).
const reservedLabelPrefix = "com.berth."

// Port protocols of a PortMapping.
const (
	ProtocolTCP = "tcp"
	ProtocolUDP = "udp"
)

// ContainerSpec is everything a runtime needs to create one container of a
// task. The agent builds it from the task definition's container definition
// after placement has chosen the host ports.
type ContainerSpec struct {
	// TaskARN is the ARN of the task the container belongs to. Required.
	TaskARN string
	// ContainerName is the container definition's name, unique in the
	// task. Required.
	ContainerName string
	// Owner is the ARN of the container instance whose agent creates the
	// container. The runtime records it (LabelOwner) and reports it in
	// State and Found, so that agents sharing one runtime (one Docker
	// daemon) tell their containers apart. The agent always sets it;
	// empty leaves the container without an owner, which no agent adopts,
	// stops or removes on its own.
	Owner string
	// Image is the image reference. Required by runtimes that use images
	// (docker); the process and sim runtimes ignore it.
	Image string
	// EntryPoint and Command are the container definition's entryPoint and
	// command. The runtimes that run the image (docker) fall back to the
	// image's ENTRYPOINT/CMD for an empty field; the process runtime runs
	// EntryPoint followed by Command and needs at least one element.
	EntryPoint []string
	Command    []string
	// Env is the container's environment. The process runtime adds only
	// PATH (the host's) when Env has none; docker adds the image's ENV.
	Env map[string]string
	// WorkingDir is the directory the command starts in; empty means the
	// image's WORKDIR for docker and "/" for the process runtime.
	WorkingDir string
	// CPUShares is the container's cpu units (1024 per core) used as a
	// relative weight; 0 leaves the runtime default.
	CPUShares int64
	// MemoryMiB is the hard memory limit (ECS memory); 0 means no limit.
	MemoryMiB int64
	// MemoryReservationMiB is the soft limit (ECS memoryReservation); 0
	// means none.
	MemoryReservationMiB int64
	// PortMappings publishes container ports on the host. HostPort has
	// normally been chosen by placement already; 0 lets the runtime pick
	// (docker: an ephemeral port; process: the container port, because a
	// process shares the host network).
	PortMappings []PortMapping
	// StopTimeout is the grace period between SIGTERM and SIGKILL used by
	// Stop when its own timeout is <= 0; 0 means DefaultStopTimeout.
	StopTimeout time.Duration
	// Labels are extra labels (docker labels; kept in the state file by the
	// process runtime). Keys under "com.berth." are reserved for the
	// runtime's own labels and make the spec invalid.
	Labels map[string]string
	// LogDir is where the process runtime writes the container's output;
	// empty means a directory of its own. Docker keeps logs in its logging
	// driver and ignores it.
	LogDir string
}

// PortMapping publishes ContainerPort of the container on HostPort of the
// node.
type PortMapping struct {
	ContainerPort int
	HostPort      int
	// Protocol is ProtocolTCP or ProtocolUDP; empty means TCP.
	Protocol string
}

// Argv returns EntryPoint followed by Command in a new slice.
func (s ContainerSpec) Argv() []string {
	argv := make([]string, 0, len(s.EntryPoint)+len(s.Command))
	argv = append(argv, s.EntryPoint...)
	return append(argv, s.Command...)
}

// EnvList returns Env as "KEY=VALUE" strings sorted by key.
func (s ContainerSpec) EnvList() []string {
	keys := make([]string, 0, len(s.Env))
	for k := range s.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	env := make([]string, len(keys))
	for i, k := range keys {
		env[i] = k + "=" + s.Env[k]
	}
	return env
}

// Validate checks what every runtime needs from a spec: the task ARN and
// container name, and well-formed port mappings. Runtimes wrap its error in
// a CannotCreateContainerError.
func (s ContainerSpec) Validate() error {
	if s.TaskARN == "" {
		return errors.New("task ARN is empty")
	}
	if s.ContainerName == "" {
		return errors.New("container name is empty")
	}
	if s.CPUShares < 0 || s.MemoryMiB < 0 || s.MemoryReservationMiB < 0 {
		return errors.New("cpu and memory must not be negative")
	}
	if s.MemoryMiB > 0 && s.MemoryReservationMiB > s.MemoryMiB {
		return fmt.Errorf("memory reservation %d MiB exceeds the memory limit %d MiB", s.MemoryReservationMiB, s.MemoryMiB)
	}
	if s.StopTimeout < 0 {
		return errors.New("stop timeout must not be negative")
	}
	for k := range s.Labels {
		if strings.HasPrefix(k, reservedLabelPrefix) {
			return fmt.Errorf("label %q: keys under %q are reserved for berth", k, reservedLabelPrefix)
		}
	}
	seen := make(map[string]bool, len(s.PortMappings))
	for _, pm := range s.PortMappings {
		if err := pm.validate(); err != nil {
			return err
		}
		if pm.HostPort == 0 {
			continue
		}
		key := fmt.Sprintf("%d/%s", pm.HostPort, pm.Proto())
		if seen[key] {
			return fmt.Errorf("host port %s is mapped twice", key)
		}
		seen[key] = true
	}
	return nil
}

// Proto returns the mapping's protocol with the TCP default applied.
func (pm PortMapping) Proto() string {
	if pm.Protocol == "" {
		return ProtocolTCP
	}
	return pm.Protocol
}

func (pm PortMapping) validate() error {
	if pm.ContainerPort < 1 || pm.ContainerPort > 65535 {
		return fmt.Errorf("container port %d is out of range 1-65535", pm.ContainerPort)
	}
	if pm.HostPort < 0 || pm.HostPort > 65535 {
		return fmt.Errorf("host port %d is out of range 0-65535", pm.HostPort)
	}
	if p := pm.Proto(); p != ProtocolTCP && p != ProtocolUDP {
		return fmt.Errorf("protocol %q is not tcp or udp", pm.Protocol)
	}
	return nil
}

// EffectiveStopTimeout resolves the grace period of a Stop call: timeout
// when positive, else the spec's StopTimeout when positive, else
// DefaultStopTimeout.
func EffectiveStopTimeout(timeout, specTimeout time.Duration) time.Duration {
	switch {
	case timeout > 0:
		return timeout
	case specTimeout > 0:
		return specTimeout
	default:
		return DefaultStopTimeout
	}
}
