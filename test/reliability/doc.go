// Package reliability holds berth's reliability suites: tests that put the
// real control plane (real HTTP server on 127.0.0.1, real bbolt store with
// fsync, real aws-sdk-go-v2 clients, real agents over the sim runtime)
// under faults and check that nothing acknowledged is lost and nothing is
// counted twice.
//
//   - Crash (crash_test.go): the berth binary is started as a subprocess,
//     a storm of RunTask and StopTask calls runs against it from concurrent
//     SDK clients, and the server is killed with SIGKILL after a chosen
//     number of acknowledged RunTasks; after a restart on the same data dir
//     every acknowledged task must be there, whole, and every instance's
//     remainingResources must equal its registered resources minus what
//     its live tasks reserve.
//   - Race (race_test.go): hundreds of concurrent RunTask, StartTask and
//     StopTask calls compete for a few small instances with static host
//     ports; a ledger built from acknowledged responses proves at every
//     response that no instance is overcommitted, a sampler checks the
//     served view in flight, and the books are checked exactly between
//     rounds. Run it under the race detector too (see docs/RELIABILITY.md).
//   - Agent faults (agentfault_test.go): agents are killed, bounced and cut
//     off by a control-plane restart during a RunTask storm; every task
//     must end RUNNING (or STOPPED, when stopped) exactly once, with one
//     container per definition in the sim runtime of its own instance.
//   - Bad input (badinput_test.go, corpus_*_test.go): a generated corpus
//     of mistyped, malformed, truncated, invalid, badly signed and
//     misaddressed requests; every answer must be the case's ECS error in
//     the exact wire form (never a 5xx), parsed alike by aws-sdk-go-v2 and
//     botocore, and no request may write to the store or change what the
//     API shows. rawhttp_test.go writes garbage below HTTP to the port;
//     replay_test.go sends signed requests twice (SigV4 has no nonce:
//     clientToken idempotency is what makes a replay harmless).
//
// Sizes are bounded so that the default `go test ./...` stays short; the
// flag -reliability.long runs the long variants.
package reliability
