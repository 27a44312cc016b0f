package placement

import (
	"errors"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/placement/expr"
)

func TestUpsertValidates(t *testing.T) {
	tests := []struct {
		name string
		in   Instance
	}{
		{"short id", func() Instance { in := instance("a"); in.ID = "abc"; return in }()},
		{"upper-case id", func() Instance { in := instance("a"); in.ID = "ABCDEF0123456789ABCDEF0123456789"; return in }()},
		{"negative registered", instance("a", withCPU(-1))},
		{"remaining above registered", instance("a", withRemaining(5000, 1))},
		{"negative remaining", instance("a", withRemaining(1, -1))},
		{"held port is reserved", instance("a", withUsedPorts([]uint16{22}, nil))},
		{"held port twice", instance("a", withUsedPorts(nil, []uint16{53, 53}))},
		{"unknown GPU held", instance("a", withGPUs("g0"), withUsedGPUs("g1"))},
		{"negative group count", instance("a", withGroup("g", -1))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCluster()
			if err := c.Upsert(tc.in); !errors.Is(err, ErrInvalid) {
				t.Errorf("Upsert error = %v, want ErrInvalid", err)
			}
			if c.Len() != 0 {
				t.Errorf("Len() = %d after a rejected Upsert, want 0", c.Len())
			}
		})
	}
}

func TestReserveAndReleaseErrors(t *testing.T) {
	in := instance("a", withRemaining(1000, 2000), withGPUs("g0", "g1"), withUsedGPUs("g1"),
		withUsedPorts([]uint16{8080}, []uint16{53}), withGroup("web", 1))
	tests := []struct {
		name    string
		reserve bool
		id      string
		a       Allocation
		want    error
	}{
		{"reserve unknown instance", true, idOf("zz"), Allocation{}, ErrNotFound},
		{"reserve too much cpu", true, in.ID, Allocation{CPU: 1001}, ErrOvercommit},
		{"reserve too much memory", true, in.ID, Allocation{Memory: 2001}, ErrOvercommit},
		{"reserve negative", true, in.ID, Allocation{CPU: -1}, ErrInvalid},
		{"reserve reserved port", true, in.ID, Allocation{Ports: []uint16{22}}, ErrOvercommit},
		{"reserve held port", true, in.ID, Allocation{Ports: []uint16{8080}}, ErrOvercommit},
		{"reserve held udp port", true, in.ID, Allocation{PortsUDP: []uint16{53}}, ErrOvercommit},
		{"reserve port twice", true, in.ID, Allocation{Ports: []uint16{80, 80}}, ErrOvercommit},
		{"reserve held GPU", true, in.ID, Allocation{GPUIDs: []string{"g1"}}, ErrOvercommit},
		{"reserve unknown GPU", true, in.ID, Allocation{GPUIDs: []string{"g9"}}, ErrInvalid},
		{"release unknown instance", false, idOf("zz"), Allocation{}, ErrNotFound},
		{"release beyond registered cpu", false, in.ID, Allocation{TaskGroup: "web", CPU: 3097}, ErrInvalid},
		{"release beyond registered memory", false, in.ID, Allocation{TaskGroup: "web", Memory: 14385}, ErrInvalid},
		{"release group without tasks", false, in.ID, Allocation{TaskGroup: "db"}, ErrInvalid},
		{"release port not held", false, in.ID, Allocation{TaskGroup: "web", Ports: []uint16{22}}, ErrInvalid},
		{"release GPU not held", false, in.ID, Allocation{TaskGroup: "web", GPUIDs: []string{"g0"}}, ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCluster(t, in)
			before := *c.nodes[in.ID]
			var err error
			if tc.reserve {
				err = c.Reserve(tc.id, tc.a)
			} else {
				err = c.Release(tc.id, tc.a)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
			after := c.nodes[in.ID]
			if after.remCPU != before.remCPU || after.remMem != before.remMem || after.running != before.running ||
				len(after.ports[protoTCP].used) != len(before.ports[protoTCP].used) || len(after.usedGPU) != len(before.usedGPU) {
				t.Errorf("instance changed by a failed call")
			}
		})
	}
}

func TestReserveThenRelease(t *testing.T) {
	c := newCluster(t, instance("a", withGPUs("g0")))
	a := Allocation{TaskGroup: "web", CPU: 100, Memory: 200, Ports: []uint16{80}, PortsUDP: []uint16{53}, GPUIDs: []string{"g0"}}
	if err := c.Reserve(idOf("a"), a); err != nil {
		t.Fatal(err)
	}
	n := c.nodes[idOf("a")]
	if n.remCPU != 3996 || n.remMem != 16184 || n.running != 1 || n.groups["web"] != 1 || !n.ports[protoTCP].busy(80) || n.freeGPUs() != 0 {
		t.Errorf("after Reserve: cpu %d mem %d running %d web %d, want 3996 16184 1 1", n.remCPU, n.remMem, n.running, n.groups["web"])
	}
	if err := c.Reserve(idOf("a"), a); !errors.Is(err, ErrOvercommit) {
		t.Errorf("second Reserve of the same ports error = %v, want ErrOvercommit", err)
	}
	if err := c.Release(idOf("a"), a); err != nil {
		t.Fatal(err)
	}
	if n.remCPU != 4096 || n.remMem != 16384 || n.running != 0 || len(n.groups) != 0 || n.ports[protoTCP].busy(80) || n.freeGPUs() != 1 {
		t.Errorf("after Release: cpu %d mem %d running %d groups %v, want everything back", n.remCPU, n.remMem, n.running, n.groups)
	}
}

