package ecstest

import (
	"github.com/berth-io/berth/internal/ecsmodel"
)

// ContainerOption changes a ContainerDefinition.
type ContainerOption func(*ecsmodel.ContainerDefinition)

// Container returns a container definition named name with DefaultImage
// and a 128 MiB hard memory limit, leaving essential unset (ECS's default
// is true), then applies opts.
func Container(name string, opts ...ContainerOption) ecsmodel.ContainerDefinition {
	c := ecsmodel.ContainerDefinition{Name: name, Image: DefaultImage, Memory: new(int32(DefaultMemory))}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// Image sets the image.
func Image(ref string) ContainerOption {
	return func(c *ecsmodel.ContainerDefinition) { c.Image = ref }
}

// Memory sets the hard memory limit in MiB.
func Memory(mib int32) ContainerOption {
	return func(c *ecsmodel.ContainerDefinition) { c.Memory = new(mib) }
}

// MemoryReservation sets the soft memory limit in MiB.
func MemoryReservation(mib int32) ContainerOption {
	return func(c *ecsmodel.ContainerDefinition) { c.MemoryReservation = new(mib) }
}

// NoMemory clears both memory limits.
func NoMemory() ContainerOption {
	return func(c *ecsmodel.ContainerDefinition) { c.Memory, c.MemoryReservation = nil, nil }
}

// CPU sets the container's CPU units.
func CPU(units int32) ContainerOption {
	return func(c *ecsmodel.ContainerDefinition) { c.Cpu = units }
}

// Essential sets essential explicitly.
func Essential(b bool) ContainerOption {
	return func(c *ecsmodel.ContainerDefinition) { c.Essential = new(b) }
}

// Port maps a TCP container port with no host port (dynamic in bridge
// mode, the same port in awsvpc and host mode).
func Port(containerPort int32) ContainerOption {
	return PortMapping(ecsmodel.PortMapping{ContainerPort: new(containerPort)})
}

// HostPort maps a TCP container port to a static host port.
func HostPort(containerPort, hostPort int32) ContainerOption {
	return PortMapping(ecsmodel.PortMapping{ContainerPort: new(containerPort), HostPort: new(hostPort)})
}

// PortMapping appends a port mapping as given.
func PortMapping(pm ecsmodel.PortMapping) ContainerOption {
	return func(c *ecsmodel.ContainerDefinition) { c.PortMappings = append(c.PortMappings, pm) }
}

// DependsOn makes the container wait for another one.
func DependsOn(container string, cond ecsmodel.ContainerCondition) ContainerOption {
	return func(c *ecsmodel.ContainerDefinition) {
		c.DependsOn = append(c.DependsOn, ecsmodel.ContainerDependency{ContainerName: container, Condition: cond})
	}
}

// LogDriver sets the log driver.
func LogDriver(d ecsmodel.LogDriver) ContainerOption {
	return func(c *ecsmodel.ContainerDefinition) { c.LogConfiguration = &ecsmodel.LogConfiguration{LogDriver: d} }
}

// Mount mounts a task volume at path.
func Mount(volume, path string) ContainerOption {
	return func(c *ecsmodel.ContainerDefinition) {
		c.MountPoints = append(c.MountPoints, ecsmodel.MountPoint{SourceVolume: volume, ContainerPath: path})
	}
}
