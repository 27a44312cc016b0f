package control

import (
	"slices"
	"strconv"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// Resource names and types of container instances.
const (
	resCPU       = "CPU"
	resMemory    = "MEMORY"
	resPorts     = "PORTS"
	resPortsUDP  = "PORTS_UDP"
	resGPU       = "GPU"
	typeInteger  = "INTEGER"
	typeStrings  = "STRINGSET"
	maxReserved  = 100 // reserved ports per protocol
	maxResources = 32  // resources per registration
)

// capacity is what an instance registered: CPU units, MiB, reserved TCP and
// UDP host ports (sorted), GPU ids (sorted), and any other resources, kept
// as given and not tracked.
type capacity struct {
	cpu, memory int64
	tcp, udp    []int32
	gpus        []string
	other       []ecsmodel.Resource
}

// parseCapacity validates totalResources and platformDevices of a
// registration. CPU and MEMORY must be INTEGER (missing means 0); PORTS and
// PORTS_UDP STRINGSETs of port numbers, at most 100 each; GPUs come from
// platformDevices of type GPU (a GPU STRINGSET in totalResources adds
// ids too). Other names are kept as registered. Violations are
// InvalidParameterException.
func parseCapacity(total []ecsmodel.Resource, devices []ecsmodel.PlatformDevice) (capacity, error) {
	var c capacity
	if len(total) > maxResources {
		return c, ecs.InvalidParameter("totalResources can have at most %d items.", maxResources)
	}
	seen := map[string]bool{}
	for _, r := range total {
		if r.Name == "" {
			return c, ecs.InvalidParameter("Resource name should not be null or empty.")
		}
		if seen[r.Name] {
			return c, ecs.InvalidParameter("Duplicate resource %s in totalResources.", r.Name)
		}
		seen[r.Name] = true
		var err error
		switch r.Name {
		case resCPU:
			c.cpu, err = integerResource(r)
		case resMemory:
			c.memory, err = integerResource(r)
		case resPorts:
			c.tcp, err = portsResource(r)
		case resPortsUDP:
			c.udp, err = portsResource(r)
		case resGPU:
			if r.Type != typeStrings {
				err = ecs.InvalidParameter("Resource GPU must be of type STRINGSET.")
			}
			c.gpus = append(c.gpus, r.StringSetValue...)
		default:
			if r.Type == "" {
				err = ecs.InvalidParameter("Resource %s needs a type.", r.Name)
			}
			c.other = append(c.other, r)
		}
		if err != nil {
			return c, err
		}
	}
	for _, d := range devices {
		if d.Type != ecsmodel.PlatformDeviceTypeGpu || d.Id == "" {
			return c, ecs.InvalidParameter("Platform devices must be of type GPU with an id.")
		}
		c.gpus = append(c.gpus, d.Id)
	}
	slices.Sort(c.gpus)
	if len(c.gpus) != len(slices.Compact(slices.Clone(c.gpus))) {
		return c, ecs.InvalidParameter("GPU ids must be unique.")
	}
	return c, nil
}

// integerResource reads an INTEGER resource (integerValue, or longValue
// for senders that use it) as a non-negative count.
func integerResource(r ecsmodel.Resource) (int64, error) {
	if r.Type != typeInteger {
		return 0, ecs.InvalidParameter("Resource %s must be of type INTEGER.", r.Name)
	}
	v := int64(r.IntegerValue)
	if v == 0 {
		v = r.LongValue
	}
	if v < 0 || v > 1<<31-1 {
		return 0, ecs.InvalidParameter("Invalid value %d for resource %s.", v, r.Name)
	}
	return v, nil
}

// portsResource reads a STRINGSET of port numbers, sorted and deduplicated.
func portsResource(r ecsmodel.Resource) ([]int32, error) {
	if r.Type != typeStrings {
		return nil, ecs.InvalidParameter("Resource %s must be of type STRINGSET.", r.Name)
	}
	ports := make([]int32, 0, len(r.StringSetValue))
	for _, s := range r.StringSetValue {
		p, err := strconv.Atoi(s)
		if err != nil || p < 1 || p > maxPortNumber {
			return nil, ecs.InvalidParameter("Invalid port %q in resource %s.", s, r.Name)
		}
		ports = append(ports, int32(p))
	}
	slices.Sort(ports)
	ports = slices.Compact(ports)
	if len(ports) > maxReserved {
		return nil, ecs.InvalidParameter("Resource %s can reserve at most %d ports.", r.Name, maxReserved)
	}
	return ports, nil
}

// resources is the registeredResources list of c, in ECS's order: CPU,
// MEMORY, PORTS, PORTS_UDP, then GPU when there are GPUs, then the others.
func (c capacity) resources() []ecsmodel.Resource {
	out := []ecsmodel.Resource{
		intResource(resCPU, c.cpu),
		intResource(resMemory, c.memory),
		portResource(resPorts, c.tcp),
		portResource(resPortsUDP, c.udp),
	}
	if len(c.gpus) > 0 {
		out = append(out, ecsmodel.Resource{Name: resGPU, Type: typeStrings, StringSetValue: slices.Clone(c.gpus)})
	}
	return append(out, c.other...)
}

// capacityOf reads back a capacity from registeredResources as stored.
func capacityOf(registered []ecsmodel.Resource) capacity {
	var c capacity
	for _, r := range registered {
		switch r.Name {
		case resCPU:
			c.cpu = int64(r.IntegerValue)
		case resMemory:
			c.memory = int64(r.IntegerValue)
		case resPorts:
			c.tcp, _ = portsResource(r)
		case resPortsUDP:
			c.udp, _ = portsResource(r)
		case resGPU:
			c.gpus = slices.Clone(r.StringSetValue)
		default:
			c.other = append(c.other, r)
		}
	}
	return c
}

// intResource is an INTEGER resource; the other numeric members stay zero
// and are written, as ECS writes them.
func intResource(name string, v int64) ecsmodel.Resource {
	return ecsmodel.Resource{Name: name, Type: typeInteger, IntegerValue: int32(v)}
}

// portResource is a STRINGSET of ports; an empty set is written as [].
func portResource(name string, ports []int32) ecsmodel.Resource {
	set := make([]string, len(ports))
	for i, p := range ports {
		set[i] = strconv.Itoa(int(p))
	}
	return ecsmodel.Resource{Name: name, Type: typeStrings, StringSetValue: set}
}

// newAlloc is the alloc record of a freshly registered instance: everything
// free but the reserved ports.
func newAlloc(c capacity) allocRecord {
	return allocRecord{
		Status:         ecs.InstanceActive,
		AgentConnected: true,
		Version:        1,
		CPU:            c.cpu,
		Memory:         c.memory,
		PortsTCP:       slices.Clone(c.tcp),
		PortsUDP:       slices.Clone(c.udp),
		GPUs:           slices.Clone(c.gpus),
	}
}

// reallocate adjusts an alloc record to a re-registration that changed the
// capacity from old to c, keeping what the instance's tasks hold: CPU and
// memory move by the difference, the ports in use are the tasks' ports plus
// the new reserved set, and GPUs assigned to tasks stay assigned.
func (a *allocRecord) reallocate(old, c capacity) {
	a.CPU += c.cpu - old.cpu
	a.Memory += c.memory - old.memory
	a.PortsTCP = reserve(a.PortsTCP, old.tcp, c.tcp)
	a.PortsUDP = reserve(a.PortsUDP, old.udp, c.udp)
	var free []string
	for _, g := range c.gpus {
		assigned := slices.Contains(old.gpus, g) && !slices.Contains(a.GPUs, g)
		if !assigned {
			free = append(free, g)
		}
	}
	a.GPUs = free
}

// reserve swaps the reserved ports oldRes in the in-use set used for
// newRes, keeping the ports tasks hold.
func reserve(used, oldRes, newRes []int32) []int32 {
	out := slices.DeleteFunc(slices.Clone(used), func(p int32) bool {
		_, reserved := slices.BinarySearch(oldRes, p)
		return reserved
	})
	out = append(out, newRes...)
	slices.Sort(out)
	return slices.Compact(out)
}

// remaining is the remainingResources list of an instance: its registered
// resources with CPU and MEMORY as left over, PORTS and PORTS_UDP as the
// ports in use (ECS reports ports that way), and GPU as the free ids.
func remaining(registered []ecsmodel.Resource, a *allocRecord) []ecsmodel.Resource {
	out := make([]ecsmodel.Resource, 0, len(registered))
	for _, r := range registered {
		switch r.Name {
		case resCPU:
			r = intResource(resCPU, a.CPU)
		case resMemory:
			r = intResource(resMemory, a.Memory)
		case resPorts:
			r = portResource(resPorts, a.PortsTCP)
		case resPortsUDP:
			r = portResource(resPortsUDP, a.PortsUDP)
		case resGPU:
			r = ecsmodel.Resource{Name: resGPU, Type: typeStrings, StringSetValue: nonNil(slices.Clone(a.GPUs))}
		}
		out = append(out, r)
	}
	return out
}
