package placement

import (
	"slices"
	"testing"

	"github.com/berth-io/berth/internal/placement/expr"
)

func TestChecks(t *testing.T) {
	memo := &memoTable{ids: map[string]int{}}
	t2 := mustExpr(t, "attribute:ecs.instance-type =~ t2.*")
	busy := mustExpr(t, "runningTasksCount < 2")
	tests := []struct {
		name       string
		check      checker
		inst       Instance
		wantOK     bool
		wantReason Reason
		wantClose  int64 // checked only when !wantOK
	}{
		{"agent connected", agentCheck{}, instance("a"), true, "", 0},
		{"agent disconnected", agentCheck{}, instance("a", withDisconnected()), false, ReasonAgent, 0},

		{"attribute present", attributeCheck{[]Attribute{{Name: "ecs.capability.efs"}}},
			instance("a", withAttr("ecs.capability.efs", "")), true, "", 0},
		{"attribute missing", attributeCheck{[]Attribute{{Name: "ecs.os-type"}, {Name: "ecs.capability.efs"}}},
			instance("a"), false, ReasonAttribute, 1},
		{"attribute value matches", attributeCheck{[]Attribute{{Name: "ecs.os-type", Value: "linux"}}},
			instance("a"), true, "", 0},
		{"attribute value differs", attributeCheck{[]Attribute{{Name: "ecs.os-type", Value: "windows"}}},
			instance("a"), false, ReasonAttribute, 0},

		{"cpu fits exactly", cpuCheck{1024}, instance("a", withRemaining(1024, 1)), true, "", 0},
		{"cpu short", cpuCheck{1025}, instance("a", withRemaining(1024, 1)), false, ReasonCPU, 1024},
		{"memory fits", memoryCheck{512}, instance("a", withRemaining(0, 512)), true, "", 0},
		{"memory short", memoryCheck{513}, instance("a", withRemaining(0, 512)), false, ReasonMemory, 512},

		{"gpu free", gpuCheck{1}, instance("a", withGPUs("g0", "g1"), withUsedGPUs("g0")), true, "", 0},
		{"gpu all used", gpuCheck{2}, instance("a", withGPUs("g0", "g1"), withUsedGPUs("g0")), false, ReasonGPU, 1},
		{"gpu none", gpuCheck{1}, instance("a"), false, ReasonGPU, 0},

		{"static port free", portsCheck{proto: protoTCP, static: []uint16{80}}, instance("a"), true, "", 0},
		{"static port reserved", portsCheck{proto: protoTCP, static: []uint16{80, 22}},
			instance("a"), false, ReasonPorts, 1},
		{"static port held by a task", portsCheck{proto: protoTCP, static: []uint16{8080}},
			instance("a", withUsedPorts([]uint16{8080}, nil)), false, ReasonPorts, 0},
		{"udp port taken", portsCheck{proto: protoUDP, static: []uint16{53}},
			instance("a", withUsedPorts(nil, []uint16{53})), false, ReasonPortsUDP, 0},
		{"udp port free although tcp taken", portsCheck{proto: protoUDP, static: []uint16{53}},
			instance("a", withUsedPorts([]uint16{53}, nil)), true, "", 0},
		{"dynamic ports available", portsCheck{proto: protoTCP, dynamic: 3}, instance("a"), true, "", 0},
		{"dynamic ports exhausted", portsCheck{proto: protoTCP, dynamic: 2},
			instance("a", withReservedPorts(nil, nil), withUsedPorts(portRange(EphemeralPortLow, EphemeralPortHigh-1), nil)), false, ReasonPorts, 1},
		{"static ephemeral port uses the last free one", portsCheck{proto: protoTCP, static: []uint16{EphemeralPortHigh}, dynamic: 1},
			instance("a", withReservedPorts(nil, nil), withUsedPorts(portRange(EphemeralPortLow, EphemeralPortHigh-1), nil)), false, ReasonPorts, 1},

		{"distinct free", distinctCheck{"family:web"}, instance("a", withGroup("family:db", 1)), true, "", 0},
		{"distinct taken", distinctCheck{"family:web"}, instance("a", withGroup("family:web", 2)), false, ReasonDistinctInstance, -2},

		{"memberOf holds", memberOfCheck{exprs: []*expr.Expr{t2}, ids: []int{memo.id(t2)}, memo: memo},
			instance("a", withType("t2.micro")), true, "", 0},
		{"memberOf fails", memberOfCheck{exprs: []*expr.Expr{t2}, ids: []int{memo.id(t2)}, memo: memo},
			instance("a", withType("m5.large")), false, ReasonMemberOf, 0},
		{"memberOf one of two fails", memberOfCheck{exprs: []*expr.Expr{t2, busy}, ids: []int{memo.id(t2), memo.id(busy)}, memo: memo},
			instance("a", withType("t2.micro"), withGroup("x", 2)), false, ReasonMemberOf, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := nodeOf(tc.inst)
			ok, reason := tc.check.Feasible(n)
			if ok != tc.wantOK || reason != tc.wantReason {
				t.Fatalf("%s.Feasible = %v, %q, want %v, %q", tc.check.Name(), ok, reason, tc.wantOK, tc.wantReason)
			}
			if !ok {
				if got := tc.check.closeness(n); got != tc.wantClose {
					t.Errorf("%s.closeness = %d, want %d", tc.check.Name(), got, tc.wantClose)
				}
				if got := stageReasons[tc.check.stage()]; got != tc.wantReason {
					t.Errorf("stage reason = %q, want %q", got, tc.wantReason)
				}
			}
		})
	}
}

