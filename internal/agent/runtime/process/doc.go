// Package process is a runtime.Runtime that runs a container's command as a
// plain host process: no image, no isolation. It suits nodes without Docker
// and tests that need real processes.
//
// # What a container is here
//
//   - The command is EntryPoint followed by Command (at least one element);
//     a name without a slash is looked up in the container's PATH. The
//     Image is ignored and Pull does nothing.
//   - The environment is the spec's Env plus PATH (the agent's own PATH,
//     when Env has none); nothing else of the agent's environment leaks in.
//   - The working directory is WorkingDir, or "/" when it is empty.
//   - The process runs in its own process group (Setpgid), so that Stop and
//     Remove signal everything it started. When the main process exits,
//     what is left of its group is killed, as Docker does when a
//     container's init exits.
//   - stdout and stderr go to one file, <LogDir>/<container>-<id12>.log, so
//     Logs keeps their order. LogDir defaults to Options.LogDir.
//   - The process shares the host network: a port mapping's host port must
//     be 0 or equal to its container port (as ECS requires for the host
//     network mode); the binding reports the container port.
//   - CPU shares and memory limits are recorded but not enforced.
//   - Exit codes follow Docker: the exit status, or 128+N after signal N.
//
// # State and adoption
//
// Each container has a JSON record, <StateDir>/<id>.json, written on every
// change (created, running with pid and start time, exited with the exit
// code). List reads these records, so a new Runtime over the same StateDir
// (an agent restart) finds the containers the old one started; the
// processes themselves keep running, since nothing ties them to the agent.
//
// A pid is trusted only together with the process start time recorded at
// Start (field 22 of /proc/<pid>/stat): a reused pid has another start time
// and counts as exited, and is never signalled.
//
// The Runtime that started a process is its parent and gets the exit code
// from wait(2). A restarted agent is not the parent of the processes it
// adopts: it sees them end (by polling /proc) but cannot learn how, so their
// ExitResult has ExitCodeUnknown set. The package is Linux only.
package process
