package agent

import "github.com/berth-io/berth/internal/ecs"

// knownStatus is how far the agent has brought a task or a container. The
// values are ordered: a task runner moves its task forward one value at a
// time (or straight to statusStopped), like the ECS agent's task status.
type knownStatus int

const (
	// statusNone: nothing done yet.
	statusNone knownStatus = iota
	// statusPulled: the images are present.
	statusPulled
	// statusCreated: the containers exist in the runtime.
	statusCreated
	// statusRunning: every container has been started.
	statusRunning
	// statusStopped: every container has exited or was never started;
	// terminal.
	statusStopped
)

var knownStatusNames = [...]string{"NONE", "PULLED", "CREATED", "RUNNING", "STOPPED"}

// String returns the status name, for logs.
func (s knownStatus) String() string {
	if s < 0 || int(s) >= len(knownStatusNames) {
		return "UNKNOWN"
	}
	return knownStatusNames[s]
}

// backend maps the agent's status to the one ECS reports: PENDING until
// RUNNING, then RUNNING, then STOPPED.
func (s knownStatus) backend() ecs.TaskStatus {
	switch {
	case s >= statusStopped:
		return ecs.StatusStopped
	case s == statusRunning:
		return ecs.StatusRunning
	default:
		return ecs.StatusPending
	}
}
