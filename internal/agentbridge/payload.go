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
func (b *Bridge) payload(ctx context.Context, c control.TaskChange) (agentrpc.TaskPayload, error) {
	td, err := b.taskDefinition(ctx, c.Task.TaskDefinitionArn)
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
		NetworkMode:       string(td.NetworkMode),
		Overrides:         t.Overrides,
		StartedBy:         t.StartedBy,
		Group:             t.Group,
	}
	arns := make(map[string]string, len(t.Containers))
	for _, ct := range t.Containers {
		arns[ct.Name] = ct.ContainerArn
	}
	for _, def := range td.ContainerDefinitions {
		p.Containers = append(p.Containers, agentrpc.ContainerPayload{
			ContainerDefinition: def,
			ContainerArn:        arns[def.Name],
			NetworkBindings:     bindings(def.Name, c.HostPorts),
		})
	}
	return p, nil
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
