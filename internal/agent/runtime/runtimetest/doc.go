// Package runtimetest is the conformance suite every runtime.Runtime
// implementation passes: Run(t, harness) drives a real runtime through the
// container lifecycle (exit codes, environment, working directory, ports,
// stop with SIGTERM and SIGKILL, adoption through List after a restart,
// the owner every container carries and List reports, removal, logs, pull
// and start failures, unknown IDs). RequireDocker lets a test binary run
// such tests on this machine's Docker daemon.
//
// The suite describes what a test container should do as a Program (print
// its environment, listen on a port, ignore SIGTERM, exit with a code...).
// Each harness translates a Program into an entry point and command for its
// runtime: the docker and process runtimes run the probe program from
// ../testdata/probe (see BuildProbe and ProbeCommand); the sim runtime
// understands "sleep N" and "exit N" scripts. Cases a runtime cannot
// express are skipped with a message.
package runtimetest
