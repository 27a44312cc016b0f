package runtime

import "time"

// Status is where a container is in its lifecycle.
type Status int

// Container statuses, in lifecycle order.
const (
	// StatusCreated: created, never started.
	StatusCreated Status = iota + 1
	// StatusRunning: started and not yet exited.
	StatusRunning
	// StatusExited: started and exited (or killed); terminal.
	StatusExited
)

// String returns "created", "running" or "exited".
func (s Status) String() string {
	switch s {
	case StatusCreated:
		return "created"
	case StatusRunning:
		return "running"
	case StatusExited:
		return "exited"
	default:
		return "unknown"
	}
}

// ReasonOutOfMemory is the ExitResult reason of a container the kernel
// killed for exceeding its memory limit; the text is the one ECS shows.
const ReasonOutOfMemory = "OutOfMemoryError: Container killed due to memory usage"

// ExitResult is how a container ended.
type ExitResult struct {
	// ExitCode is the exit status, or 128+N when signal N killed it.
	ExitCode int
	// ExitCodeUnknown is set when the runtime could not learn the exit
	// code (the process runtime for a process that exited while the agent
	// was not its parent); ExitCode is then 0 and meaningless.
	ExitCodeUnknown bool
	// Reason explains an abnormal end (ReasonOutOfMemory, a runtime error),
	// or is empty.
	Reason string
	// OOMKilled is set when the memory limit killed the container.
	OOMKilled bool
	// FinishedAt is when the container exited, when known.
	FinishedAt time.Time
}

// NetworkBinding is a published port as ECS reports it in a container's
// networkBindings.
type NetworkBinding struct {
	BindIP        string
	ContainerPort int
	HostPort      int
	// Protocol is ProtocolTCP or ProtocolUDP.
	Protocol string
}

// State is what Inspect reports about a container.
type State struct {
	ID            string
	TaskARN       string
	ContainerName string
	// Owner is the spec's Owner: the container instance ARN of the agent
	// that created the container, or "" for none.
	Owner  string
	Status Status
	// Pid is the container's main process on the host, while it runs and
	// when the runtime knows it; 0 otherwise.
	Pid int
	// StartedAt is set once the container has started; FinishedAt once it
	// has exited.
	StartedAt  time.Time
	FinishedAt time.Time
	// Exit is meaningful when Status is StatusExited.
	Exit ExitResult
	// NetworkBindings are the ports actually published (with the host port
	// the runtime chose for HostPort 0). Empty until the container runs
	// for runtimes that bind at start (docker).
	NetworkBindings []NetworkBinding
}

// Running reports whether the container is running.
func (s State) Running() bool { return s.Status == StatusRunning }

// Found is one container List found.
type Found struct {
	ID            string
	TaskARN       string
	ContainerName string
	// Owner is the spec's Owner: the container instance ARN of the agent
	// that created the container, or "" for none (a container created
	// without one, such as by a berth version before owners).
	Owner  string
	Status Status
}
