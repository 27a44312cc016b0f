package placement

import (
	"fmt"
	"testing"
)

func TestRandomChoosesEveryFeasibleInstanceEvenly(t *testing.T) {
	for _, strat := range [][]string{nil, {"random"}, {"random", "binpack memory"}} {
		t.Run(fmt.Sprint(strat), func(t *testing.T) {
			var ins []Instance
			for i := range 40 {
				opts := []instOpt{withCPU(1 << 20), withMemory(1 << 20)}
				switch i % 4 {
				case 1:
					opts = append(opts, withDisconnected())
				case 2:
					opts = append(opts, withRemaining(1<<20, 100)) // too little memory
				}
				ins = append(ins, instance(fmt.Sprintf("i%02d", i), opts...))
			}
			c := newCluster(t, ins...)
			r := rng(7)
			d := task(needs(1, 1000), strategies(strat...))
			hits := map[string]int{}
			const tasks = 4000
			for range tasks {
				name, f := placeOne(t, c, d, r)
				if name == "" {
					t.Fatalf("Place failed: %v", f)
				}
				hits[name]++
			}
			for i := range 40 {
				name, n := fmt.Sprintf("i%02d", i), hits[fmt.Sprintf("i%02d", i)]
				feasible := i%4 == 0 || i%4 == 3
				// 20 feasible instances: 200 tasks each on average.
				if feasible && (n < 120 || n > 280) || !feasible && n != 0 {
					t.Errorf("instance %s got %d of %d tasks, want %s", name, n, tasks, map[bool]string{true: "about 200", false: "0"}[feasible])
				}
			}
		})
	}
}

func TestSpreadInstanceEvensOutGroupTasks(t *testing.T) {
	for _, field := range []string{"instanceId", "host"} {
		t.Run(field, func(t *testing.T) {
			c := newCluster(t,
				instance("a", withGroup("family:web", 2), withGroup("family:db", 9)),
				instance("b"),
				instance("c", withGroup("family:web", 1)),
				instance("d", withGroup("family:db", 3)),
			)
			d := task(strategies("spread " + field))
			r := rng(1)
			// b and d (no web task) come first, in some order.
			first := map[string]bool{}
			for range 2 {
				name, _ := placeOne(t, c, d, r)
				first[name] = true
			}
			if !first["b"] || !first["d"] {
				t.Fatalf("first two tasks on %v, want b and d", first)
			}
			for range 3 {
				placeOne(t, c, d, r)
			}
			for _, name := range []string{"a", "b", "c", "d"} {
				if got := c.nodes[idOf(name)].groups["family:web"]; got != 2 {
					t.Errorf("instance %s has %d web tasks, want 2", name, got)
				}
			}
		})
	}
}

func TestSpreadAttributeEvensOutValues(t *testing.T) {
	c := newCluster(t,
		instance("a1", withAZ("a"), withGroup("family:web", 1)),
		instance("a2", withAZ("a")),
		instance("b1", withAZ("b")),
		instance("c1", withAZ("c")),
		instance("x1"), // no zone: a value of its own
		instance("d1", withAZ("d"), withStatus("DRAINING"), withGroup("family:web", 5)),
	)
	d := task(strategies("spread attribute:ecs.availability-zone"))
	r := rng(3)
	for range 7 {
		if name, f := placeOne(t, c, d, r); name == "" || name == "d1" {
			t.Fatalf("Place = %q, %v, want an ACTIVE instance", name, f)
		}
	}
	perZone := map[string]int{}
	for _, n := range c.nodes {
		if n.status == StatusActive {
			perZone[n.attr("ecs.availability-zone")] += n.groups["family:web"]
		}
	}
	for _, zone := range []string{"a", "b", "c", ""} {
		if perZone[zone] != 2 {
			t.Errorf("zone %q has %d web tasks, want 2 (all: %v)", zone, perZone[zone], perZone)
		}
	}
}

func TestBinpack(t *testing.T) {
	tests := []struct {
		name  string
		field string
		insts []Instance
		d     Demand
		want  []string
	}{
		{"memory least remaining that fits", "memory", []Instance{
			instance("a", withRemaining(4096, 4096)), instance("b", withRemaining(4096, 1024)),
			instance("c", withRemaining(4096, 600)), instance("d", withRemaining(4096, 2048)),
			instance("e", withRemaining(4096, 500)), // too small
		}, task(needs(1, 512)), []string{"c", "b", "b", "d", "d", "d", "d", "a"}},
		{"cpu least remaining that fits", "cpu", []Instance{
			instance("a", withRemaining(1024, 100)), instance("b", withRemaining(300, 100)),
			instance("c", withRemaining(99, 100)),
		}, task(needs(100, 1)), []string{"b", "b", "b", "a"}},
		{"least remaining but other check fails", "memory", []Instance{
			instance("a", withRemaining(4096, 8192)), instance("b", withRemaining(10, 1024)),
			instance("c", withRemaining(4096, 2048), withDisconnected()),
		}, task(needs(128, 512)), []string{"a", "a"}},
		{"case-insensitive field", "MEMORY", []Instance{
			instance("a", withRemaining(4096, 4096)), instance("b", withRemaining(4096, 1024)),
		}, task(needs(1, 512)), []string{"b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCluster(t, tc.insts...)
			tc.d.Strategies = []Strategy{{Type: Binpack, Field: tc.field}}
			r := rng(1)
			for i, want := range tc.want {
				if got, f := placeOne(t, c, tc.d, r); got != want {
					t.Fatalf("task %d on %q (%v), want %q", i, got, f, want)
				}
			}
		})
	}
}

