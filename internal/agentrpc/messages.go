package agentrpc

import (
	"encoding/json"
	"fmt"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// Message types carried in Envelope.Type. The names are those of ECS's agent
// communication service (ACS), so that the stock amazon-ecs-agent could be
// brought to berth later.
const (
	// TypePayload is server→agent: PayloadMessage.
	TypePayload = "PayloadMessage"
	// TypeHeartbeat is server→agent: HeartbeatMessage.
	TypeHeartbeat = "HeartbeatMessage"
	// TypeClose is server→agent: CloseMessage.
	TypeClose = "CloseMessage"
	// TypeError is server→agent: ErrorMessage.
	TypeError = "ErrorMessage"
	// TypeAck is agent→server: AckRequest.
	TypeAck = "AckRequest"
	// TypeHeartbeatAck is agent→server: HeartbeatAckRequest.
	TypeHeartbeatAck = "HeartbeatAckRequest"
)

// Envelope is one websocket text frame: {"type": "...", "message": {...}}.
// Receivers ignore envelopes whose type they do not know, so either side may
// add message types without breaking the other.
type Envelope struct {
	Type    string          `json:"type"`
	Message json.RawMessage `json:"message"`

	frame []byte // the whole frame, when decodeEnvelope split it
}

// encodeEnvelope wraps msg in an Envelope of the given type and encodes it.
// The envelope is written around the encoded message directly: marshalling
// an Envelope would scan the message a second time (log chunks are large).
func encodeEnvelope(typ string, msg any) ([]byte, error) {
	body, err := json.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("agentrpc: encode %s: %w", typ, err)
	}
	name, _ := json.Marshal(typ) // a string always encodes
	out := make([]byte, 0, len(body)+len(name)+len(`{"type":,"message":}`))
	out = append(out, `{"type":`...)
	out = append(out, name...)
	out = append(out, `,"message":`...)
	out = append(out, body...)
	return append(out, '}'), nil
}

// PayloadMessage (server→agent) hands the agent tasks to run or stop.
//
// Contract:
//   - MessageID is unique per message; the agent answers every payload it has
//     handed to its task engine with an AckRequest carrying the same id.
//   - Delivery is at least once: the server keeps a payload until it is
//     acked and sends it again after a reconnect or when no ack arrives in
//     time. A resend carries the same MessageID and SeqNum.
//   - SeqNum rises by one with every new payload for a container instance and
//     never goes back, not even when the server restarts, because the agent
//     reports the highest SeqNum it has seen when it reconnects.
//   - A task is identified by its ARN and Version; the agent applies a
//     (Arn, Version) at most once and ignores versions lower than one it has
//     applied. A payload may therefore repeat tasks freely.
//   - Snapshot is set on the payload the server sends first on every
//     connection: its Tasks are every task of the instance that has not yet
//     stopped. An agent that has just started may stop containers it finds
//     for tasks the snapshot does not list. Ordinary payloads carry only the
//     tasks that changed.
type PayloadMessage struct {
	MessageID            string        `json:"messageId"`
	ClusterArn           string        `json:"clusterArn"`
	ContainerInstanceArn string        `json:"containerInstanceArn"`
	SeqNum               int64         `json:"seqNum"`
	Snapshot             bool          `json:"snapshot,omitempty"`
	Tasks                []TaskPayload `json:"tasks"`
}

// TaskPayload is one task as the agent needs it: what to run and whether it
// should be running.
type TaskPayload struct {
	// Arn is the task ARN. Required.
	Arn string `json:"arn"`
	// DesiredStatus is "RUNNING" or "STOPPED". Required.
	DesiredStatus string `json:"desiredStatus"`
	// Version is the task's version; it rises with every change the control
	// plane makes. Required, ≥ 1.
	Version int64 `json:"version"`
	// TaskDefinitionArn, Family and Revision name the task definition.
	TaskDefinitionArn string `json:"taskDefinitionArn,omitempty"`
	Family            string `json:"family,omitempty"`
	Revision          int32  `json:"revision,omitempty"`
	// Cpu and Memory are the task-level sizes of the definition (units and
	// MiB as strings, as in ECS), empty when the definition has none.
	Cpu    string `json:"cpu,omitempty"`
	Memory string `json:"memory,omitempty"`
	// NetworkMode is the definition's network mode (bridge, host, awsvpc or
	// none); empty means the runtime's default.
	NetworkMode string `json:"networkMode,omitempty"`
	// Containers are the definition's containers with what placement chose
	// for each. Required for a task the agent does not know yet.
	Containers []ContainerPayload `json:"containers"`
	// Overrides are RunTask/StartTask's overrides, applied by the agent on
	// top of the definition.
	Overrides *ecsmodel.TaskOverride `json:"overrides,omitempty"`
	// StopTimeout is how many seconds a container gets between the stop
	// signal and the kill when the task stops, unless its definition sets
	// its own stopTimeout; 0 means the agent's default (30 s).
	StopTimeout int32 `json:"stopTimeout,omitempty"`
	// StartedBy and Group are informational (logs, labels).
	StartedBy string `json:"startedBy,omitempty"`
	Group     string `json:"group,omitempty"`
}

// ContainerPayload is one container definition of the task plus what the
// control plane decided for it.
type ContainerPayload struct {
	ecsmodel.ContainerDefinition
	// ContainerArn is the ARN the control plane gave the container.
	ContainerArn string `json:"containerArn"`
	// NetworkBindings are the host ports placement reserved, one per port
	// mapping of the definition. HostPort 0 lets the runtime choose one.
	NetworkBindings []ecsmodel.NetworkBinding `json:"networkBindings,omitempty"`
}

// HeartbeatMessage (server→agent) is sent at a fixed interval. The agent
// answers with a HeartbeatAckRequest carrying the same MessageID. Each side
// treats a connection on which it has received nothing for its heartbeat
// timeout as dead.
type HeartbeatMessage struct {
	MessageID string `json:"messageId"`
	Healthy   bool   `json:"healthy"`
}

// CloseMessage (server→agent) says the server is about to close the
// connection; the agent reconnects after its backoff.
type CloseMessage struct {
	Message string `json:"message"`
}

// ErrorMessage (server→agent) reports a problem with something the agent
// sent; MessageID names that message when there is one. Code is an ECS
// exception name.
type ErrorMessage struct {
	MessageID string `json:"messageId,omitempty"`
	Code      string `json:"code"`
	Message   string `json:"message"`
}

// AckRequest (agent→server) acknowledges a PayloadMessage.
type AckRequest struct {
	MessageID            string `json:"messageId"`
	ClusterArn           string `json:"clusterArn,omitempty"`
	ContainerInstanceArn string `json:"containerInstanceArn,omitempty"`
}

// HeartbeatAckRequest (agent→server) answers a HeartbeatMessage.
type HeartbeatAckRequest struct {
	MessageID string `json:"messageId"`
}
