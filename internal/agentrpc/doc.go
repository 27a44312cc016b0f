// Package agentrpc is the channel between berth's control plane and its node
// agents. It is shaped like ECS's agent communication service (ACS) so that
// the stock amazon-ecs-agent could be brought to berth later.
//
// # Connection
//
// After RegisterContainerInstance and DiscoverPollEndpoint (ordinary ECS API
// calls), an agent opens one websocket to
//
//	<endpoint>/ws?clusterArn=..&containerInstanceArn=..&seqNum=..&agentVersion=..
//
// signed with SigV4 (service "ecs") like any ECS request. The server side is
// Hub, an http.Handler; the agent side is Session, opened with Dial. A newer
// connection of a container instance replaces the older one.
//
// # Messages
//
// Every frame is a JSON Envelope {"type": "...", "message": {...}}; the
// message types and their contracts are in messages.go. The server sends
// PayloadMessage (tasks to run or stop), HeartbeatMessage, CloseMessage and
// ErrorMessage; the agent sends AckRequest and HeartbeatAckRequest.
//
// # Delivery
//
// Payloads are delivered at least once and applied at most once:
//
//   - The Hub queues each payload per instance with a rising SeqNum and
//     keeps it until the agent acks it. It resends unacked payloads on every
//     new connection and, on a live one, when the ack is AckTimeout late.
//   - Every connection starts with a snapshot payload of all the instance's
//     tasks that have not stopped (ControlPlane.PendingTasks), so an agent
//     that restarted learns which of the containers it finds are still
//     wanted.
//   - The Session hands only task versions newer than those it has applied
//     to its Handler, and acks a payload only after the Handler accepted it.
//
// # Liveness
//
// The Hub sends a heartbeat every HeartbeatInterval; the agent answers each.
// A connection silent for HeartbeatTimeout is closed, and the instance is
// reported disconnected through ControlPlane.AgentConnected(false); a new
// connection reports it connected again. The Session likewise drops a
// connection on which the server is silent and reconnects with exponential
// backoff and full jitter.
//
// The Hub keeps its queues in memory. When the control plane restarts, the
// snapshot sent on reconnect stands in for the lost queue, and the SeqNum
// the agent reports keeps the sequence rising.
package agentrpc
