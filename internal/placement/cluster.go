package placement

import (
	"fmt"
)

// Cluster is the in-memory placement index of one ECS cluster. It is NOT
// safe for concurrent use: every method, including Place, PlaceOn and
// Rejections (which update caches and counters), must be called with the
// cluster's mutex held. The control plane holds that mutex around
// Place/PlaceOn and the Reserve/Release calls that follow them.
type Cluster struct {
	nodes      map[string]*node
	pools      map[string]*pool
	slots      slotAllocator
	memo       memoTable
	rejections [numStages]uint64
	run        run // scratch reused by Place
}

// NewCluster returns an empty cluster.
func NewCluster() *Cluster {
	return &Cluster{nodes: map[string]*node{}, pools: map[string]*pool{}, memo: memoTable{ids: map[string]int{}}}
}

// Len returns the number of instances in the cluster, whatever their status.
func (c *Cluster) Len() int { return len(c.nodes) }

// ActiveCount returns the number of ACTIVE instances Place would consider
// for a capacity provider ("" = instances without one, AnyCapacityProvider
// = all). The control plane uses it to reject a RunTask into a cluster
// with no instances ("No Container Instances were found in your cluster.")
// before calling Place.
func (c *Cluster) ActiveCount(provider string) int { return c.pool(provider).all.len() }

// Upsert adds an instance or replaces everything known about it, including
// its allocations: Usage must already include every task the caller wants
// accounted for, including placements it has not committed yet. Cached
// memberOf results of the instance are dropped.
func (c *Cluster) Upsert(in Instance) error {
	if err := in.validate(); err != nil {
		return err
	}
	fresh := newNode(&in)
	n := c.nodes[in.ID]
	if n == nil {
		n = fresh
		c.nodes[in.ID] = n
	} else {
		c.deactivate(n)
		pos := n.pos
		*n = *fresh
		n.pos = pos
	}
	if n.status == StatusActive {
		c.activate(n)
	}
	return nil
}

// Remove forgets an instance; unknown ids are ignored.
func (c *Cluster) Remove(id string) {
	if n := c.nodes[id]; n != nil {
		c.deactivate(n)
		delete(c.nodes, id)
	}
}

// Reserve records a task's allocation on an instance. It fails with
// ErrOvercommit, leaving the instance unchanged, when the instance lacks
// the CPU or memory or a port or GPU is already taken; Reserve never lets
// an instance go below zero.
func (c *Cluster) Reserve(id string, a Allocation) error {
	n := c.nodes[id]
	if n == nil {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err := n.checkReserve(&a); err != nil {
		return fmt.Errorf("reserve on instance %s: %w", id, err)
	}
	c.reserve(n, &a)
	return nil
}

// Release gives back an allocation made by Reserve or Place. It fails with
// ErrInvalid, leaving the instance unchanged, when the instance does not
// hold what is released.
func (c *Cluster) Release(id string, a Allocation) error {
	n := c.nodes[id]
	if n == nil {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err := n.checkRelease(&a); err != nil {
		return fmt.Errorf("release on instance %s: %w", id, err)
	}
	c.release(n, &a)
	return nil
}

// Rejections returns, per reason, how many times a feasibility check has
// rejected an instance since the cluster was created. Every evaluation
// counts, so an instance examined twice for one task counts twice; the
// indexes skip most unsuitable instances without examining them, so the
// numbers say why examined instances failed, not how many exist.
func (c *Cluster) Rejections() map[Reason]uint64 {
	out := make(map[Reason]uint64, numStages)
	for s, v := range c.rejections {
		if v > 0 {
			out[stageReasons[s]] = v
		}
	}
	return out
}

// pool returns the pool of a provider, building it on first use.
func (c *Cluster) pool(provider string) *pool {
	p := c.pools[provider]
	if p == nil {
		p = newPool(c, provider)
		c.pools[provider] = p
		for _, n := range c.nodes {
			if n.status == StatusActive && p.accepts(n) {
				p.join(n)
				n.pools = append(n.pools, p)
			}
		}
	}
	return p
}

// activate adds an ACTIVE node to the pools that accept it.
func (c *Cluster) activate(n *node) {
	for _, p := range c.pools {
		if p.accepts(n) {
			p.join(n)
			n.pools = append(n.pools, p)
		}
	}
}

// deactivate takes a node out of every pool.
func (c *Cluster) deactivate(n *node) {
	for _, p := range n.pools {
		p.leave(n)
	}
	n.pools = n.pools[:0]
}

// reserve applies a checked allocation and updates the indexes.
func (c *Cluster) reserve(n *node, a *Allocation) {
	oldCPU, oldMem := n.remCPU, n.remMem
	n.remCPU -= a.CPU
	n.remMem -= a.Memory
	for _, p := range a.Ports {
		n.ports[protoTCP].take(p)
	}
	for _, p := range a.PortsUDP {
		n.ports[protoUDP].take(p)
	}
	for _, id := range a.GPUIDs {
		n.usedGPU[id] = struct{}{}
	}
	n.running++
	old := n.groups[a.TaskGroup]
	n.groups[a.TaskGroup] = old + 1
	for _, p := range n.pools {
		p.resourcesChanged(n, oldCPU, oldMem)
		p.groupChanged(n, a.TaskGroup, old, old+1)
	}
}

// release undoes a checked allocation and updates the indexes.
func (c *Cluster) release(n *node, a *Allocation) {
	oldCPU, oldMem := n.remCPU, n.remMem
	n.remCPU += a.CPU
	n.remMem += a.Memory
	for _, p := range a.Ports {
		n.ports[protoTCP].free(p)
	}
	for _, p := range a.PortsUDP {
		n.ports[protoUDP].free(p)
	}
	for _, id := range a.GPUIDs {
		delete(n.usedGPU, id)
	}
	n.running--
	old := n.groups[a.TaskGroup]
	if old == 1 {
		delete(n.groups, a.TaskGroup)
	} else {
		n.groups[a.TaskGroup] = old - 1
	}
	for _, p := range n.pools {
		p.resourcesChanged(n, oldCPU, oldMem)
		p.groupChanged(n, a.TaskGroup, old, old-1)
	}
}
