package placement

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// scenario is a random cluster with the allocations the test has made.
type scenario struct {
	c      *Cluster
	r      *rand.Rand
	allocs map[string][]Allocation // by instance id, made by this test
	base   map[string]Instance     // as upserted, before the test's allocations
}

var (
	zones    = []string{"a", "b", "c", ""} // "" = no zone attribute
	types    = []string{"t2.micro", "t2.large", "m5.large"}
	groups   = []string{"family:web", "family:db", "service:api"}
	provs    = []string{"", "p1"}
	ruleSpec = []string{
		"random", "spread instanceId", "spread host", "spread attribute:ecs.availability-zone",
		"spread attribute:ecs.instance-type", "binpack cpu", "binpack memory",
	}
	exprSpec = []string{
		"attribute:ecs.instance-type =~ t2.*", "attribute:ecs.availability-zone != c",
		"runningTasksCount < 6", "not(task:group == family:db)",
	}
)

func randomInstance(r *rand.Rand, i int) Instance {
	opts := []instOpt{
		withCPU([]int64{1024, 2048, 4096}[r.IntN(3)]),
		withMemory([]int64{2048, 4096, 8192}[r.IntN(3)]),
		withType(types[r.IntN(len(types))]),
		withProvider(provs[r.IntN(len(provs))]),
	}
	if z := zones[r.IntN(len(zones))]; z != "" {
		opts = append(opts, withAZ(z))
	}
	switch r.IntN(10) {
	case 0:
		opts = append(opts, withDisconnected())
	case 1:
		opts = append(opts, withStatus("DRAINING"))
	}
	if r.IntN(3) == 0 {
		opts = append(opts, withGroup(groups[r.IntN(len(groups))], 1+r.IntN(3)))
	}
	if r.IntN(4) == 0 {
		opts = append(opts, withGPUs("g0", "g1"))
	}
	return instance(fmt.Sprintf("n%03d", i), opts...)
}

func randomDemand(t *testing.T, r *rand.Rand) Demand {
	d := Demand{
		CPU: int64(r.IntN(5)) * 128, Memory: int64(1+r.IntN(4)) * 256,
		Group:            groups[r.IntN(len(groups))],
		CapacityProvider: []string{"", "p1", AnyCapacityProvider}[r.IntN(3)],
	}
	for range r.IntN(4) {
		d.Strategies = append(d.Strategies, strategyOf(ruleSpec[r.IntN(len(ruleSpec))]))
	}
	if r.IntN(4) == 0 {
		d.Constraints = append(d.Constraints, Constraint{Type: DistinctInstance})
	}
	if r.IntN(3) == 0 {
		d.Constraints = append(d.Constraints, Constraint{Type: MemberOf, Expr: mustExpr(t, exprSpec[r.IntN(len(exprSpec))])})
	}
	if r.IntN(5) == 0 {
		d.GPUs = 1
	}
	if r.IntN(4) == 0 {
		d.Ports = []PortMapping{{ContainerPort: 80}}
		if r.IntN(2) == 0 {
			d.Ports = append(d.Ports, PortMapping{ContainerPort: 53, HostPort: uint16(5300 + r.IntN(3)), Protocol: UDP})
		}
	}
	return d
}

func strategyOf(spec string) Strategy {
	var s Strategy
	fmt.Sscan(spec, &s.Type, &s.Field)
	return s
}

// expectedChoices computes, by brute force and without the indexes, the
// names of the instances the documented rule allows for the next task.
func expectedChoices(c *Cluster, d Demand) []string {
	var cands []*node
	for _, n := range c.nodes {
		if n.status == StatusActive && (d.CapacityProvider == AnyCapacityProvider || n.provider == d.CapacityProvider) {
			cands = append(cands, n)
		}
	}
	// Constraints are evaluated directly: the nodes' memberOf caches belong
	// to the cluster's memo table.
	checks := buildChecks(&d, nil, false)
	var feasible []*node
	for _, n := range cands {
		ok := true
		for _, ch := range checks {
			if pass, _ := ch.Feasible(n); !pass {
				ok = false
			}
		}
		for _, con := range d.Constraints {
			if con.Type == DistinctInstance && n.groups[d.Group] > 0 || con.Type == MemberOf && !con.Expr.Eval(n) {
				ok = false
			}
		}
		if ok {
			feasible = append(feasible, n)
		}
	}
	score := func(s Strategy, n *node) int64 {
		ru, _ := compileRule(s)
		switch ru.kind {
		case ruleBinpack:
			return n.rem(ru.res)
		case ruleSpreadInstance:
			return int64(n.groups[d.Group])
		case ruleSpreadAttr:
			var sum int64
			for _, m := range cands {
				if m.attr(ru.attr) == n.attr(ru.attr) {
					sum += int64(m.groups[d.Group])
				}
			}
			return sum
		}
		return 0
	}
	for _, s := range d.Strategies {
		if s.Type == Random || len(feasible) <= 1 {
			break
		}
		best := slices.MinFunc(feasible, func(a, b *node) int { return int(score(s, a) - score(s, b)) })
		bestScore := score(s, best)
		feasible = slices.DeleteFunc(feasible, func(n *node) bool { return score(s, n) != bestScore })
	}
	var out []string
	for _, n := range feasible {
		out = append(out, nameOf(n.id))
	}
	return out
}

