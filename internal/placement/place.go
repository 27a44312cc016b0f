package placement

import (
	"math/rand/v2"
	"slices"
)

// run is the state of one Place or PlaceOn call. The Cluster keeps one and
// reuses its scratch slices.
type run struct {
	c      *Cluster
	p      *pool
	d      *Demand
	rnd    *rand.Rand
	checks []checker
	rules  []rule

	nodes []*node     // scratch: feasible nodes
	sets  []*denseSet // scratch: the sets of a spread tier
	found []*denseSet // scratch: the best buckets across partitions
	one   [1]*denseSet
	tiers []valueTier
}

// Place places count tasks of demand d one after another on the instances
// of d.CapacityProvider, reserving each in the index before choosing the
// next, so later tasks see earlier ones. It returns the placements made and
// one Failure per task it could not place; once a task fails the remaining
// ones fail the same way (nothing was freed in between). The caller
// commits the placements durably and calls Release for any it abandons.
//
// d should pass Validate; strategies Place does not understand are
// ignored. rnd breaks ties and drives random choices; nil uses the
// math/rand/v2 global source.
func (c *Cluster) Place(d Demand, count int, rnd *rand.Rand) ([]Placement, []Failure) {
	if count <= 0 {
		return nil, nil
	}
	r := c.startRun(&d, rnd)
	defer r.finish()
	var out []Placement
	for i := range count {
		n := r.pick()
		if n == nil {
			f := r.failure()
			fails := make([]Failure, count-i)
			for j := range fails {
				fails[j] = f
			}
			return out, fails
		}
		out = append(out, r.assign(n))
	}
	return out, nil
}

// PlaceOn places one task of demand d on each listed instance (StartTask),
// in order, reserving each. Only the agent, attribute and resource checks
// apply: constraints, strategies and the capacity provider are ignored, as
// StartTask names its instances. Unknown ids fail with ReasonMissing (Arn
// is then the id as given; the caller, which resolves ARNs, normally
// reports these itself), instances that are not ACTIVE (DRAINING,
// INACTIVE, ...) with ReasonInactive, and the others with the reason of the
// first check they fail.
func (c *Cluster) PlaceOn(d Demand, instanceIDs []string) ([]Placement, []Failure) {
	r := &run{c: c, d: &d, checks: buildChecks(&d, &c.memo, false)}
	var out []Placement
	var fails []Failure
	for _, id := range instanceIDs {
		n := c.nodes[id]
		switch {
		case n == nil:
			fails = append(fails, Failure{Arn: id, Reason: ReasonMissing})
		case n.status != StatusActive:
			fails = append(fails, Failure{Arn: n.arn, Reason: ReasonInactive})
		default:
			if reason := r.firstFailure(n); reason != "" {
				fails = append(fails, Failure{Arn: n.arn, Reason: reason})
				continue
			}
			out = append(out, r.assign(n))
		}
	}
	return out, fails
}

// startRun prepares the reusable run for a Place call: the checks, the
// compiled strategy rules and the indexes they use.
func (c *Cluster) startRun(d *Demand, rnd *rand.Rand) *run {
	r := &c.run
	r.c, r.d, r.rnd = c, d, rnd
	r.p = c.pool(d.CapacityProvider)
	r.checks = buildChecks(d, &c.memo, true)
	r.rules = r.rules[:0]
	for _, s := range d.Strategies {
		ru, err := compileRule(s)
		if err != nil {
			continue
		}
		if ru.kind == ruleRandom {
			break // random breaks every remaining tie; later rules cannot matter
		}
		r.rules = append(r.rules, ru)
	}
	var gi *groupIndex
	for i := range r.rules {
		ru := &r.rules[i]
		if ru.kind == ruleSpreadInstance || ru.kind == ruleSpreadAttr {
			if gi == nil {
				gi = r.p.group(d.Group)
			}
			if ru.kind == ruleSpreadAttr {
				ru.values = r.p.valueCounts(gi, ru.attr)
			}
		}
	}
	if len(r.rules) > 0 {
		switch first := &r.rules[0]; first.kind {
		case ruleBinpack:
			first.ordered = r.p.orderedIndex(first.res, "")
		case ruleSpreadInstance:
			first.buckets = r.p.countBuckets(gi)
		case ruleSpreadAttr:
			first.sets = r.p.attrSets(first.attr)
			if len(r.rules) > 1 && r.rules[1].kind == ruleBinpack {
				r.rules[1].ordered = r.p.orderedIndex(r.rules[1].res, first.attr)
			}
		}
	}
	return r
}

// finish drops the run's references to the call's demand and nodes.
func (r *run) finish() {
	r.d, r.rnd = nil, nil
	clear(r.nodes)
	r.nodes = r.nodes[:0]
}

// intN returns a random int in [0, n).
func (r *run) intN(n int) int {
	if r.rnd == nil {
		return rand.IntN(n)
	}
	return r.rnd.IntN(n)
}

// feasible runs the checks on n, counting a rejection if one fails.
func (r *run) feasible(n *node) bool {
	for _, ch := range r.checks {
		if ok, _ := ch.Feasible(n); !ok {
			r.c.rejections[ch.stage()]++
			return false
		}
	}
	return true
}

// firstFailure returns the reason of the first check n fails, or "".
func (r *run) firstFailure(n *node) Reason {
	for _, ch := range r.checks {
		if ok, reason := ch.Feasible(n); !ok {
			r.c.rejections[ch.stage()]++
			return reason
		}
	}
	return ""
}

// assign chooses host ports and GPUs on a feasible node, reserves the task
// there and returns the placement.
func (r *run) assign(n *node) Placement {
	d := r.d
	a := Allocation{TaskGroup: d.Group, CPU: d.CPU, Memory: d.Memory}
	pl := Placement{InstanceID: n.id, InstanceARN: n.arn}
	if len(d.Ports) > 0 {
		var static [2][]uint16
		var dynamic [2]int
		for _, m := range d.Ports {
			proto := protoIndex(m.Protocol)
			if m.HostPort == 0 {
				dynamic[proto]++
			} else {
				static[proto] = append(static[proto], m.HostPort)
			}
		}
		var picked [2][]uint16
		for proto := range picked {
			picked[proto] = n.ports[proto].pickDynamic(dynamic[proto], static[proto])
		}
		pl.HostPorts = make([]PortBinding, len(d.Ports))
		var next [2]int
		for i, m := range d.Ports {
			proto, hp := protoIndex(m.Protocol), m.HostPort
			if hp == 0 {
				hp = picked[proto][next[proto]]
				next[proto]++
			}
			pl.HostPorts[i] = PortBinding{ContainerPort: m.ContainerPort, HostPort: hp, Protocol: protoValues[proto]}
		}
		a.Ports = append(static[protoTCP], picked[protoTCP]...)
		a.PortsUDP = append(static[protoUDP], picked[protoUDP]...)
	}
	if d.GPUs > 0 {
		for _, id := range n.gpus {
			if _, used := n.usedGPU[id]; !used {
				a.GPUIDs = append(a.GPUIDs, id)
				if len(a.GPUIDs) == d.GPUs {
					break
				}
			}
		}
		pl.GPUIDs = slices.Clone(a.GPUIDs)
	}
	r.c.reserve(n, &a)
	pl.Allocation = a
	return pl
}
