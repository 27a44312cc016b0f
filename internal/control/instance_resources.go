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

// remaining is the remainingResources list of an instance: its registered
// resources with CPU and MEMORY as left over by its tasks (never below
// zero), PORTS and PORTS_UDP as the ports in use, reserved or held by
// tasks (ECS reports ports that way), and GPU as the ids no task holds.
func remaining(registered []ecsmodel.Resource, u instUse) []ecsmodel.Resource {
	out := make([]ecsmodel.Resource, 0, len(registered))
	for _, r := range registered {
		switch r.Name {
		case resCPU:
			r = intResource(resCPU, max(int64(r.IntegerValue)-u.cpu, 0))
		case resMemory:
			r = intResource(resMemory, max(int64(r.IntegerValue)-u.mem, 0))
		case resPorts:
			reserved, _ := portsResource(r)
			r = portResource(resPorts, union(reserved, u.tcp))
		case resPortsUDP:
			reserved, _ := portsResource(r)
			r = portResource(resPortsUDP, union(reserved, u.udp))
		case resGPU:
			free := slices.DeleteFunc(slices.Clone(r.StringSetValue), func(g string) bool { return slices.Contains(u.gpus, g) })
			r = ecsmodel.Resource{Name: resGPU, Type: typeStrings, StringSetValue: nonNil(free)}
		}
		out = append(out, r)
	}
	return out
}

// union merges two port lists, sorted and without duplicates.
func union(a, b []int32) []int32 {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}
