// Package agent is berth's node agent: it registers the machine as an ECS
// container instance, keeps the agent channel (package agentrpc) to the
// control plane open, and runs the tasks placed on the machine through a
// container runtime (package runtime: docker, process or sim).
//
// # Start-up
//
// Agent.Run does, retrying each step with backoff while the control plane is
// unreachable:
//
//  1. RegisterContainerInstance with the official aws-sdk-go-v2 ECS client:
//     totalResources CPU = cores × 1024, MEMORY = MemTotal in MiB (or the
//     configured overrides), PORTS = 22, 2375, 2376, 51678, 51679 and an
//     empty PORTS_UDP; attributes ecs.os-type, ecs.os-family,
//     ecs.cpu-architecture, ecs.availability-zone, berth.runtime,
//     berth.capacity-provider (the request has no member for a capacity
//     provider) and the custom ones; versionInfo.agentVersion. The ARN is
//     kept in <state-dir>/instance.json and passed back on the next start,
//     so a restarted agent re-attaches to its container instance.
//  2. Runtime.List, to adopt the containers a previous run left behind.
//  3. DiscoverPollEndpoint, then agentrpc.Dial to <endpoint>/ws.
//
// # Task engine
//
// Engine keeps one goroutine per task (taskRunner), the only writer of the
// task's known status. Each turn of its loop takes one step from the known
// status toward the desired one:
//
//	NONE -pull-> PULLED -create-> CREATED -start (dependsOn order)-> RUNNING
//	any -(desired STOPPED, essential exit, failure)-> stop containers -> STOPPED
//
// Pulls use cached images. A pull, create or start failure stops the task
// with stop code TaskFailedToStart and the runtime's error as the reason
// ("CannotPullContainerError: ..."). When an essential container exits,
// the task stops with EssentialContainerExited and the reason
// ReasonEssentialContainerExited; a non-essential container's exit is
// reported on its own. Stopping sends SIGTERM and, after the container's
// stopTimeout (else the task's, else Config.StopTimeout, 30 s), SIGKILL.
// Stopped tasks' containers are removed after Config.CleanupWait.
//
// Payloads carry a version; a runner applies only versions newer than the
// last, and STOPPED is final. After a restart, a task the control plane
// still lists takes over its containers (no second start); containers of
// tasks that the first snapshot payload does not list are stopped and
// removed.
//
// # Reports
//
// Runners hand state changes to a queue and never wait for the network.
// The queue sends SubmitTaskStateChange (RUNNING with runtime ids and
// network bindings, pullStartedAt/pullStoppedAt; STOPPED with exit codes,
// reason and executionStoppedAt) and SubmitContainerStateChange, one at a
// time per task and in order, several tasks at once; waiting changes are
// coalesced, failures retried with backoff, and client errors
// (ErrReportRejected) dropped. Reasons are cut to 1024 bytes, runtime ids
// to 255.
//
// SubmitTaskStateChange has no stopCode member. The control plane derives
// it when the agent reports STOPPED for a task whose desired status is
// still RUNNING: reason ReasonEssentialContainerExited means
// EssentialContainerExited, anything else TaskFailedToStart. For a task
// that StopTask stopped, the stop code StopTask set stands.
//
// # Logs
//
// Engine.Logs serves the control plane's log requests (agentrpc.LogSource):
// it finds the task's container in the runtime by its labels and streams
// the runtime's Logs, so the output of a stopped task stays readable until
// its containers are removed after CleanupWait.
//
// # Fleet
//
// Fleet runs many agents over sim runtimes in one process (load tests):
// they share the HTTP client, ECS client, websocket dialer and report queue,
// take availability zones round-robin and each keep their own websocket and
// state directory.
package agent
