package agentrpc

import (
	"bytes"
	"encoding/json"
)

// The fixed parts of an envelope as encodeEnvelope writes it.
const (
	envelopeHead = `{"type":"`
	envelopeMid  = `","message":`
)

// decodeEnvelope reads one frame. A frame in the exact form encodeEnvelope
// writes, {"type":"T","message":M}, is split without scanning M, which is
// scanned once, when decodeMessage decodes it; any other form is decoded
// as ordinary JSON.
func decodeEnvelope(data []byte) (Envelope, error) {
	if rest, ok := bytes.CutPrefix(data, []byte(envelopeHead)); ok && len(rest) > 0 && rest[len(rest)-1] == '}' {
		if i := bytes.IndexByte(rest, '"'); i >= 0 && bytes.IndexByte(rest[:i], '\\') < 0 {
			if msg, ok := bytes.CutPrefix(rest[i:], []byte(envelopeMid)); ok {
				return Envelope{Type: messageType(rest[:i]), Message: msg[:len(msg)-1], frame: data}, nil
			}
		}
	}
	var env Envelope
	err := json.Unmarshal(data, &env)
	return env, err
}

// decodeMessage decodes env's message into out. A message that
// decodeEnvelope split off unchecked and that does not decode on its own
// (the frame had members after "message") is taken from the whole frame.
func decodeMessage(env Envelope, out any) error {
	err := json.Unmarshal(env.Message, out)
	if err != nil && env.frame != nil {
		var full Envelope
		if json.Unmarshal(env.frame, &full) == nil && full.Type == env.Type {
			return json.Unmarshal(full.Message, out)
		}
	}
	return err
}

// messageType returns the type name b spells, without allocating for the
// known ones (those of both directions).
func messageType(b []byte) string {
	switch string(b) {
	case TypePayload:
		return TypePayload
	case TypeHeartbeat:
		return TypeHeartbeat
	case TypeAck:
		return TypeAck
	case TypeHeartbeatAck:
		return TypeHeartbeatAck
	case TypeStateChange:
		return TypeStateChange
	case TypeStateChangeAck:
		return TypeStateChangeAck
	case TypeClose:
		return TypeClose
	case TypeError:
		return TypeError
	case TypeLogsRequest:
		return TypeLogsRequest
	case TypeLogsCredit:
		return TypeLogsCredit
	case TypeLogsCancel:
		return TypeLogsCancel
	case TypeLogsChunk:
		return TypeLogsChunk
	}
	return string(b)
}
