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
// Engine keeps one runner per task (taskRunner), whose goroutine is the
// only writer of the task's known status. Each turn of its loop takes one
// step from the known status toward the desired one:
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
// A runner with nothing to do (its task running, or waiting for a
// dependency to exit) parks: its goroutine returns, and the next event (a
// newer payload, a container's exit) starts a new one. Runtimes that call
// back on exits (runtime.ExitNotifier, the sim runtime) need no goroutine
// per container either, so a running task costs no goroutine at all.
//
// Payloads carry a version; a runner applies only versions newer than the
// last, and STOPPED is final. After a restart, a task the control plane
// still lists takes over its containers (no second start). Containers of
// tasks that the first snapshot payload does not list are orphans: when
// none of a task's containers runs, the task stopped before the restart,
// and they are kept (with their logs) until CleanupWait after it stopped,
// which is when its last container exited as the runtime recorded it;
// running ones are stopped and removed at once.
//
// # Reports
//
// Runners hand state changes to a queue and never wait for the network.
// The queue sends task changes (RUNNING with runtime ids and network
// bindings, pullStartedAt/pullStoppedAt; STOPPED with exit codes, reason
// and executionStoppedAt) and container changes, one at a time per task
// and in order, several tasks at once; waiting changes are coalesced,
// failures retried with backoff, and client errors dropped. Reasons are
// cut to 1024 bytes, runtime ids to 255.
//
// When the server takes them (agentrpc.FeatureStateChanges), the changes
// of every task with one waiting go in one StateChangeRequest over the
// agent channel, which also carries the acks of the payloads accepted
// since the last one (Engine.UseChannel); a client error in a change's
// result drops it, a ServerException or a lost connection sends it again.
// Otherwise, and while the channel is down, they go one at a time through
// the Reporter: SubmitTaskStateChange and SubmitContainerStateChange over
// the ECS API, where ErrReportRejected drops them.
//
// SubmitTaskStateChange has no stopCode member. The control plane derives
// it when the agent reports STOPPED for a task whose desired status is
// still RUNNING: EssentialContainerExited if the task ran, else
// TaskFailedToStart. Over the channel the agent sends the stop code it
// decided. For a task that StopTask stopped, the stop code StopTask set
// stands.
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
// they share the HTTP client, ECS client and websocket dialer, and at most
// FleetConfig.ReportWorkers of their reports use the ECS API at once; they
// take availability zones round-robin and each keep their own websocket
// (which carries their reports), report queue and state directory.
package agent
