package agentrpc

import "github.com/berth-io/berth/internal/ecsmodel"

// The Hub gets a StateChangeRequest for nearly every task change, and an
// AckRequest for nearly every payload from an agent that does not send
// its acks with its state changes. It decodes them with the
// objectReaders below, the agent's machinery (client_json.go,
// client_json_object.go), instead of encoding/json: the readers take the
// members the agent writes (client_encode.go) and leave any other form
// to encoding/json, which decodes it to the same message. Every string
// they decode is a copy, so a message keeps nothing of the frame it was
// read from (hubConn.readFrame reuses frames' buffers).

// decodeStateChangeRequest decodes the StateChangeRequest of env
// (decodeWith).
func decodeStateChangeRequest(env Envelope) (StateChangeRequest, error) {
	return decodeWith(stateChangeRequestReader, env)
}

// decodeAck decodes the AckRequest of env (decodeWith).
func decodeAck(env Envelope) (AckRequest, error) { return decodeWith(ackReader, env) }

// timeMember reads a timestamp written as a number, as the agent writes
// it, with the timestamp's own UnmarshalJSON, as encoding/json would. A
// timestamp in another form (an RFC 3339 string, null) is left to
// encoding/json.
func timeMember[T any](name string, field func(*T) *ecsmodel.Time) member[T] {
	return member[T]{name: name, read: func(r *jsonReader, v *T) bool {
		if !isNumberStart(r.peek()) {
			return false
		}
		if err := field(v).UnmarshalJSON(r.number()); err != nil {
			r.fail()
		}
		return true
	}}
}

