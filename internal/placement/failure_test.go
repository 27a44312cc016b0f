package placement

import (
	"testing"
)

func TestFailureReasonAndClosestInstance(t *testing.T) {
	web := "family:web"
	tests := []struct {
		name     string
		insts    []Instance
		d        Demand
		wantArn  string // instance name, "" for none
		wantWhy  Reason
		provider string
	}{
		{"agent", []Instance{instance("a", withDisconnected())}, task(), "a", ReasonAgent, ""},
		{"attribute beats agent", []Instance{instance("a", withDisconnected()), instance("b")},
			task(requires(Attribute{Name: "ecs.capability.efs"})), "b", ReasonAttribute, ""},
		{"more attributes present is closer", []Instance{
			instance("a"), instance("b", withAttr("x", "")), instance("c", withAttr("y", "")),
		}, task(requires(Attribute{Name: "x"}, Attribute{Name: "y"}, Attribute{Name: "ecs.os-type"})), "b", ReasonAttribute, ""},
		{"cpu: most remaining cpu", []Instance{
			instance("a", withRemaining(100, 9000)), instance("b", withRemaining(120, 100)), instance("c", withRemaining(50, 9000)),
		}, task(needs(128, 512)), "b", ReasonCPU, ""},
		{"memory beats cpu", []Instance{
			instance("a", withRemaining(100, 9000)), instance("b", withRemaining(4096, 100)),
		}, task(needs(128, 512)), "b", ReasonMemory, ""},
		{"memory: most remaining memory", []Instance{
			instance("a", withRemaining(4096, 100)), instance("b", withRemaining(4096, 400)), instance("c", withRemaining(4096, 300)),
		}, task(needs(128, 512)), "b", ReasonMemory, ""},
		{"gpu", []Instance{
			instance("a", withGPUs("g0")), instance("b", withGPUs("g0", "g1", "g2"), withUsedGPUs("g0")),
		}, task(gpus(3)), "b", ReasonGPU, ""},
		{"ports: fewer conflicts is closer", []Instance{
			instance("a", withUsedPorts([]uint16{80, 443}, nil)), instance("b", withUsedPorts([]uint16{443}, nil)),
		}, task(ports(PortMapping{ContainerPort: 80, HostPort: 80}, PortMapping{ContainerPort: 443, HostPort: 443})), "b", ReasonPorts, ""},
		{"udp ports", []Instance{instance("a", withUsedPorts(nil, []uint16{53}))},
			task(ports(PortMapping{ContainerPort: 53, HostPort: 53, Protocol: UDP})), "a", ReasonPortsUDP, ""},
		{"udp beats tcp", []Instance{
			instance("a", withUsedPorts([]uint16{80}, nil)), instance("b", withUsedPorts(nil, []uint16{53})),
		}, task(ports(PortMapping{ContainerPort: 80, HostPort: 80}, PortMapping{ContainerPort: 53, HostPort: 53, Protocol: UDP})), "b", ReasonPortsUDP, ""},
		{"distinct instance: fewest group tasks", []Instance{
			instance("a", withGroup(web, 3)), instance("b", withGroup(web, 1)), instance("c", withRemaining(1, 1)),
		}, task(distinct()), "b", ReasonDistinctInstance, ""},
		{"memberOf is the latest stage", []Instance{
			instance("a", withGroup(web, 1)), instance("b", withType("m5.large")), instance("c", withRemaining(1, 1)),
		}, task(distinct(), memberOf(mustExpr(t, "attribute:ecs.instance-type =~ t2.*"))), "b", ReasonMemberOf, ""},
		{"ties go to the smallest ARN", []Instance{
			instance("c", withRemaining(4096, 100)), instance("a", withRemaining(4096, 100)), instance("b", withRemaining(4096, 100)),
		}, task(), "a", ReasonMemory, ""},
		{"draining instances are not candidates", []Instance{
			instance("a", withStatus("DRAINING")), instance("b", withRemaining(4096, 1)),
		}, task(), "b", ReasonMemory, ""},
		{"no active instance", []Instance{instance("a", withStatus("DRAINING"))}, task(), "", ReasonNoActiveInstances, ""},
		{"empty cluster", nil, task(), "", ReasonNoActiveInstances, ""},
		{"empty capacity provider", []Instance{instance("a")}, task(), "", ReasonEmptyCapacityProvider, "cp"},
		{"capacity provider without active instances", []Instance{instance("a", withProvider("cp"), withStatus("DRAINING"))},
			task(), "", ReasonNoActiveInstances, "cp"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCluster(t, tc.insts...)
			d := tc.d
			d.CapacityProvider = tc.provider
			pls, fails := c.Place(d, 3, rng(1))
			if len(pls) != 0 || len(fails) != 3 {
				t.Fatalf("Place(3) = %d placements, %d failures, want 0 and 3", len(pls), len(fails))
			}
			want := Failure{Reason: tc.wantWhy}
			if tc.wantArn != "" {
				want.Arn = arnOf(tc.wantArn)
			}
			for i, f := range fails {
				if f != want {
					t.Errorf("failure %d = %+v, want %+v", i, f, want)
				}
			}
			if tc.wantArn != "" && c.Rejections()[tc.wantWhy] == 0 {
				t.Errorf("Rejections()[%q] = 0, want > 0 (all: %v)", tc.wantWhy, c.Rejections())
			}
		})
	}
}

func TestPartialPlacement(t *testing.T) {
	c := newCluster(t, instance("a", withRemaining(4096, 1100)), instance("b", withRemaining(4096, 600)))
	pls, fails := c.Place(task(needs(10, 512)), 5, rng(1))
	if len(pls) != 3 || len(fails) != 2 {
		t.Fatalf("Place(5) = %d placements, %d failures, want 3 and 2", len(pls), len(fails))
	}
	// a has 76 MiB left, b 88: b is the closest.
	want := Failure{Arn: arnOf("b"), Reason: ReasonMemory}
	for _, f := range fails {
		if f != want {
			t.Errorf("failure = %+v, want %+v", f, want)
		}
	}
}

func TestRejectionCounts(t *testing.T) {
	c := newCluster(t,
		instance("a", withDisconnected()),
		instance("b", withRemaining(1, 9000)),
		instance("c", withRemaining(4096, 1)),
		instance("d", withType("m5.large")),
	)
	c.Place(task(memberOf(mustExpr(t, "attribute:ecs.instance-type == t2.micro"))), 1, rng(1))
	got := c.Rejections()
	// Four instances are scanned once by the uniform pick and once more to
	// name the closest.
	want := map[Reason]uint64{ReasonAgent: 2, ReasonCPU: 2, ReasonMemory: 2, ReasonMemberOf: 2}
	if len(got) != len(want) {
		t.Fatalf("Rejections() = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("Rejections()[%q] = %d, want %d", k, got[k], v)
		}
	}
}
