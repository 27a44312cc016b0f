package agentbridge

import (
	"context"

	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// payload builds what the agent needs to run (or stop) one task: the
// definition's containers with their ARNs and the host ports placement
// chose, the overrides, and the desired status at the task's version.
//
// The payload shares memory with what it is built from: the containers'
// definitions with the cached task definition, the overrides with the
// committed task record. Neither ever changes (revisions are immutable,
// and the control plane hands observers committed records it no longer
// writes), which Hub.Notify relies on: it encodes a payload when it first
// sends it, not when it is queued.
func (b *Bridge) payload(ctx context.Context, c control.TaskChange) (agentrpc.TaskPayload, error) {
	def, err := b.taskDefinition(ctx, c.Task.TaskDefinitionArn)
	if err != nil {
		return agentrpc.TaskPayload{}, err
	}
	t := c.Task
	p := agentrpc.TaskPayload{
		Arn:               t.TaskArn,
		DesiredStatus:     t.DesiredStatus,
		Version:           t.Version,
		TaskDefinitionArn: t.TaskDefinitionArn,
		Family:            c.Family,
		Revision:          c.Revision,
		Cpu:               t.Cpu,
		Memory:            t.Memory,
		NetworkMode:       def.networkMode,
		Overrides:         agentOverrides(t.Overrides),
		StartedBy:         t.StartedBy,
		Group:             t.Group,
	}
	p.Containers = make([]agentrpc.ContainerPayload, 0, len(def.containers))
	for _, cd := range def.containers {
		p.Containers = append(p.Containers, agentrpc.ContainerPayload{
			ContainerDefinition: cd,
			ContainerArn:        containerArn(t.Containers, cd.Name),
			NetworkBindings:     bindings(cd.Name, c.HostPorts),
		})
	}
	return p, nil
}

// containerArn returns the ARN of the named container (a task has few).
func containerArn(cs []ecsmodel.Container, name string) string {
	for i := range cs {
		if cs[i].Name == name {
			return cs[i].ContainerArn
		}
	}
	return ""
}

// bindings lists the host ports placement reserved for one container.
func bindings(container string, ports []control.HostPort) []ecsmodel.NetworkBinding {
	var out []ecsmodel.NetworkBinding
	for _, hp := range ports {
		if hp.Container != container || hp.HostPort == 0 {
			continue
		}
		out = append(out, ecsmodel.NetworkBinding{
			BindIP:        "0.0.0.0",
			ContainerPort: ptr(hp.ContainerPort),
			HostPort:      ptr(hp.HostPort),
			Protocol:      hp.Protocol,
		})
	}
	return out
}

func ptr[T any](v T) *T { return &v }
