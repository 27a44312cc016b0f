package agentrpc

import (
	"net/http"
	"strings"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// Message types of the state reports an agent may send over the channel
// instead of calling SubmitTaskStateChange and SubmitContainerStateChange
// one at a time over the ECS API.
const (
	// TypeStateChange is agent→server: StateChangeRequest.
	TypeStateChange = "StateChangeRequest"
	// TypeStateChangeAck is server→agent: StateChangeAck.
	TypeStateChangeAck = "StateChangeAck"
)

// FeatureHeader is the response header of the websocket upgrade in which
// the Hub lists, comma-separated, what it accepts beyond ACS. An agent
// uses a feature only when the server listed it, so that a newer agent
// works with an older server.
const FeatureHeader = "Berth-Agent-Features"

// FeatureStateChanges says the server takes StateChangeRequest.
const FeatureStateChanges = "stateChanges"

// hasFeature reports whether h lists feature in FeatureHeader.
func hasFeature(h http.Header, feature string) bool {
	for _, v := range h.Values(FeatureHeader) {
		for f := range strings.SplitSeq(v, ",") {
			if strings.TrimSpace(f) == feature {
				return true
			}
		}
	}
	return false
}

// StateChangeRequest (agent→server) reports state changes of several tasks
// and containers of the instance in one message.
//
// Contract:
//   - Sent only on a connection whose upgrade response listed
//     FeatureStateChanges.
//   - MessageID is unique per request. A request without Changes only
//     carries Acks; the server takes them and does not answer. The server
//     applies every change as
//     SubmitTaskStateChange or SubmitContainerStateChange would (the
//     task's status only moves forward, so a change applied twice changes
//     nothing the second time) and answers with one StateChangeAck of the
//     same MessageID.
//   - The changes are those of the connection's cluster; Cluster members
//     inside them are ignored. Changes of one task are applied in their
//     order in the request; changes of different tasks in any order.
//   - Delivery is at least once: the agent keeps a change until its
//     result has arrived and sends it again (on this connection, the next
//     one or through the ECS API) when the connection ends first or the
//     result is a ServerException.
type StateChangeRequest struct {
	MessageID string        `json:"messageId"`
	Changes   []StateChange `json:"changes"`
	// Acks are PayloadMessage ids the agent acknowledges, as AckRequests
	// would; the server takes them before it applies the changes. An
	// agent that has a report to send soon after accepting a payload
	// acks it here instead of in a message of its own.
	Acks []string `json:"acks,omitempty"`
}

// StateChange is one report: exactly one of Task and Container is set.
type StateChange struct {
	// Task is a task's change, as SubmitTaskStateChange takes it.
	Task *ecsmodel.SubmitTaskStateChangeRequest `json:"task,omitempty"`
	// StopCode goes with a Task change to STOPPED that the agent itself
	// decided (TaskFailedToStart or EssentialContainerExited), which
	// SubmitTaskStateChange has no member for; other values are ignored.
	StopCode string `json:"stopCode,omitempty"`
	// Container is one container's change, as SubmitContainerStateChange
	// takes it.
	Container *ecsmodel.SubmitContainerStateChangeRequest `json:"container,omitempty"`
}

// TaskArn returns the task the change is about.
func (c StateChange) TaskArn() string {
	switch {
	case c.Task != nil:
		return c.Task.Task
	case c.Container != nil:
		return c.Container.Task
	}
	return ""
}

// StateChangeAck (server→agent) answers a StateChangeRequest with one
// result per change, in the order of the request.
type StateChangeAck struct {
	MessageID string              `json:"messageId"`
	Results   []StateChangeResult `json:"results"`
}

// StateChangeResult is the outcome of one change: an empty Code means it
// was applied (or was older than what the server had); otherwise Code is
// the ECS exception the ECS API would have answered. A client error
// (InvalidParameterException, ...) will never succeed; a ServerException
// may on a later attempt.
type StateChangeResult struct {
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}