// TestPlaceFollowsTheRule checks, on random clusters, demands and
// histories, that every placement is one the brute-force rule allows and
// that Place fails exactly when nothing is feasible, with the indexes
// consistent throughout.
func TestPlaceFollowsTheRule(t *testing.T) {
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			s := newScenario(t, seed, 5+int(seed)%40)
			for step := range 150 {
				switch k := s.r.IntN(20); {
				case k < 13:
					d := randomDemand(t, s.r)
					want := expectedChoices(s.c, d)
					pls, fails := s.c.Place(d, 1, s.r)
					switch {
					case len(want) == 0 && len(fails) != 1:
						t.Fatalf("step %d: Place(%+v) placed %v, want a failure (nothing feasible)", step, d, pls)
					case len(want) > 0 && len(pls) != 1:
						t.Fatalf("step %d: Place(%+v) failed %v, want one of %v", step, d, fails, want)
					case len(pls) == 1 && !slices.Contains(want, nameOf(pls[0].InstanceID)):
						t.Fatalf("step %d: Place(%+v) chose %s, want one of %v", step, d, nameOf(pls[0].InstanceID), want)
					}
					for _, p := range pls {
						s.allocs[p.InstanceID] = append(s.allocs[p.InstanceID], p.Allocation)
					}
				case k < 18:
					s.releaseRandom(t)
				default:
					s.reshape(t)
				}
				checkIndexes(t, s.c)
				s.checkAccounting(t)
			}
		})
	}
}

// TestReserveReleaseNeverOvercommits drives random Reserve, Release and
// Place calls, including ones that must fail, and checks after each that no
// instance is overcommitted and remaining = registered - sum(allocations).
func TestReserveReleaseNeverOvercommits(t *testing.T) {
	for seed := range uint64(20) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			s := newScenario(t, seed+1000, 12)
			ids := slices.Sorted(maps.Keys(s.base))
			for range 400 {
				id := ids[s.r.IntN(len(ids))]
				switch s.r.IntN(4) {
				case 0, 1:
					a := Allocation{
						TaskGroup: groups[s.r.IntN(len(groups))],
						CPU:       int64(s.r.IntN(1500)), Memory: int64(s.r.IntN(3000)),
					}
					if s.r.IntN(3) == 0 {
						a.Ports = []uint16{uint16(8000 + s.r.IntN(5))}
					}
					if s.r.IntN(4) == 0 {
						a.GPUIDs = []string{[]string{"g0", "g1", "g9"}[s.r.IntN(3)]}
					}
					if err := s.c.Reserve(id, a); err == nil {
						s.allocs[id] = append(s.allocs[id], a)
					}
				case 2:
					s.releaseRandom(t)
				case 3:
					d := randomDemand(t, s.r)
					pls, _ := s.c.Place(d, 1+s.r.IntN(3), s.r)
					for _, p := range pls {
						s.allocs[p.InstanceID] = append(s.allocs[p.InstanceID], p.Allocation)
					}
				}
				s.checkAccounting(t)
			}
			checkIndexes(t, s.c)
		})
	}
}

func newScenario(t *testing.T, seed uint64, size int) *scenario {
	s := &scenario{r: rng(seed), allocs: map[string][]Allocation{}, base: map[string]Instance{}}
	var ins []Instance
	for i := range size {
		in := randomInstance(s.r, i)
		ins = append(ins, in)
		s.base[in.ID] = in
	}
	s.c = newCluster(t, ins...)
	return s
}

