// Package logsapi is the control plane's HTTP endpoint for container logs:
//
//	GET /berth/v1/logs?cluster=C&task=T&container=N&follow=true
//
// Containers' output stays on their nodes, which the user's machine may not
// reach; the agent's websocket to the control plane always exists, so the
// endpoint fetches the logs through it (agentrpc.Hub.Logs) and relays them.
//
// # Request
//
// The request is signed with SigV4 like an ECS API call (service "ecs",
// empty body) and checked by the same Verifier as the ECS edge. Query
// parameters:
//
//   - task (required): the task ID or ARN.
//   - cluster: the cluster name or ARN; "default" when absent.
//   - container: the container name; it may be left out for a task with a
//     single container.
//   - follow: "true" keeps the stream open as the container writes, until
//     it exits or the client goes away; default false (the output so far).
//
// The Handler resolves the task through a TaskLocator, which the control
// plane implements, to the container instance that runs it and asks that
// instance's agent for the container's output.
//
// # Response
//
// On success the status is 200 and the body is the container's stdout and
// stderr as the runtime interleaved them (text/plain, chunked), flushed as
// each chunk arrives from the agent. A stream that breaks after the status
// has been sent (the agent disconnects, the runtime fails) cannot change
// the status: the response then ends with the trailer TrailerError set to
// "Code: message"; a stream that ended normally has no such trailer.
//
// Errors before the stream starts are answered like ECS API errors: a JSON
// body {"__type": Code, "message": ...} with the code also in
// X-Amzn-ErrorType. The status is 404 for ResourceNotFoundException and
// ClusterNotFoundException (an unknown task, cluster or container), 500 for
// ServerException, 405 for a method other than GET and 400 for every other
// error (bad parameters, signature failures, an agent that is not
// connected: TargetNotConnectedException).
package logsapi
