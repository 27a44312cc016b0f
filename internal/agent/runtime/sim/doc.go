// Package sim is a runtime.Runtime in which nothing runs: containers only
// pretend to, so that one process can hold tens of thousands of them (load
// tests of the control plane, agent tests without Docker).
//
// # What a simulated container does
//
// Start makes a container running at once. What happens next depends on
// its command (EntryPoint followed by Command), read at Create:
//
//   - ["sleep", "N"...]: runs N seconds (GNU syntax: fractions, s/m/h/d
//     suffixes, several arguments summed, "infinity"), then exits 0.
//   - ["true"] exits 0 at once; ["false"] exits 1.
//   - ["sh", "-c", script] (also bash, /bin/sh): the script's statements,
//     separated by ";", "&&" or newlines, run in order: "sleep ..." waits,
//     "exit N" ends with N, "false" fails (ending an "&&" chain),
//     `trap "" TERM` (or with single quotes) makes the container ignore
//     SIGTERM, and "true", ":", "echo", "printf", "export", "set" and "cd"
//     do nothing. Any other statement runs until the container is
//     stopped, and so does the script after it.
//   - A malformed sleep or exit argument makes the container exit 1 at
//     once, as the real command would fail.
//   - anything else, including an empty command (the image's default, such
//     as a web server): runs until stopped.
//
// Stop ends a running container at once with exit code 143, the code of a
// process that SIGTERM ended. A container that ignores SIGTERM keeps
// running until its own end or until the stop timeout passes, then exits
// 137 (SIGKILL); Stop blocks until then. Remove of a running container ends
// it with 137.
//
// Images: every image is present unless Options.PullFails says otherwise.
// Ports: bindings are reported as requested (bind IP 0.0.0.0); a host port
// of 0 gets a made-up port from the ephemeral range 49153-65535, and
// nothing is bound. Logs are empty (a followed log stays open until the
// container exits).
//
// # Cost
//
// A container is a small struct in a map; a container that will exit by
// itself or is being stopped holds one runtime timer (time.AfterFunc); no
// goroutine runs per container. Wait and Logs block their caller's
// goroutine on a channel created on first use; NotifyExit
// (runtime.ExitNotifier) keeps a callback instead, called on a goroutine
// of its own when the container exits. BenchmarkMemoryPerContainer
// measures the heap used per running container.
//
// State lives in memory only: a new Runtime knows no containers, so List
// finds nothing after a restart.
package sim
