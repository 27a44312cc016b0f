package placement

import (
	"fmt"
	"testing"
)

// benchCluster returns n instances of 4096 CPU and 16384 MiB spread over
// three zones, half of them t2 instances.
func benchCluster(b *testing.B, n int) *Cluster {
	c := NewCluster()
	for i := range n {
		in := instance(fmt.Sprintf("b%d", i),
			withAZ([]string{"us-east-1a", "us-east-1b", "us-east-1c"}[i%3]),
			withType([]string{"t2.xlarge", "m5.xlarge"}[i/3%2]),
			withAttr("ecs.capability.docker-remote-api.1.44", ""),
		)
		if err := c.Upsert(in); err != nil {
			b.Fatal(err)
		}
	}
	return c
}

// BenchmarkPlace measures placing one task (128 CPU, 512 MiB; 32 fit on
// an instance) per operation into a cluster with room. The tasks stay
// placed; whenever the cluster reaches half its capacity they are all
// released with the timer stopped, so the numbers are placement (choice
// plus reservation and index updates) only.
func BenchmarkPlace(b *testing.B) {
	t2 := "attribute:ecs.instance-type =~ t2.*"
	cases := []struct {
		name  string
		strat []string
		expr  string
	}{
		{"random", []string{"random"}, ""},
		{"spread-instanceId", []string{"spread instanceId"}, ""},
		{"spread-az", []string{"spread attribute:ecs.availability-zone"}, ""},
		{"binpack-memory", []string{"binpack memory"}, ""},
		{"binpack-cpu", []string{"binpack cpu"}, ""},
		{"spread-az,binpack-memory,memberOf-t2", []string{"spread attribute:ecs.availability-zone", "binpack memory"}, t2},
	}
	for _, size := range []int{1000, 10000} {
		for _, tc := range cases {
			b.Run(fmt.Sprintf("n=%d/%s", size, tc.name), func(b *testing.B) {
				c := benchCluster(b, size)
				d := task(strategies(tc.strat...),
					requires(Attribute{Name: "ecs.capability.docker-remote-api.1.44"}, Attribute{Name: "ecs.os-type", Value: "linux"}))
				capacity := size * 32
				if tc.expr != "" {
					d.Constraints = []Constraint{{Type: MemberOf, Expr: mustExpr(b, tc.expr)}}
					capacity /= 2
				}
				r := rng(1)
				held := make([]Placement, 0, capacity/2)
				release := func() {
					for _, p := range held {
						if err := c.Release(p.InstanceID, p.Allocation); err != nil {
							b.Fatal(err)
						}
					}
					held = held[:0]
				}
				// Build the indexes before measuring.
				pls, _ := c.Place(d, 1, r)
				held = append(held, pls...)
				release()
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					pls, fails := c.Place(d, 1, r)
					if len(fails) > 0 {
						b.Fatalf("Place failed: %v", fails)
					}
					held = append(held, pls[0])
					if len(held) == capacity/2 {
						b.StopTimer()
						release()
						b.StartTimer()
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "placements/s")
			})
		}
	}
}