func TestCapacityProviders(t *testing.T) {
	c := newCluster(t,
		instance("none"),
		instance("p1a", withProvider("p1")),
		instance("p1b", withProvider("p1")),
		instance("p2", withProvider("p2"), withStatus("DRAINING")),
	)
	tests := []struct {
		provider string
		want     map[string]bool
	}{
		{"", map[string]bool{"none": true}},
		{"p1", map[string]bool{"p1a": true, "p1b": true}},
		{AnyCapacityProvider, map[string]bool{"none": true, "p1a": true, "p1b": true}},
	}
	for _, tc := range tests {
		if got := c.ActiveCount(tc.provider); got != len(tc.want) {
			t.Errorf("ActiveCount(%q) = %d, want %d", tc.provider, got, len(tc.want))
		}
		seen := map[string]bool{}
		r := rng(2)
		for range 30 {
			name, f := placeOne(t, c, task(needs(1, 1), provider(tc.provider)), r)
			if !tc.want[name] {
				t.Fatalf("provider %q placed on %q (%v), want one of %v", tc.provider, name, f, tc.want)
			}
			seen[name] = true
		}
		if len(seen) != len(tc.want) {
			t.Errorf("provider %q used %v, want all of %v", tc.provider, seen, tc.want)
		}
	}
}

func TestStatusChangesMoveInstancesInAndOut(t *testing.T) {
	c := newCluster(t, instance("a", withAZ("x")), instance("b", withAZ("y")))
	d := task(strategies("spread attribute:ecs.availability-zone", "binpack memory"))
	placeOne(t, c, d, rng(1)) // builds the indexes
	if err := c.Upsert(instance("a", withAZ("x"), withStatus("DRAINING"))); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if name, f := placeOne(t, c, d, rng(1)); name != "b" {
			t.Fatalf("Place with a draining = %q (%v), want b", name, f)
		}
	}
	c.Remove(idOf("b"))
	if name, f := placeOne(t, c, d, rng(1)); name != "" || f.Reason != ReasonNoActiveInstances {
		t.Fatalf("Place with no active instance = %q, %v, want NO ACTIVE INSTANCES", name, f)
	}
	if err := c.Upsert(instance("a", withAZ("z"))); err != nil {
		t.Fatal(err)
	}
	if name, f := placeOne(t, c, d, rng(1)); name != "a" {
		t.Fatalf("Place after reactivating a = %q (%v), want a", name, f)
	}
	if c.Len() != 1 || c.ActiveCount("") != 1 {
		t.Errorf("Len, ActiveCount = %d, %d, want 1, 1", c.Len(), c.ActiveCount(""))
	}
	checkIndexes(t, c)
}

func TestInstanceTarget(t *testing.T) {
	in := instance("a", withType("t2.micro"), withGroup("service:api", 2))
	in.RegisteredAt = time.Date(2018, 6, 18, 0, 0, 0, 0, time.UTC)
	tests := map[string]bool{
		"attribute:ecs.instance-type =~ t2.*":            true,
		"task:group == service:api":                      true,
		"task:group =~ 'service:.*'":                     true,
		"runningTasksCount == 2":                         true,
		"agentConnected == true && ec2InstanceId == i-a": true,
		"agentVersion >= 1.80":                           true,
		"registeredAt < 2018-06-19":                      true,
		"attribute:ecs.os-type != linux":                 false,
	}
	for s, want := range tests {
		e, err := expr.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.Eval(in.Target()); got != want {
			t.Errorf("Eval(%q) on Instance = %v, want %v", s, got, want)
		}
	}
}

func TestDemandValidate(t *testing.T) {
	e := mustExpr(t, "agentConnected == true")
	tests := []struct {
		name string
		d    Demand
		ok   bool
	}{
		{"plain", task(), true},
		{"all strategies", task(strategies("random", "spread host", "spread instanceId", "binpack cpu", "spread attribute:x")), true},
		{"six strategies", task(strategies("random", "random", "random", "random", "random", "random")), false},
		{"unknown type", task(strategies("pack cpu")), false},
		{"binpack field", task(strategies("binpack disk")), false},
		{"spread field", task(strategies("spread zone")), false},
		{"spread empty attribute", task(strategies("spread attribute:")), false},
		{"memberOf without expression", Demand{Constraints: []Constraint{{Type: MemberOf}}}, false},
		{"distinct with expression", Demand{Constraints: []Constraint{{Type: DistinctInstance, Expr: e}}}, false},
		{"unknown constraint", Demand{Constraints: []Constraint{{Type: "sameInstance"}}}, false},
		{"negative memory", task(needs(1, -1)), false},
		{"same static port twice", task(ports(PortMapping{ContainerPort: 1, HostPort: 80}, PortMapping{ContainerPort: 2, HostPort: 80, Protocol: TCP})), false},
		{"same static port on both protocols", task(ports(PortMapping{ContainerPort: 1, HostPort: 53}, PortMapping{ContainerPort: 1, HostPort: 53, Protocol: UDP})), true},
		{"bad protocol", task(ports(PortMapping{ContainerPort: 1, Protocol: "sctp"})), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.d.Validate()
			if (err == nil) != tc.ok || err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("Validate() = %v, want ok %v", err, tc.ok)
			}
		})
	}
}