// number reads a number as JSON spells one, -?(0|[1-9][0-9]*)(.[0-9]+)?
// ([eE][+-]?[0-9]+)?, and returns its text; it fails the document when no
// number comes next.
func (r *jsonReader) number() []byte {
	r.skipSpace()
	data, start := r.data, r.pos
	i := start
	if i < len(data) && data[i] == '-' {
		i++
	}
	if i < len(data) && data[i] == '0' {
		i++
	} else if i = digitsEnd(data, i); i < 0 {
		r.fail()
		return nil
	}
	if i < len(data) && data[i] == '.' {
		if i = digitsEnd(data, i+1); i < 0 {
			r.fail()
			return nil
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i = digitsEnd(data, i); i < 0 {
			r.fail()
			return nil
		}
	}
	r.pos = i
	return data[start:i]
}

// digitsEnd returns the index just past the digits that start at
// data[i], or -1 when there is none.
func digitsEnd(data []byte, i int) int {
	start := i
	for i < len(data) && data[i] >= '0' && data[i] <= '9' {
		i++
	}
	if i == start {
		return -1
	}
	return i
}

// The readers of the Hub's messages, with what they read themselves:
// every member the agent writes.
var (
	ackReader = newObjectReader(
		stringMember("messageId", func(a *AckRequest) *string { return &a.MessageID }),
		stringMember("clusterArn", func(a *AckRequest) *string { return &a.ClusterArn }),
		stringMember("containerInstanceArn", func(a *AckRequest) *string { return &a.ContainerInstanceArn }),
	)

	stateChangeRequestReader = newObjectReader(
		stringMember("messageId", func(m *StateChangeRequest) *string { return &m.MessageID }),
		objectsMember("changes", func(m *StateChangeRequest) *[]StateChange { return &m.Changes }, stateChangeReader),
		stringsMember("acks", func(m *StateChangeRequest) *[]string { return &m.Acks }),
	)

	stateChangeReader = newObjectReader(
		objectMember("task", func(c *StateChange) **ecsmodel.SubmitTaskStateChangeRequest { return &c.Task }, taskStateChangeReader),
		stringMember("stopCode", func(c *StateChange) *string { return &c.StopCode }),
		objectMember("container", func(c *StateChange) **ecsmodel.SubmitContainerStateChangeRequest { return &c.Container },
			containerRequestReader),
	)

	taskStateChangeReader = newObjectReader(
		objectsMember("attachments", func(t *ecsmodel.SubmitTaskStateChangeRequest) *[]ecsmodel.AttachmentStateChange {
			return &t.Attachments
		}, attachmentStateChangeReader),
		stringMember("cluster", func(t *ecsmodel.SubmitTaskStateChangeRequest) *string { return &t.Cluster }),
		objectsMember("containers", func(t *ecsmodel.SubmitTaskStateChangeRequest) *[]ecsmodel.ContainerStateChange {
			return &t.Containers
		}, containerStateChangeReader),
		timeMember("executionStoppedAt", func(t *ecsmodel.SubmitTaskStateChangeRequest) *ecsmodel.Time { return &t.ExecutionStoppedAt }),
		objectsMember("managedAgents", func(t *ecsmodel.SubmitTaskStateChangeRequest) *[]ecsmodel.ManagedAgentStateChange {
			return &t.ManagedAgents
		}, managedAgentStateChangeReader),
		timeMember("pullStartedAt", func(t *ecsmodel.SubmitTaskStateChangeRequest) *ecsmodel.Time { return &t.PullStartedAt }),
		timeMember("pullStoppedAt", func(t *ecsmodel.SubmitTaskStateChangeRequest) *ecsmodel.Time { return &t.PullStoppedAt }),
		stringMember("reason", func(t *ecsmodel.SubmitTaskStateChangeRequest) *string { return &t.Reason }),
		stringMember("status", func(t *ecsmodel.SubmitTaskStateChangeRequest) *string { return &t.Status }),
		stringMember("task", func(t *ecsmodel.SubmitTaskStateChangeRequest) *string { return &t.Task }),
	)

	containerStateChangeReader = newObjectReader(
		stringMember("containerName", func(c *ecsmodel.ContainerStateChange) *string { return &c.ContainerName }),
		optionalInt32Member("exitCode", func(c *ecsmodel.ContainerStateChange) **int32 { return &c.ExitCode }),
		stringMember("imageDigest", func(c *ecsmodel.ContainerStateChange) *string { return &c.ImageDigest }),
		objectsMember("networkBindings", func(c *ecsmodel.ContainerStateChange) *[]ecsmodel.NetworkBinding {
			return &c.NetworkBindings
		}, networkBindingReader),
		stringMember("reason", func(c *ecsmodel.ContainerStateChange) *string { return &c.Reason }),
		stringMember("runtimeId", func(c *ecsmodel.ContainerStateChange) *string { return &c.RuntimeId }),
		stringMember("status", func(c *ecsmodel.ContainerStateChange) *string { return &c.Status }),
	)

	containerRequestReader = newObjectReader(
		stringMember("cluster", func(c *ecsmodel.SubmitContainerStateChangeRequest) *string { return &c.Cluster }),
		stringMember("containerName", func(c *ecsmodel.SubmitContainerStateChangeRequest) *string { return &c.ContainerName }),
		optionalInt32Member("exitCode", func(c *ecsmodel.SubmitContainerStateChangeRequest) **int32 { return &c.ExitCode }),
		objectsMember("networkBindings", func(c *ecsmodel.SubmitContainerStateChangeRequest) *[]ecsmodel.NetworkBinding {
			return &c.NetworkBindings
		}, networkBindingReader),
		stringMember("reason", func(c *ecsmodel.SubmitContainerStateChangeRequest) *string { return &c.Reason }),
		stringMember("runtimeId", func(c *ecsmodel.SubmitContainerStateChangeRequest) *string { return &c.RuntimeId }),
		stringMember("status", func(c *ecsmodel.SubmitContainerStateChangeRequest) *string { return &c.Status }),
		stringMember("task", func(c *ecsmodel.SubmitContainerStateChangeRequest) *string { return &c.Task }),
	)

	attachmentStateChangeReader = newObjectReader(
		stringMember("attachmentArn", func(a *ecsmodel.AttachmentStateChange) *string { return &a.AttachmentArn }),
		stringMember("status", func(a *ecsmodel.AttachmentStateChange) *string { return &a.Status }),
	)

	managedAgentStateChangeReader = newObjectReader(
		stringMember("containerName", func(m *ecsmodel.ManagedAgentStateChange) *string { return &m.ContainerName }),
		stringMember("managedAgentName", func(m *ecsmodel.ManagedAgentStateChange) *ecsmodel.ManagedAgentName {
			return &m.ManagedAgentName
		}),
		stringMember("reason", func(m *ecsmodel.ManagedAgentStateChange) *string { return &m.Reason }),
		stringMember("status", func(m *ecsmodel.ManagedAgentStateChange) *string { return &m.Status }),
	)
)