// releaseRandom releases one allocation this test made.
func (s *scenario) releaseRandom(t *testing.T) {
	ids := slices.Sorted(maps.Keys(s.allocs))
	if len(ids) == 0 {
		return
	}
	id := ids[s.r.IntN(len(ids))]
	as := s.allocs[id]
	i := s.r.IntN(len(as))
	if err := s.c.Release(id, as[i]); err != nil {
		t.Fatalf("Release(%s, %+v) error %v", nameOf(id), as[i], err)
	}
	s.allocs[id] = slices.Delete(as, i, i+1)
	if len(s.allocs[id]) == 0 {
		delete(s.allocs, id)
	}
}

// reshape upserts an instance with a new zone or status, keeping its usage.
func (s *scenario) reshape(t *testing.T) {
	ids := slices.Sorted(maps.Keys(s.base))
	id := ids[s.r.IntN(len(ids))]
	in := s.base[id]
	in.Attributes = maps.Clone(in.Attributes)
	if z := zones[s.r.IntN(len(zones))]; z != "" {
		in.Attributes["ecs.availability-zone"] = z
	} else {
		delete(in.Attributes, "ecs.availability-zone")
	}
	in.Status = []string{StatusActive, StatusActive, "DRAINING"}[s.r.IntN(3)]
	in.AgentConnected = s.r.IntN(5) > 0
	s.base[id] = in
	if err := s.c.Upsert(s.withUsage(in)); err != nil {
		t.Fatalf("Upsert error %v", err)
	}
}

// withUsage adds the test's allocations to an instance's base usage.
func (s *scenario) withUsage(in Instance) Instance {
	u := in.Usage
	u.TaskGroups = maps.Clone(u.TaskGroups)
	u.Ports, u.PortsUDP, u.GPUIDs = slices.Clone(u.Ports), slices.Clone(u.PortsUDP), slices.Clone(u.GPUIDs)
	for _, a := range s.allocs[in.ID] {
		u.RemainingCPU -= a.CPU
		u.RemainingMemory -= a.Memory
		u.Ports = append(u.Ports, a.Ports...)
		u.PortsUDP = append(u.PortsUDP, a.PortsUDP...)
		u.GPUIDs = append(u.GPUIDs, a.GPUIDs...)
		u.RunningTasks++
		u.TaskGroups[a.TaskGroup]++
	}
	in.Usage = u
	return in
}

// checkAccounting compares every node with its base plus the allocations.
func (s *scenario) checkAccounting(t *testing.T) {
	t.Helper()
	for id, base := range s.base {
		want := s.withUsage(base).Usage
		n := s.c.nodes[id]
		if n.remCPU < 0 || n.remMem < 0 || n.freeGPUs() < 0 {
			t.Fatalf("%s overcommitted: cpu %d memory %d free GPUs %d", nameOf(id), n.remCPU, n.remMem, n.freeGPUs())
		}
		if n.remCPU != want.RemainingCPU || n.remMem != want.RemainingMemory || n.running != want.RunningTasks {
			t.Fatalf("%s: cpu %d memory %d running %d, want %d %d %d", nameOf(id),
				n.remCPU, n.remMem, n.running, want.RemainingCPU, want.RemainingMemory, want.RunningTasks)
		}
		for g, k := range want.TaskGroups {
			if n.groups[g] != k {
				t.Fatalf("%s: group %s has %d tasks, want %d", nameOf(id), g, n.groups[g], k)
			}
		}
		if len(n.groups) != len(cloneGroups(want.TaskGroups)) {
			t.Fatalf("%s: groups %v, want %v", nameOf(id), n.groups, want.TaskGroups)
		}
		if len(n.ports[protoTCP].used) != len(want.Ports) || len(n.ports[protoUDP].used) != len(want.PortsUDP) || len(n.usedGPU) != len(want.GPUIDs) {
			t.Fatalf("%s: %d tcp, %d udp ports and %d GPUs held, want %d, %d, %d", nameOf(id),
				len(n.ports[protoTCP].used), len(n.ports[protoUDP].used), len(n.usedGPU), len(want.Ports), len(want.PortsUDP), len(want.GPUIDs))
		}
		for _, p := range want.Ports {
			if _, ok := n.ports[protoTCP].used[p]; !ok {
				t.Fatalf("%s: port %d not held, want held", nameOf(id), p)
			}
		}
		eph := 0
		for p := range n.ports[protoTCP].used {
			eph += isEphemeral(p)
		}
		for p := range n.ports[protoTCP].reserved {
			eph += isEphemeral(p)
		}
		if eph != n.ports[protoTCP].ephBusy {
			t.Fatalf("%s: ephemeral busy count %d, want %d", nameOf(id), n.ports[protoTCP].ephBusy, eph)
		}
	}
}
