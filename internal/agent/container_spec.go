package agent

import (
	"strings"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// containerSpec builds what the runtime needs to create container c of task
// t for the agent of container instance owner: the definition with the
// task's container override applied (command, environment, cpu and
// memory), the host ports placement chose, and the stop timeout (the
// definition's, else the task's, else defaultStop).
func containerSpec(t *agentrpc.TaskPayload, c *agentrpc.ContainerPayload, owner string, defaultStop time.Duration) runtime.ContainerSpec {
	spec := runtime.ContainerSpec{
		TaskARN:       t.Arn,
		ContainerName: c.Name,
		Owner:         owner,
		Image:         c.Image,
		EntryPoint:    c.EntryPoint,
		Command:       c.Command,
		WorkingDir:    c.WorkingDirectory,
		CPUShares:     int64(c.Cpu),
		StopTimeout:   stopTimeout(t, c, defaultStop),
		PortMappings:  portMappings(c),
	}
	if c.Memory != nil {
		spec.MemoryMiB = int64(*c.Memory)
	}
	if c.MemoryReservation != nil {
		spec.MemoryReservationMiB = int64(*c.MemoryReservation)
	}
	var env map[string]string // made for the first variable
	setEnv := func(vars []ecsmodel.KeyValuePair) {
		for _, kv := range vars {
			if env == nil {
				env = make(map[string]string, len(c.Environment)+len(vars))
			}
			env[kv.Name] = kv.Value
		}
	}
	setEnv(c.Environment)
	if o := containerOverride(t, c.Name); o != nil {
		if o.Command != nil {
			spec.Command = o.Command
		}
		setEnv(o.Environment)
		if o.Cpu != nil {
			spec.CPUShares = int64(*o.Cpu)
		}
		if o.Memory != nil {
			spec.MemoryMiB = int64(*o.Memory)
		}
		if o.MemoryReservation != nil {
			spec.MemoryReservationMiB = int64(*o.MemoryReservation)
		}
	}
	spec.Env = env
	for k, v := range c.DockerLabels {
		if strings.HasPrefix(k, "com.berth.") {
			continue // reserved for the runtime's own labels
		}
		if spec.Labels == nil {
			spec.Labels = make(map[string]string, len(c.DockerLabels))
		}
		spec.Labels[k] = v
	}
	return spec
}

// containerOverride returns the override of the named container, if any.
func containerOverride(t *agentrpc.TaskPayload, name string) *ecsmodel.ContainerOverride {
	if t.Overrides == nil {
		return nil
	}
	for i := range t.Overrides.ContainerOverrides {
		if o := &t.Overrides.ContainerOverrides[i]; o.Name == name {
			return o
		}
	}
	return nil
}

// stopTimeout picks the grace period between SIGTERM and SIGKILL.
func stopTimeout(t *agentrpc.TaskPayload, c *agentrpc.ContainerPayload, defaultStop time.Duration) time.Duration {
	switch {
	case c.StopTimeout != nil && *c.StopTimeout > 0:
		return time.Duration(*c.StopTimeout) * time.Second
	case t.StopTimeout > 0:
		return time.Duration(t.StopTimeout) * time.Second
	default:
		return defaultStop
	}
}

// portMappings returns the container's port mappings with the host ports
// placement chose. Without bindings in the payload the definition's
// mappings are used as they stand (host port 0 lets the runtime choose).
func portMappings(c *agentrpc.ContainerPayload) []runtime.PortMapping {
	var out []runtime.PortMapping
	if len(c.NetworkBindings) > 0 {
		for _, b := range c.NetworkBindings {
			out = append(out, runtime.PortMapping{
				ContainerPort: int(deref(b.ContainerPort)),
				HostPort:      int(deref(b.HostPort)),
				Protocol:      string(b.Protocol),
			})
		}
		return out
	}
	for _, pm := range c.PortMappings {
		if pm.ContainerPort == nil {
			continue // a port range; berth does not publish ranges
		}
		out = append(out, runtime.PortMapping{
			ContainerPort: int(*pm.ContainerPort),
			HostPort:      int(deref(pm.HostPort)),
			Protocol:      string(pm.Protocol),
		})
	}
	return out
}

// essential reports whether the container is essential; containers are
// essential unless the definition says otherwise.
func essential(c *agentrpc.ContainerPayload) bool {
	return c.Essential == nil || *c.Essential
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