func TestStrategyChains(t *testing.T) {
	tests := []struct {
		name  string
		strat []string
		insts []Instance
		d     Demand
		want  []string
	}{
		{"spread zone then binpack memory", []string{"spread attribute:ecs.availability-zone", "binpack memory"}, []Instance{
			instance("a1", withAZ("a"), withRemaining(4096, 8000)), instance("a2", withAZ("a"), withRemaining(4096, 3000)),
			instance("b1", withAZ("b"), withRemaining(4096, 1000)), instance("b2", withAZ("b"), withRemaining(4096, 6000), withGroup("family:web", 1)),
		}, task(), []string{"a2", "b1", "a2", "a2", "b2"}},
		{"binpack memory then spread instance", []string{"binpack memory", "spread instanceId"}, []Instance{
			instance("a", withRemaining(4096, 2048), withGroup("family:web", 1)),
			instance("b", withRemaining(4096, 2048)),
			instance("c", withRemaining(4096, 2048), withGroup("family:web", 2)),
		}, task(), []string{"b", "b", "b", "b", "a"}},
		{"spread instance then binpack cpu", []string{"spread instanceId", "binpack cpu"}, []Instance{
			instance("a", withRemaining(1000, 4096)), instance("b", withRemaining(500, 4096)), instance("c", withRemaining(2000, 4096)),
		}, task(), []string{"b", "a", "c", "b"}},
		{"spread zone then spread instance", []string{"spread attribute:ecs.availability-zone", "spread instanceId"}, []Instance{
			instance("a1", withAZ("a"), withGroup("family:web", 1)), instance("a2", withAZ("a")), instance("b1", withAZ("b")),
		}, task(), []string{"b1", "a2"}},
		{"binpack memory then binpack cpu", []string{"binpack memory", "binpack cpu"}, []Instance{
			instance("a", withRemaining(900, 2048)), instance("b", withRemaining(500, 2048)), instance("c", withRemaining(100, 4096)),
		}, task(needs(200, 512)), []string{"b", "b", "a"}},
		{"three rules", []string{"spread attribute:ecs.availability-zone", "binpack memory", "spread instanceId"}, []Instance{
			instance("a1", withAZ("a"), withRemaining(4096, 2048), withGroup("family:web", 1)),
			instance("a2", withAZ("a"), withRemaining(4096, 2048)),
			instance("b1", withAZ("b"), withRemaining(4096, 4096), withGroup("family:web", 1)),
		}, task(), []string{"a2", "b1"}},
		{"spread zone then binpack skips a zone with nothing feasible", []string{"spread attribute:ecs.availability-zone", "binpack memory"}, []Instance{
			instance("a1", withAZ("a"), withRemaining(4096, 100)),
			instance("b1", withAZ("b"), withRemaining(4096, 9000), withGroup("family:web", 3)),
			instance("b2", withAZ("b"), withRemaining(4096, 7000)),
		}, task(), []string{"b2", "b2"}},
		{"other groups do not count", []string{"spread attribute:ecs.availability-zone", "binpack cpu"}, []Instance{
			instance("a1", withAZ("a"), withRemaining(500, 4096), withGroup("family:db", 4)),
			instance("b1", withAZ("b"), withRemaining(800, 4096), withGroup("family:web", 1)),
		}, task(), []string{"a1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCluster(t, tc.insts...)
			d := tc.d
			strategies(tc.strat...)(&d)
			r := rng(1)
			for i, want := range tc.want {
				if got, f := placeOne(t, c, d, r); got != want {
					t.Fatalf("task %d on %q (%v), want %q", i, got, f, want)
				}
			}
		})
	}
}

func TestFinalTieIsBrokenAtRandom(t *testing.T) {
	for _, strat := range [][]string{
		{"spread instanceId"}, {"binpack memory"}, {"spread attribute:ecs.availability-zone"},
		{"spread attribute:ecs.availability-zone", "binpack memory"}, {"binpack cpu", "spread instanceId"},
	} {
		t.Run(fmt.Sprint(strat), func(t *testing.T) {
			seen := map[string]bool{}
			for seed := range uint64(60) {
				c := newCluster(t, instance("a", withAZ("x")), instance("b", withAZ("y")), instance("c", withAZ("z")))
				name, f := placeOne(t, c, task(strategies(strat...)), rng(seed))
				if name == "" {
					t.Fatalf("Place failed: %v", f)
				}
				seen[name] = true
			}
			if len(seen) != 3 {
				t.Errorf("tied instances chosen over 60 seeds: %v, want all of a, b, c", seen)
			}
		})
	}
}

func TestRulesAfterRandomAreIgnored(t *testing.T) {
	seen := map[string]bool{}
	r := rng(5)
	for range 50 {
		c := newCluster(t, instance("a", withRemaining(4096, 1024)), instance("b", withRemaining(4096, 8192)))
		name, _ := placeOne(t, c, task(strategies("random", "binpack memory")), r)
		seen[name] = true
	}
	if !seen["a"] || !seen["b"] {
		t.Errorf("random then binpack chose %v, want both a and b over 50 tries", seen)
	}
}
