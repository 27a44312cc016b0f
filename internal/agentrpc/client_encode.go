package agentrpc

import "github.com/berth-io/berth/internal/ecsmodel"

// The agent sends a StateChangeRequest for nearly every task change. It
// writes the frame with appendStateChangeFrame, into a buffer it reuses,
// instead of encodeEnvelope, which reflects on every member and allocates
// the frame twice. The frame holds the same members in the same order;
// only <, > and & in strings are written as themselves instead of as \u
// escapes, which decodes to the same request.

// appendStateChangeFrame appends the frame of req.
func appendStateChangeFrame(b []byte, req *StateChangeRequest) []byte {
	b = append(b, envelopeHead+TypeStateChange+envelopeMid+`{"messageId":`...)
	b = ecsmodel.AppendString(b, req.MessageID)
	b = ecsmodel.AppendArray(append(b, `,"changes":`...), req.Changes, appendStateChange)
	if len(req.Acks) > 0 {
		b = ecsmodel.AppendStrings(append(b, `,"acks":`...), req.Acks)
	}
	return append(b, "}}"...)
}

// appendStateChange appends c as encoding/json writes a StateChange.
func appendStateChange(c *StateChange, b []byte) []byte {
	next := byte('{') // what goes before the next member
	if c.Task != nil {
		b = append(b, next)
		b = append(b, `"task":`...)
		b = c.Task.AppendJSON(b)
		next = ','
	}
	if c.StopCode != "" {
		b = append(b, next)
		b = append(b, `"stopCode":`...)
		b = ecsmodel.AppendString(b, c.StopCode)
		next = ','
	}
	if c.Container != nil {
		b = append(b, next)
		b = append(b, `"container":`...)
		b = c.Container.AppendJSON(b)
		next = ','
	}
	if next == '{' {
		return append(b, "{}"...)
	}
	return append(b, '}')
}
