// Package runtime defines how the berth agent runs a task's containers.
//
// The agent (one goroutine per task, moving each container's known status
// toward its desired status) talks to containers only through the Runtime
// interface declared here, in the package that consumes it. Three
// implementations live in sub-packages:
//
//   - runtime/docker runs real containers through the Docker Engine API.
//   - runtime/process runs the container's command as a host process; the
//     image is ignored and the process shares the host network.
//   - runtime/sim runs nothing: containers only pretend to run, cheaply
//     enough for tens of thousands per process (load tests, control-plane
//     tests).
//
// # Lifecycle
//
// A container goes through three states, reported as Status:
//
//	Pull(image) -> Create(spec) ─> Created ─Start─> Running ─exit/Stop─> Exited ─Remove─> (gone)
//
// Create returns a runtime ID (the Docker container ID for docker; ECS
// reports it as the container's runtimeId). Start makes the container
// Running. Wait blocks until the container has exited and returns its
// ExitResult. Stop sends SIGTERM and, if the container is still running
// after the stop timeout, SIGKILL; it returns once the container has exited.
// Remove deletes an exited container (and kills a running one first).
//
// # Exit codes
//
// Exit codes follow the Docker convention on every runtime: a process that
// exits normally reports its exit status; a process killed by signal N
// reports 128+N (143 for SIGTERM, 137 for SIGKILL).
//
// # Errors
//
// Failures that end a task carry the name ECS uses as the stop reason: an
// *Error with Name() "CannotPullContainerError", "CannotCreateContainerError",
// "CannotStartContainerError" and so on; its Error() text is
// "<Name>: <detail>", ready to be used as a stoppedReason or container
// reason (ECS limits a reason to 1024 characters; the caller truncates).
// Operations on an unknown runtime ID wrap ErrNotFound, and Wait on a
// container that was never started wraps ErrNotStarted; test both with
// errors.Is.
//
// # Adoption
//
// Every implementation labels its containers with the task ARN, the
// container name and the owner, the container instance ARN of the agent
// that created them (LabelTaskARN, LabelContainerName, LabelOwner). After
// an agent restart, List finds the containers of a task again so the agent
// can adopt them (Inspect, Wait, Stop, Remove by runtime ID) instead of
// starting duplicates. The docker and process runtimes keep this
// information outside the agent process (in the daemon, in a state
// directory); the sim runtime keeps it in memory only.
//
// # Ownership
//
// Several agents may share one runtime: two agents on one Docker daemon
// (`berth up` next to a `berth agent`, test binaries run in parallel).
// List therefore returns every berth container of the runtime, each with
// its Owner, and the agent acts only on those whose Owner is its own
// container instance ARN. A container of another instance, or one without
// an owner, is never adopted, stopped or removed by an agent.
package runtime
