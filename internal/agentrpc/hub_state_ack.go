package agentrpc

import "github.com/berth-io/berth/internal/ecsmodel"

// The Hub answers nearly every task change with a StateChangeAck. It
// writes the frame with appendStateAckFrame instead of encodeEnvelope,
// which reflects on every member and allocates the frame twice. The frame
// holds the same members in the same order; only <, > and & in strings
// are written as themselves instead of as \u escapes, which decodes to
// the same ack.

// sendStateAck queues the StateChangeAck of the request messageID for the
// writer, as sendControl would; it is dropped when the connection has
// stopped.
func (c *hubConn) sendStateAck(messageID string, results []StateChangeResult) {
	ack := StateChangeAck{MessageID: messageID, Results: results}
	c.queueControl(appendStateAckFrame(make([]byte, 0, stateAckSize(&ack)), &ack))
}

// stateAckSize is about the length of the frame of ack: a few bytes more
// when no string in it needs an escape.
func stateAckSize(ack *StateChangeAck) int {
	n := len(envelopeHead+TypeStateChangeAck+envelopeMid+`{"messageId":"","results":null}}`) + len(ack.MessageID)
	for _, r := range ack.Results {
		n += len(`{"code":"","message":""},`) + len(r.Code) + len(r.Message)
	}
	return n
}

// appendStateAckFrame appends the frame of ack.
func appendStateAckFrame(b []byte, ack *StateChangeAck) []byte {
	b = append(b, envelopeHead+TypeStateChangeAck+envelopeMid+`{"messageId":`...)
	b = ecsmodel.AppendString(b, ack.MessageID)
	b = ecsmodel.AppendArray(append(b, `,"results":`...), ack.Results, appendStateResult)
	return append(b, "}}"...)
}

// appendStateResult appends r as encoding/json writes a
// StateChangeResult.
func appendStateResult(r *StateChangeResult, b []byte) []byte {
	start := len(b)
	b = ecsmodel.AppendOmitEmptyString(b, `,"code":`, r.Code)
	b = ecsmodel.AppendOmitEmptyString(b, `,"message":`, r.Message)
	if len(b) == start {
		return append(b, "{}"...)
	}
	b[start] = '{'
	return append(b, '}')
}
