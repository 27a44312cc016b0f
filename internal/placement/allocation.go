package placement

import "fmt"

// checkReserve reports why a cannot be reserved on n, or nil.
func (n *node) checkReserve(a *Allocation) error {
	switch {
	case a.CPU < 0 || a.Memory < 0:
		return fmt.Errorf("%w: negative cpu or memory", ErrInvalid)
	case a.CPU > n.remCPU:
		return fmt.Errorf("%w: cpu %d, %d remaining", ErrOvercommit, a.CPU, n.remCPU)
	case a.Memory > n.remMem:
		return fmt.Errorf("%w: memory %d, %d remaining", ErrOvercommit, a.Memory, n.remMem)
	}
	for proto, ports := range [2][]uint16{a.Ports, a.PortsUDP} {
		for i, p := range ports {
			if n.ports[proto].busy(p) || containsPort(ports[:i], p) {
				return fmt.Errorf("%w: host port %d/%s is taken", ErrOvercommit, p, protoNames[proto])
			}
		}
	}
	for i, id := range a.GPUIDs {
		if !contains(n.gpus, id) {
			return fmt.Errorf("%w: no GPU %q", ErrInvalid, id)
		}
		if _, used := n.usedGPU[id]; used || contains(a.GPUIDs[:i], id) {
			return fmt.Errorf("%w: GPU %q is taken", ErrOvercommit, id)
		}
	}
	return nil
}

// checkRelease reports why a cannot be released from n, or nil.
func (n *node) checkRelease(a *Allocation) error {
	switch {
	case a.CPU < 0 || a.Memory < 0:
		return fmt.Errorf("%w: negative cpu or memory", ErrInvalid)
	case n.remCPU+a.CPU > n.regCPU:
		return fmt.Errorf("%w: releasing cpu %d would exceed the registered %d", ErrInvalid, a.CPU, n.regCPU)
	case n.remMem+a.Memory > n.regMem:
		return fmt.Errorf("%w: releasing memory %d would exceed the registered %d", ErrInvalid, a.Memory, n.regMem)
	case n.groups[a.TaskGroup] == 0:
		return fmt.Errorf("%w: no task of group %q", ErrInvalid, a.TaskGroup)
	case n.running == 0:
		return fmt.Errorf("%w: no running task", ErrInvalid)
	}
	for proto, ports := range [2][]uint16{a.Ports, a.PortsUDP} {
		for i, p := range ports {
			if _, held := n.ports[proto].used[p]; !held || containsPort(ports[:i], p) {
				return fmt.Errorf("%w: host port %d/%s is not held", ErrInvalid, p, protoNames[proto])
			}
		}
	}
	for i, id := range a.GPUIDs {
		if _, used := n.usedGPU[id]; !used || contains(a.GPUIDs[:i], id) {
			return fmt.Errorf("%w: GPU %q is not held", ErrInvalid, id)
		}
	}
	return nil
}
