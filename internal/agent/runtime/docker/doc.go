// Package docker is the runtime.Runtime that runs containers through the
// Docker Engine API, using the official Go client with API version
// negotiation (so it works with daemons down to API 1.41, Docker 20.10).
//
// # Mapping of a ContainerSpec
//
//   - Image, EntryPoint, Command (empty: the image's ENTRYPOINT/CMD), Env
//     (added to the image's ENV), WorkingDir.
//   - CPUShares -> HostConfig.CpuShares (1 is raised to the kernel minimum
//     of 2); MemoryMiB -> Memory (hard limit); MemoryReservationMiB ->
//     MemoryReservation (soft limit).
//   - PortMappings -> ExposedPorts and PortBindings on Options.BindIP
//     (default 0.0.0.0); host port 0 lets Docker pick an ephemeral port,
//     which Inspect reports in NetworkBindings while the container runs.
//   - StopTimeout -> Config.StopTimeout (whole seconds, rounded up; 30 s
//     when zero), used by Stop when it is given no timeout.
//   - Labels, plus com.berth.task-arn and com.berth.container-name, which
//     List filters on to re-adopt containers after an agent restart.
//   - LogDir is ignored: logs stay in the container's logging driver (the
//     daemon default, normally json-file) and Logs reads them through the
//     API, stdout and stderr interleaved.
//
// Containers are named berth-<task id>-<container name>-<random>, the
// random part avoiding conflicts when the agent retries a Create.
//
// # Ownership
//
// The runtime only acts on containers that carry the com.berth.task-arn
// label: any other container ID is reported as not found, so the agent
// cannot stop or remove containers it did not create.
//
// # Pull and removal
//
// Pull uses a local image when there is one (no registry round trip) and
// otherwise pulls it anonymously; every failure, including an unreachable
// registry, is a CannotPullContainerError. When to remove an exited
// container is the agent's choice (ECS waits ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION);
// Remove force-removes it together with its anonymous volumes.
package docker
