package agentrpc

import (
	"strconv"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// The Hub writes a PayloadMessage for nearly every task it places. It
// writes the frame with the appenders below, built on the model's
// AppendJSON, instead of encoding/json's reflection. The frame holds the
// same members in the same order as encodeEnvelope's; only <, > and & in
// strings are written as themselves instead of as \u escapes, which
// decodes to the same message.

// appendPayloadFrame appends the frame of msg.
func appendPayloadFrame(b []byte, msg *PayloadMessage) []byte {
	b = append(b, envelopeHead+TypePayload+envelopeMid+`{"messageId":`...)
	b = ecsmodel.AppendString(b, msg.MessageID)
	b = append(b, `,"clusterArn":`...)
	b = ecsmodel.AppendString(b, msg.ClusterArn)
	b = append(b, `,"containerInstanceArn":`...)
	b = ecsmodel.AppendString(b, msg.ContainerInstanceArn)
	b = append(b, `,"seqNum":`...)
	b = strconv.AppendInt(b, msg.SeqNum, 10)
	if msg.Snapshot {
		b = append(b, `,"snapshot":true`...)
	}
	b = ecsmodel.AppendArray(append(b, `,"tasks":`...), msg.Tasks, appendTaskPayload)
	return append(b, "}}"...)
}

// appendTaskPayload appends t as encoding/json writes a TaskPayload.
func appendTaskPayload(t *TaskPayload, b []byte) []byte {
	b = append(b, `{"arn":`...)
	b = ecsmodel.AppendString(b, t.Arn)
	b = append(b, `,"desiredStatus":`...)
	b = ecsmodel.AppendString(b, t.DesiredStatus)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, t.Version, 10)
	b = ecsmodel.AppendOmitEmptyString(b, `,"taskDefinitionArn":`, t.TaskDefinitionArn)
	b = ecsmodel.AppendOmitEmptyString(b, `,"family":`, t.Family)
	if t.Revision != 0 {
		b = append(b, `,"revision":`...)
		b = strconv.AppendInt(b, int64(t.Revision), 10)
	}
	b = ecsmodel.AppendOmitEmptyString(b, `,"cpu":`, t.Cpu)
	b = ecsmodel.AppendOmitEmptyString(b, `,"memory":`, t.Memory)
	b = ecsmodel.AppendOmitEmptyString(b, `,"networkMode":`, t.NetworkMode)
	b = ecsmodel.AppendArray(append(b, `,"containers":`...), t.Containers, appendContainerPayload)
	if t.Overrides != nil {
		b = append(b, `,"overrides":`...)
		b = t.Overrides.AppendJSON(b)
	}
	if t.StopTimeout != 0 {
		b = append(b, `,"stopTimeout":`...)
		b = strconv.AppendInt(b, int64(t.StopTimeout), 10)
	}
	b = ecsmodel.AppendOmitEmptyString(b, `,"startedBy":`, t.StartedBy)
	b = ecsmodel.AppendOmitEmptyString(b, `,"group":`, t.Group)
	return append(b, '}')
}

// appendContainerPayload appends c as encoding/json writes a
// ContainerPayload: the members of its ContainerDefinition, then its own.
func appendContainerPayload(c *ContainerPayload, b []byte) []byte {
	start := len(b)
	b = c.ContainerDefinition.AppendJSON(b)
	b = b[:len(b)-1] // the definition's closing brace
	if len(b) > start+1 {
		b = append(b, ',')
	}
	b = append(b, `"containerArn":`...)
	b = ecsmodel.AppendString(b, c.ContainerArn)
	if len(c.NetworkBindings) > 0 {
		b = ecsmodel.AppendArray(append(b, `,"networkBindings":`...), c.NetworkBindings, (*ecsmodel.NetworkBinding).AppendJSON)
	}
	return append(b, '}')
}
