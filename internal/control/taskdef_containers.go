package control

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// buildContainers validates the container definitions of a task definition
// and returns them with ECS's defaults filled in: essential true, protocol
// tcp, hostPort equal to containerPort in awsvpc and host mode (0, dynamic,
// in bridge mode when absent), and empty lists where ECS shows [].
// taskMemory says whether the task sets memory, which frees containers from
// needing their own.
func buildContainers(defs []ecsmodel.ContainerDefinition, mode ecsmodel.NetworkMode, taskMemory bool, volumes []ecsmodel.Volume) ([]ecsmodel.ContainerDefinition, error) {
	out := make([]ecsmodel.ContainerDefinition, 0, len(defs))
	names := map[string]bool{}
	essential := false
	for _, def := range defs {
		c := def
		if c.Name == "" {
			return nil, taskDefError("Container.name should not be null or empty.")
		}
		if !validName(c.Name, maxNameLen) {
			return nil, taskDefError("Container.name contains invalid characters.")
		}
		if names[c.Name] {
			return nil, taskDefError("Container names must be unique within a Task Definition.")
		}
		names[c.Name] = true
		if c.Image == "" {
			return nil, taskDefError("Container.image should not be null or empty.")
		}
		if c.Essential == nil {
			c.Essential = new(true)
		}
		essential = essential || *c.Essential
		if err := checkContainerMemory(&c, taskMemory); err != nil {
			return nil, err
		}
		pms, err := buildPortMappings(c.Name, c.PortMappings, mode)
		if err != nil {
			return nil, err
		}
		c.PortMappings = pms
		for _, mp := range c.MountPoints {
			if !slices.ContainsFunc(volumes, func(v ecsmodel.Volume) bool { return v.Name == mp.SourceVolume }) {
				return nil, taskDefError("Invalid setting for container '%s'. Unknown volume '%s'.", c.Name, mp.SourceVolume)
			}
		}
		c.Environment = nonNil(c.Environment)
		c.MountPoints = nonNil(c.MountPoints)
		c.VolumesFrom = nonNil(c.VolumesFrom)
		c.SystemControls = nonNil(c.SystemControls)
		out = append(out, c)
	}
	if !essential {
		return nil, taskDefError("Task definition doesn't have any essential container.")
	}
	if err := checkPorts(out); err != nil {
		return nil, err
	}
	if err := checkDependencies(out); err != nil {
		return nil, err
	}
	return out, nil
}

// checkContainerMemory applies the container memory rules: positive values,
// a hard limit at least the reservation (ECS accepts them equal), and one of
// the two unless the task sets memory.
func checkContainerMemory(c *ecsmodel.ContainerDefinition, taskMemory bool) error {
	if c.Cpu < 0 {
		return taskDefError("Invalid 'cpu' setting for container '%s'.", c.Name)
	}
	if c.Memory != nil && *c.Memory <= 0 {
		return taskDefError("Invalid 'memory' setting for container '%s'.", c.Name)
	}
	if c.MemoryReservation != nil && *c.MemoryReservation <= 0 {
		return taskDefError("Invalid 'memoryReservation' setting for container '%s'.", c.Name)
	}
	if c.Memory == nil && c.MemoryReservation == nil && !taskMemory {
		return taskDefError("Invalid setting for container '%s'. At least one of 'memory' or 'memoryReservation' must be specified.", c.Name)
	}
	if c.Memory != nil && c.MemoryReservation != nil && *c.Memory < *c.MemoryReservation {
		return taskDefError("Invalid setting for container '%s'. 'memory' must be greater than or equal to 'memoryReservation'.", c.Name)
	}
	return nil
}

