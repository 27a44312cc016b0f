package runtime

import (
	"context"
	"io"
	"time"
)

// DefaultStopTimeout is the grace period between SIGTERM and SIGKILL when
// neither the Stop call nor the ContainerSpec gives one. It matches the ECS
// agent's default ECS_CONTAINER_STOP_TIMEOUT.
const DefaultStopTimeout = 30 * time.Second

// Labels every runtime attaches to the containers it creates, so that List
// can find them again after an agent restart. Docker keeps them as
// container labels, the process runtime in its records, the sim runtime in
// memory. Keys under "com.berth." are reserved for them
// (ContainerSpec.Validate rejects such keys in ContainerSpec.Labels).
const (
	LabelTaskARN       = "com.berth.task-arn"
	LabelContainerName = "com.berth.container-name"
	// LabelOwner names the container instance (its ARN) whose agent
	// created the container: ContainerSpec.Owner. A container created
	// without an owner does not carry it.
	LabelOwner = "com.berth.container-instance"
)

// Runtime runs containers on this node. The agent is its only user.
//
// All methods are safe for concurrent use. Methods that take a runtime ID
// return an error wrapping ErrNotFound when no container has that ID.
// Errors the agent reports as a failure reason are *Error values whose Name
// is the ECS reason name; see the method comments for which name each
// method uses.
type Runtime interface {
	// Name identifies the implementation: "docker", "process" or "sim".
	Name() string

	// Pull makes image available locally. An image that is already present
	// is used as is: Pull then returns nil without contacting a registry.
	// Failures are CannotPullContainerError. Runtimes that do not use
	// images return nil.
	Pull(ctx context.Context, image string) error

	// Create creates a container from spec without starting it and returns
	// its runtime ID. Invalid specs and runtime refusals are
	// CannotCreateContainerError.
	Create(ctx context.Context, spec ContainerSpec) (string, error)

	// Start starts a created container. It returns once the container is
	// Running (it may already have exited by the time Start returns).
	// Failures, such as a missing executable, are CannotStartContainerError.
	// Starting a container twice is an error.
	Start(ctx context.Context, id string) error

	// Wait blocks until the started container id has exited and returns how
	// it ended; for an exited container it returns at once. Several callers
	// may wait on the same container. Wait returns ctx.Err() when ctx ends
	// first, and an error wrapping ErrNotStarted for a container that was
	// created but never started.
	Wait(ctx context.Context, id string) (ExitResult, error)

	// Stop sends SIGTERM to the container and SIGKILL once timeout has
	// passed, and returns when the container is no longer running. A
	// timeout <= 0 means the spec's StopTimeout, or DefaultStopTimeout when
	// that is zero too. Stopping a container that is not running (created
	// or exited) is not an error. Failures are CannotStopContainerError.
	Stop(ctx context.Context, id string, timeout time.Duration) error

	// Inspect reports the container's current state. Failures are
	// CannotInspectContainerError.
	Inspect(ctx context.Context, id string) (State, error)

	// Remove deletes the container and what the runtime keeps for it. A
	// running container is killed first. Failures are
	// CannotRemoveContainerError.
	Remove(ctx context.Context, id string) error

	// List returns the containers this runtime created for taskARN, or for
	// every task when taskARN is "", in no particular order and whatever
	// their status. It returns them whoever their owner is: the
	// containers of every agent that uses the same runtime state (one
	// Docker daemon, one process state directory, one sim value), and
	// those created without an owner. Each Found carries its Owner;
	// callers that act on what they find must keep to their own (the agent
	// only ever adopts, stops or removes containers whose Owner is its
	// container instance ARN). It is how the agent re-adopts containers
	// after a restart. Failures are CannotListContainersError.
	List(ctx context.Context, taskARN string) ([]Found, error)

	// Logs returns the container's stdout and stderr, interleaved as
	// written where the runtime can keep the order. With follow the stream
	// stays open until the container exits (or ctx ends, or the reader is
	// closed); without it the stream ends at the output written so far.
	// The caller must close the reader. Failures are
	// CannotGetContainerLogsError.
	Logs(ctx context.Context, id string, follow bool) (io.ReadCloser, error)
}