func TestBuildChecksOrder(t *testing.T) {
	memo := &memoTable{ids: map[string]int{}}
	d := task(requires(Attribute{Name: "x"}), gpus(1), distinct(), memberOf(mustExpr(t, "agentConnected == true")),
		ports(PortMapping{ContainerPort: 53, HostPort: 53, Protocol: UDP}, PortMapping{ContainerPort: 80}))
	want := []string{"agent", "attribute", "cpu", "memory", "gpu", "ports-tcp", "ports-udp", "distinct-instance", "member-of"}
	got := names(buildChecks(&d, memo, true))
	if !slices.Equal(got, want) {
		t.Errorf("checks = %q, want %q", got, want)
	}
	want = []string{"agent", "attribute", "cpu", "memory", "gpu", "ports-tcp", "ports-udp"}
	if got := names(buildChecks(&d, memo, false)); !slices.Equal(got, want) {
		t.Errorf("checks without constraints = %q, want %q", got, want)
	}
	bare := Demand{}
	if got := names(buildChecks(&bare, memo, true)); !slices.Equal(got, []string{"agent"}) {
		t.Errorf("checks of an empty demand = %q, want [agent]", got)
	}
}

func TestMemoCachesUntilUpsert(t *testing.T) {
	c := newCluster(t, instance("a", withType("t2.micro")))
	d := task(memberOf(mustExpr(t, "attribute:ecs.instance-type =~ t2.*")))
	if got, f := placeOne(t, c, d, rng(1)); got != "a" {
		t.Fatalf("Place on t2 = %q (%v), want a", got, f)
	}
	// The attribute changes: the cached true must not survive the upsert.
	if err := c.Upsert(instance("a", withType("m5.large"))); err != nil {
		t.Fatal(err)
	}
	if got, f := placeOne(t, c, d, rng(1)); got != "" || f.Reason != ReasonMemberOf {
		t.Errorf("Place after type change = %q, %v, want a memberOf failure", got, f)
	}
}

func TestMemoRestartKeepsResultsApart(t *testing.T) {
	c := newCluster(t, instance("a", withType("t2.micro")))
	// Fill the memo table with other expressions, then check that results
	// are still per expression after it restarts.
	for i := range maxMemo + 3 {
		e := mustExpr(t, "attribute:n"+string(rune('a'+i%26))+string(rune('a'+i/26))+" !exists")
		if got, f := placeOne(t, c, task(needs(0, 0), memberOf(e)), rng(1)); got != "a" {
			t.Fatalf("Place with %s = %q, %v, want a", e, got, f)
		}
	}
	no := mustExpr(t, "attribute:ecs.instance-type == m5.large")
	if got, f := placeOne(t, c, task(memberOf(no)), rng(1)); got != "" || f.Reason != ReasonMemberOf {
		t.Errorf("Place with %s = %q, %v, want a memberOf failure", no, got, f)
	}
}

func names(cs []checker) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name())
	}
	return out
}

func portRange(lo, hi int) []uint16 {
	var out []uint16
	for p := lo; p <= hi; p++ {
		out = append(out, uint16(p))
	}
	return out
}