// buildPortMappings validates one container's port mappings for the task's
// network mode and fills in protocol and hostPort.
func buildPortMappings(name string, pms []ecsmodel.PortMapping, mode ecsmodel.NetworkMode) ([]ecsmodel.PortMapping, error) {
	if len(pms) > 0 && mode == ecsmodel.NetworkModeNone {
		return nil, taskDefError("Invalid setting for container '%s'. Port mappings are not allowed when networkMode=none.", name)
	}
	out := make([]ecsmodel.PortMapping, 0, len(pms))
	for _, pm := range pms {
		if pm.Protocol == "" {
			pm.Protocol = defaultTransport
		}
		if pm.ContainerPortRange != "" {
			if err := checkPortRange(name, pm, mode); err != nil {
				return nil, err
			}
			out = append(out, pm)
			continue
		}
		if pm.ContainerPort == nil || *pm.ContainerPort < 1 || *pm.ContainerPort > maxPortNumber {
			return nil, taskDefError("Invalid 'containerPort' setting for container '%s'.", name)
		}
		if pm.HostPort != nil && (*pm.HostPort < 0 || *pm.HostPort > maxPortNumber) {
			return nil, taskDefError("Invalid 'hostPort' setting for container '%s'.", name)
		}
		switch mode {
		case ecsmodel.NetworkModeAwsvpc, ecsmodel.NetworkModeHost:
			if pm.HostPort != nil && *pm.HostPort != 0 && *pm.HostPort != *pm.ContainerPort {
				return nil, taskDefError("When networkMode=%s, the host ports and container ports in port mappings must match.", mode)
			}
			pm.HostPort = new(*pm.ContainerPort)
		default:
			if pm.HostPort == nil {
				pm.HostPort = new(int32(0))
			}
		}
		out = append(out, pm)
	}
	return out, nil
}

// checkPortRange validates a containerPortRange mapping ("start-end"),
// which ECS allows in awsvpc and bridge mode without containerPort and
// hostPort.
func checkPortRange(name string, pm ecsmodel.PortMapping, mode ecsmodel.NetworkMode) error {
	bad := taskDefError("Invalid 'containerPortRange' setting for container '%s'.", name)
	if pm.ContainerPort != nil || pm.HostPort != nil || (mode != ecsmodel.NetworkModeAwsvpc && mode != ecsmodel.NetworkModeBridge) {
		return bad
	}
	lo, hi, ok := strings.Cut(pm.ContainerPortRange, "-")
	a, errA := strconv.Atoi(lo)
	b, errB := strconv.Atoi(hi)
	if !ok || errA != nil || errB != nil || a < 1 || b > maxPortNumber || a >= b {
		return bad
	}
	return nil
}

// checkPorts rejects a static host port (with its protocol) mapped more than
// once in the task: such a task could never be placed.
func checkPorts(containers []ecsmodel.ContainerDefinition) error {
	seen := map[string]bool{}
	for _, c := range containers {
		for _, pm := range c.PortMappings {
			if pm.HostPort == nil || *pm.HostPort == 0 {
				continue
			}
			k := fmt.Sprintf("%d/%s", *pm.HostPort, pm.Protocol)
			if seen[k] {
				return taskDefError("Host port %s is mapped more than once in the task definition.", k)
			}
			seen[k] = true
		}
	}
	return nil
}

// checkDependencies checks dependsOn: the containers named exist, and a
// container waited on with SUCCESS or COMPLETE is not essential.
func checkDependencies(containers []ecsmodel.ContainerDefinition) error {
	byName := make(map[string]*ecsmodel.ContainerDefinition, len(containers))
	for i := range containers {
		byName[containers[i].Name] = &containers[i]
	}
	for _, c := range containers {
		for _, d := range c.DependsOn {
			dep, ok := byName[d.ContainerName]
			if !ok || d.ContainerName == c.Name {
				return taskDefError("Invalid setting for container '%s'. Container dependency '%s' does not exist in the task definition.", c.Name, d.ContainerName)
			}
			if (d.Condition == ecsmodel.ContainerConditionSuccess || d.Condition == ecsmodel.ContainerConditionComplete) && *dep.Essential {
				return taskDefError("A dependency container with SUCCESS or COMPLETE condition cannot be an essential container")
			}
		}
	}
	return nil
}
