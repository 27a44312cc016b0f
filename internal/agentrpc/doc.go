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
// message types and their contracts are in messages.go and, for logs and
// state changes, messages_logs.go and messages_state.go. The server sends
// PayloadMessage (tasks to run or stop), HeartbeatMessage, CloseMessage,
// ErrorMessage, StateChangeAck, LogsRequest, LogsCredit and LogsCancel;
// the agent sends AckRequest, HeartbeatAckRequest, StateChangeRequest and
// LogsChunk.
//
// # Delivery
//
// Payloads are delivered at least once and applied at most once:
//
//   - The Hub queues each payload per instance and keeps it until the
//     agent acks it. A payload gets its MessageID and a rising SeqNum when
//     it is first sent; payloads that wait to be sent together are merged
//     into one, and a payload is encoded once, when first sent. It resends unacked payloads on every
//     new connection and, on a live one, when the ack is AckTimeout late.
//   - Every connection starts with a snapshot payload of all the instance's
//     tasks that have not stopped (ControlPlane.PendingTasks), so an agent
//     that restarted learns which of the containers it finds are still
//     wanted.
//   - The Session hands only task versions newer than those it has applied
//     to its Handler, and acks a payload only after the Handler accepted it.
//
// # State changes
//
// An agent reports its tasks' state changes through the ECS API
// (SubmitTaskStateChange, SubmitContainerStateChange), or, when the Hub's
// upgrade response lists FeatureStateChanges in FeatureHeader (its
// ControlPlane is a StateReceiver), over the channel: one
// StateChangeRequest carries the changes of several tasks, and the acks
// of the payloads the agent accepted since its last one; the Hub answers
// with a StateChangeAck of one result per change (messages_state.go).
// Session.SubmitStateChanges sends one and waits for its results. The
// Hub applies requests on a fixed set of goroutines (HubConfig.
// ApplyWorkers), at most a few per connection at once, and never in its
// read loop. A Session whose server takes state changes defers the ack
// of a payload by up to ClientConfig.AckDelay, to send it with the next
// request, or else with the other acks that waited, in a request
// without changes, which the Hub does not answer.
//
// # Liveness
//
// The Hub sends a heartbeat every HeartbeatInterval; the agent answers each.
// A connection silent for HeartbeatTimeout is closed (up to a tenth of it,
// at most a second, later: the Hub moves its read deadline only that
// often, not on every frame), and the instance is
// reported disconnected through ControlPlane.AgentConnected(false); a new
// connection reports it connected again. The Session likewise drops a
// connection on which the server is silent and reconnects with exponential
// backoff and full jitter.
//
// The Hub keeps its queues in memory. When the control plane restarts, the
// snapshot sent on reconnect stands in for the lost queue, and the SeqNum
// the agent reports keeps the sequence rising.
//
// # Container logs
//
// Containers' output stays on their node; the control plane reads it over
// the agent's websocket, which exists even when the node cannot be reached
// from outside. Hub.Logs sends a LogsRequest and returns a reader; the
// agent opens the container's output with its LogSource (ClientConfig.Logs)
// and answers with LogsChunk messages, base64 data of at most MaxLogsChunk
// bytes each, on a goroutine of its own per stream:
//
//	server                                  agent
//	LogsRequest{requestId, taskArn, containerName, follow, window} ->
//	                  <- LogsChunk{requestId}              (opened; or error: final)
//	                  <- LogsChunk{requestId, data} ...     (at most window ahead)
//	LogsCredit{requestId, chunks} ->                       (as the reader reads)
//	                  <- LogsChunk{requestId, eof}          (final)
//	LogsCancel{requestId} ->                               (reader closed, ctx ended)
//
// Flow control is by credit: the agent may send window chunks beyond those
// credited back, and the Hub credits chunks back as its reader consumes
// them, so a stream buffers at most window chunks on the server and a slow
// reader slows the agent down instead of the connection: the Hub's read
// loop never blocks on a stream. An agent that overruns the window has its
// stream failed and cancelled.
//
// Hub.Logs returns once the agent's first chunk has arrived, so an error in
// opening the logs (an unknown task or container) is returned by Logs
// itself rather than by the reader. It fails at once with
// CodeTargetNotConnected when the instance has no live connection, and
// gives up after HubConfig.LogsOpenTimeout on an agent that does not
// answer (an agent without log support ignores the unknown message type).
// Streams are tied to the connection: when it ends, the Hub's readers get
// what had arrived and then a CodeTargetNotConnected error, and the
// agent's streams are cancelled. Nothing is resumed on the next
// connection; the reader asks again.
package agentrpc
