package agentrpc

import "github.com/berth-io/berth/internal/ecsmodel"

// decodePayload decodes the PayloadMessage of env (decodeWith).
func decodePayload(env Envelope) (PayloadMessage, error) { return decodeWith(payloadReader, env) }

// decodeStateAck decodes the StateChangeAck of env (decodeWith).
func decodeStateAck(env Envelope) (StateChangeAck, error) { return decodeWith(stateAckReader, env) }

// decodeWith decodes the message of env with o, or, when the message is
// not in a form o takes, with encoding/json; both give the same value.
func decodeWith[T any](o *objectReader[T], env Envelope) (T, error) {
	var v T
	if readDocument(o, env.Message, &v) {
		return v, nil
	}
	var fresh T // readDocument may have filled part of v
	err := decodeMessage(env, &fresh)
	return fresh, err
}

// The readers of the messages the agent gets for every task, with what
// they read themselves: the members the control plane sends for common
// task definitions. They leave the others to encoding/json.
var (
	payloadReader = newObjectReader(
		stringMember("messageId", func(m *PayloadMessage) *string { return &m.MessageID }),
		stringMember("clusterArn", func(m *PayloadMessage) *string { return &m.ClusterArn }),
		stringMember("containerInstanceArn", func(m *PayloadMessage) *string { return &m.ContainerInstanceArn }),
		intMember("seqNum", func(m *PayloadMessage) *int64 { return &m.SeqNum }),
		boolMember("snapshot", func(m *PayloadMessage) *bool { return &m.Snapshot }),
		objectsMember("tasks", func(m *PayloadMessage) *[]TaskPayload { return &m.Tasks }, taskReader),
	)

	taskReader = newObjectReader(
		stringMember("arn", func(t *TaskPayload) *string { return &t.Arn }),
		stringMember("desiredStatus", func(t *TaskPayload) *string { return &t.DesiredStatus }),
		intMember("version", func(t *TaskPayload) *int64 { return &t.Version }),
		stringMember("taskDefinitionArn", func(t *TaskPayload) *string { return &t.TaskDefinitionArn }),
		stringMember("family", func(t *TaskPayload) *string { return &t.Family }),
		intMember("revision", func(t *TaskPayload) *int32 { return &t.Revision }),
		stringMember("cpu", func(t *TaskPayload) *string { return &t.Cpu }),
		stringMember("memory", func(t *TaskPayload) *string { return &t.Memory }),
		stringMember("networkMode", func(t *TaskPayload) *string { return &t.NetworkMode }),
		objectsMember("containers", func(t *TaskPayload) *[]ContainerPayload { return &t.Containers }, containerReader),
		objectMember("overrides", func(t *TaskPayload) **ecsmodel.TaskOverride { return &t.Overrides }, taskOverrideReader),
		intMember("stopTimeout", func(t *TaskPayload) *int32 { return &t.StopTimeout }),
		stringMember("startedBy", func(t *TaskPayload) *string { return &t.StartedBy }),
		stringMember("group", func(t *TaskPayload) *string { return &t.Group }),
	)

	containerReader = newObjectReader(
		stringMember("containerArn", func(c *ContainerPayload) *string { return &c.ContainerArn }),
		objectsMember("networkBindings", func(c *ContainerPayload) *[]ecsmodel.NetworkBinding { return &c.NetworkBindings }, networkBindingReader),
		stringsMember("command", func(c *ContainerPayload) *[]string { return &c.Command }),
		intMember("cpu", func(c *ContainerPayload) *int32 { return &c.Cpu }),
		objectsMember("dependsOn", func(c *ContainerPayload) *[]ecsmodel.ContainerDependency { return &c.DependsOn }, dependencyReader),
		stringsMember("entryPoint", func(c *ContainerPayload) *[]string { return &c.EntryPoint }),
		objectsMember("environment", func(c *ContainerPayload) *[]ecsmodel.KeyValuePair { return &c.Environment }, keyValueReader),
		optionalBoolMember("essential", func(c *ContainerPayload) **bool { return &c.Essential }),
		stringMember("hostname", func(c *ContainerPayload) *string { return &c.Hostname }),
		stringMember("image", func(c *ContainerPayload) *string { return &c.Image }),
		stringsMember("links", func(c *ContainerPayload) *[]string { return &c.Links }),
		optionalInt32Member("memory", func(c *ContainerPayload) **int32 { return &c.Memory }),
		optionalInt32Member("memoryReservation", func(c *ContainerPayload) **int32 { return &c.MemoryReservation }),
		emptyListMember("mountPoints", func(c *ContainerPayload) *[]ecsmodel.MountPoint { return &c.MountPoints }),
		stringMember("name", func(c *ContainerPayload) *string { return &c.Name }),
		objectsMember("portMappings", func(c *ContainerPayload) *[]ecsmodel.PortMapping { return &c.PortMappings }, portMappingReader),
		optionalInt32Member("startTimeout", func(c *ContainerPayload) **int32 { return &c.StartTimeout }),
		optionalInt32Member("stopTimeout", func(c *ContainerPayload) **int32 { return &c.StopTimeout }),
		emptyListMember("systemControls", func(c *ContainerPayload) *[]ecsmodel.SystemControl { return &c.SystemControls }),
		stringMember("user", func(c *ContainerPayload) *string { return &c.User }),
		emptyListMember("volumesFrom", func(c *ContainerPayload) *[]ecsmodel.VolumeFrom { return &c.VolumesFrom }),
		stringMember("workingDirectory", func(c *ContainerPayload) *string { return &c.WorkingDirectory }),
	)

	keyValueReader = newObjectReader(
		stringMember("name", func(kv *ecsmodel.KeyValuePair) *string { return &kv.Name }),
		stringMember("value", func(kv *ecsmodel.KeyValuePair) *string { return &kv.Value }),
	)

	dependencyReader = newObjectReader(
		stringMember("condition", func(d *ecsmodel.ContainerDependency) *ecsmodel.ContainerCondition { return &d.Condition }),
		stringMember("containerName", func(d *ecsmodel.ContainerDependency) *string { return &d.ContainerName }),
	)

	portMappingReader = newObjectReader(
		stringMember("appProtocol", func(p *ecsmodel.PortMapping) *ecsmodel.ApplicationProtocol { return &p.AppProtocol }),
		optionalInt32Member("containerPort", func(p *ecsmodel.PortMapping) **int32 { return &p.ContainerPort }),
		stringMember("containerPortRange", func(p *ecsmodel.PortMapping) *string { return &p.ContainerPortRange }),
		optionalInt32Member("hostPort", func(p *ecsmodel.PortMapping) **int32 { return &p.HostPort }),
		stringMember("name", func(p *ecsmodel.PortMapping) *string { return &p.Name }),
		stringMember("protocol", func(p *ecsmodel.PortMapping) *ecsmodel.TransportProtocol { return &p.Protocol }),
	)

	networkBindingReader = newObjectReader(
		stringMember("bindIP", func(b *ecsmodel.NetworkBinding) *string { return &b.BindIP }),
		optionalInt32Member("containerPort", func(b *ecsmodel.NetworkBinding) **int32 { return &b.ContainerPort }),
		stringMember("containerPortRange", func(b *ecsmodel.NetworkBinding) *string { return &b.ContainerPortRange }),
		optionalInt32Member("hostPort", func(b *ecsmodel.NetworkBinding) **int32 { return &b.HostPort }),
		stringMember("hostPortRange", func(b *ecsmodel.NetworkBinding) *string { return &b.HostPortRange }),
		stringMember("protocol", func(b *ecsmodel.NetworkBinding) *ecsmodel.TransportProtocol { return &b.Protocol }),
	)

	taskOverrideReader = newObjectReader(
		objectsMember("containerOverrides", func(o *ecsmodel.TaskOverride) *[]ecsmodel.ContainerOverride { return &o.ContainerOverrides }, containerOverrideReader),
		stringMember("cpu", func(o *ecsmodel.TaskOverride) *string { return &o.Cpu }),
		stringMember("executionRoleArn", func(o *ecsmodel.TaskOverride) *string { return &o.ExecutionRoleArn }),
		emptyListMember("inferenceAcceleratorOverrides", func(o *ecsmodel.TaskOverride) *[]ecsmodel.InferenceAcceleratorOverride {
			return &o.InferenceAcceleratorOverrides
		}),
		stringMember("memory", func(o *ecsmodel.TaskOverride) *string { return &o.Memory }),
		stringMember("taskRoleArn", func(o *ecsmodel.TaskOverride) *string { return &o.TaskRoleArn }),
	)

	containerOverrideReader = newObjectReader(
		stringsMember("command", func(o *ecsmodel.ContainerOverride) *[]string { return &o.Command }),
		optionalInt32Member("cpu", func(o *ecsmodel.ContainerOverride) **int32 { return &o.Cpu }),
		objectsMember("environment", func(o *ecsmodel.ContainerOverride) *[]ecsmodel.KeyValuePair { return &o.Environment }, keyValueReader),
		optionalInt32Member("memory", func(o *ecsmodel.ContainerOverride) **int32 { return &o.Memory }),
		optionalInt32Member("memoryReservation", func(o *ecsmodel.ContainerOverride) **int32 { return &o.MemoryReservation }),
		stringMember("name", func(o *ecsmodel.ContainerOverride) *string { return &o.Name }),
	)

	stateAckReader = newObjectReader(
		stringMember("messageId", func(a *StateChangeAck) *string { return &a.MessageID }),
		objectsMember("results", func(a *StateChangeAck) *[]StateChangeResult { return &a.Results }, stateResultReader),
	)

	stateResultReader = newObjectReader(
		stringMember("code", func(res *StateChangeResult) *string { return &res.Code }),
		stringMember("message", func(res *StateChangeResult) *string { return &res.Message }),
	)
)
