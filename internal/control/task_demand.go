package control

import (
	"strconv"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/placement"
)

// effective is a task definition with the overrides of a launch applied:
// what each container gets and what the task reserves on its instance.
type effective struct {
	containers []effContainer
	// cpu and memory are what the task reserves: the task-level size if
	// set (overridden or defined), else the sum over the containers of cpu
	// and of memoryReservation, or memory where no reservation is given.
	cpu, memory int64
	// taskCPU and taskMemory report whether the task has a task-level cpu
	// and memory (overridden or defined).
	taskCPU, taskMemory bool
	// ports are the port mappings of every container, in order.
	ports []portNeed
	// ephemeral is the ephemeral storage override or definition.
	ephemeral *ecsmodel.EphemeralStorage
}

// effContainer is one container with its overrides applied.
type effContainer struct {
	cpu            int32
	memory, memRes *int32
	gpus           int
}

// portNeed is one port mapping and whether the task reserves a host port
// for it: static ports (hostPort > 0) and dynamic ones (hostPort 0 in
// bridge mode) are reserved; awsvpc tasks have their own network interface
// and reserve none, nor do port ranges or network mode none.
type portNeed struct {
	container     string
	containerPort int32
	hostPort      int32 // 0 = dynamic when reserved
	protocol      ecsmodel.TransportProtocol
	reserve       bool
}

// effectiveOf applies validated overrides (ov may be nil) to td.
func effectiveOf(td *ecsmodel.TaskDefinition, ov *ecsmodel.TaskOverride) effective {
	var e effective
	byName := map[string]*ecsmodel.ContainerOverride{}
	if ov != nil {
		for i := range ov.ContainerOverrides {
			byName[ov.ContainerOverrides[i].Name] = &ov.ContainerOverrides[i]
		}
	}
	taskCPU, taskMem := td.Cpu, td.Memory
	e.ephemeral = td.EphemeralStorage
	if ov != nil {
		if ov.Cpu != "" {
			taskCPU = ov.Cpu
		}
		if ov.Memory != "" {
			taskMem = ov.Memory
		}
		if ov.EphemeralStorage != nil {
			e.ephemeral = ov.EphemeralStorage
		}
	}
	var sumCPU, sumMem int64
	for _, cd := range td.ContainerDefinitions {
		c := effContainer{cpu: cd.Cpu, memory: cd.Memory, memRes: cd.MemoryReservation, gpus: gpuCount(cd.ResourceRequirements)}
		if o := byName[cd.Name]; o != nil {
			if o.Cpu != nil {
				c.cpu = *o.Cpu
			}
			if o.Memory != nil {
				c.memory = o.Memory
			}
			if o.MemoryReservation != nil {
				c.memRes = o.MemoryReservation
			}
			if o.ResourceRequirements != nil {
				c.gpus = gpuCount(o.ResourceRequirements)
			}
		}
		sumCPU += int64(c.cpu)
		switch {
		case c.memRes != nil:
			sumMem += int64(*c.memRes)
		case c.memory != nil:
			sumMem += int64(*c.memory)
		}
		e.containers = append(e.containers, c)
		e.ports = append(e.ports, portNeeds(cd, td.NetworkMode)...)
	}
	e.cpu, e.memory = sumCPU, sumMem
	if n, ok := parseTaskCPU(taskCPU); ok {
		e.cpu, e.taskCPU = n, true
	}
	if n, ok := parseTaskMemory(taskMem); ok {
		e.memory, e.taskMemory = n, true
	}
	return e
}

// gpuCount sums the GPU resource requirements.
func gpuCount(reqs []ecsmodel.ResourceRequirement) int {
	n := 0
	for _, r := range reqs {
		if r.Type == ecsmodel.ResourceTypeGpu {
			v, _ := strconv.Atoi(r.Value)
			n += v
		}
	}
	return n
}

// portNeeds lists a container's port mappings for the task's network mode.
func portNeeds(cd ecsmodel.ContainerDefinition, mode ecsmodel.NetworkMode) []portNeed {
	var out []portNeed
	for _, pm := range cd.PortMappings {
		if pm.ContainerPort == nil {
			continue // a containerPortRange: no single host port
		}
		p := portNeed{container: cd.Name, containerPort: *pm.ContainerPort, protocol: pm.Protocol}
		if p.protocol == "" {
			p.protocol = defaultTransport
		}
		switch mode {
		case ecsmodel.NetworkModeAwsvpc:
			p.hostPort = p.containerPort
		case ecsmodel.NetworkModeNone:
		case ecsmodel.NetworkModeHost:
			p.hostPort, p.reserve = p.containerPort, true
		default: // bridge
			if pm.HostPort != nil {
				p.hostPort = *pm.HostPort
			}
			p.reserve = true
		}
		out = append(out, p)
	}
	return out
}

// demand is the placement demand of one task, without constraints,
// strategies, group or capacity provider.
func (e *effective) demand(td *ecsmodel.TaskDefinition) placement.Demand {
	d := placement.Demand{CPU: e.cpu, Memory: e.memory}
	for _, c := range e.containers {
		d.GPUs += c.gpus
	}
	for _, p := range e.ports {
		if !p.reserve {
			continue
		}
		proto := placement.TCP
		if p.protocol == ecsmodel.TransportProtocolUdp {
			proto = placement.UDP
		}
		d.Ports = append(d.Ports, placement.PortMapping{ContainerPort: uint16(p.containerPort), HostPort: uint16(p.hostPort), Protocol: proto})
	}
	for _, a := range td.RequiresAttributes {
		d.RequiredAttributes = append(d.RequiredAttributes, placement.Attribute{Name: a.Name, Value: a.Value})
	}
	return d
}

// hostPorts pairs the port mappings with the bindings placement made for
// the reserved ones (one per Demand.Ports entry, in order).
func (e *effective) hostPorts(bindings []placement.PortBinding) []hostPortAssignment {
	out := make([]hostPortAssignment, 0, len(e.ports))
	next := 0
	for _, p := range e.ports {
		h := hostPortAssignment{Container: p.container, ContainerPort: p.containerPort, HostPort: p.hostPort, Protocol: p.protocol}
		if p.reserve && next < len(bindings) {
			h.HostPort = int32(bindings[next].HostPort)
			next++
		}
		out = append(out, h)
	}
	return out
}
