package placement

import (
	"slices"
	"testing"
)

func TestHostPortAssignment(t *testing.T) {
	tests := []struct {
		name    string
		inst    Instance
		d       Demand
		count   int
		want    [][]PortBinding // per task
		wantTCP [][]uint16      // Allocation.Ports per task
	}{
		{"static as given", instance("a"),
			task(ports(PortMapping{ContainerPort: 8080, HostPort: 80})), 1,
			[][]PortBinding{{{8080, 80, TCP}}}, [][]uint16{{80}}},
		{"dynamic from the start of the ephemeral range", instance("a"),
			task(ports(PortMapping{ContainerPort: 80}, PortMapping{ContainerPort: 443, Protocol: TCP})), 2,
			[][]PortBinding{{{80, 49153, TCP}, {443, 49154, TCP}}, {{80, 49155, TCP}, {443, 49156, TCP}}},
			[][]uint16{{49153, 49154}, {49155, 49156}}},
		{"dynamic skips reserved and held ports", instance("a",
			withReservedPorts([]uint16{22, 49153}, nil), withUsedPorts([]uint16{49154, 49156}, nil)),
			task(ports(PortMapping{ContainerPort: 80}, PortMapping{ContainerPort: 81})), 1,
			[][]PortBinding{{{80, 49155, TCP}, {81, 49157, TCP}}}, [][]uint16{{49155, 49157}}},
		{"dynamic skips the task's own static port", instance("a", withReservedPorts(nil, nil)),
			task(ports(PortMapping{ContainerPort: 80}, PortMapping{ContainerPort: 9000, HostPort: 49153})), 1,
			[][]PortBinding{{{80, 49154, TCP}, {9000, 49153, TCP}}}, [][]uint16{{49153, 49154}}},
		{"udp has its own ports", instance("a", withUsedPorts([]uint16{49153}, nil)),
			task(ports(PortMapping{ContainerPort: 53, Protocol: UDP}, PortMapping{ContainerPort: 80})), 1,
			[][]PortBinding{{{53, 49153, UDP}, {80, 49154, TCP}}}, [][]uint16{{49154}}},
		{"wraps around at the top", instance("a", withUsedPorts(portRange(EphemeralPortLow, EphemeralPortHigh-2), nil), withReservedPorts(nil, nil)),
			task(ports(PortMapping{ContainerPort: 1})), 2,
			[][]PortBinding{{{1, 65534, TCP}}, {{1, 65535, TCP}}}, [][]uint16{{65534}, {65535}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCluster(t, tc.inst)
			pls, fails := c.Place(tc.d, tc.count, rng(1))
			if len(fails) != 0 || len(pls) != tc.count {
				t.Fatalf("Place = %d placements, failures %v, want %d placements", len(pls), fails, tc.count)
			}
			for i, pl := range pls {
				if !slices.Equal(pl.HostPorts, tc.want[i]) {
					t.Errorf("task %d HostPorts = %v, want %v", i, pl.HostPorts, tc.want[i])
				}
				if !slices.Equal(pl.Allocation.Ports, tc.wantTCP[i]) {
					t.Errorf("task %d Allocation.Ports = %v, want %v", i, pl.Allocation.Ports, tc.wantTCP[i])
				}
			}
			// A third task with the same static port must not fit.
			for _, m := range tc.d.Ports {
				if m.HostPort != 0 {
					if _, fails := c.Place(tc.d, 1, rng(1)); len(fails) != 1 || fails[0].Reason != ReasonPorts {
						t.Errorf("Place with taken static port failures = %v, want RESOURCE:PORTS", fails)
					}
					break
				}
			}
		})
	}
}

func TestDynamicPortsReturnAfterRelease(t *testing.T) {
	c := newCluster(t, instance("a", withReservedPorts(nil, nil),
		withUsedPorts(portRange(EphemeralPortLow, EphemeralPortHigh-1), nil)))
	d := task(ports(PortMapping{ContainerPort: 80}))
	pls, _ := c.Place(d, 1, rng(1))
	if len(pls) != 1 || pls[0].HostPorts[0].HostPort != EphemeralPortHigh {
		t.Fatalf("Place = %v, want host port %d", pls, EphemeralPortHigh)
	}
	if _, fails := c.Place(d, 1, rng(1)); len(fails) != 1 || fails[0].Reason != ReasonPorts {
		t.Fatalf("Place with no free ephemeral port failures = %v, want RESOURCE:PORTS", fails)
	}
	if err := c.Release(pls[0].InstanceID, pls[0].Allocation); err != nil {
		t.Fatal(err)
	}
	pls, _ = c.Place(d, 1, rng(1))
	if len(pls) != 1 || pls[0].HostPorts[0].HostPort != EphemeralPortHigh {
		t.Errorf("Place after release = %v, want host port %d again", pls, EphemeralPortHigh)
	}
}

func TestGPUAssignment(t *testing.T) {
	c := newCluster(t, instance("a", withGPUs("gpu-2", "gpu-0", "gpu-1", "gpu-3"), withUsedGPUs("gpu-1")))
	pls, fails := c.Place(task(gpus(2)), 2, rng(1))
	if len(pls) != 1 || len(fails) != 1 || fails[0].Reason != ReasonGPU {
		t.Fatalf("Place(2 tasks of 2 GPUs) = %v, %v, want one placement and a RESOURCE:GPU failure", pls, fails)
	}
	if want := []string{"gpu-0", "gpu-2"}; !slices.Equal(pls[0].GPUIDs, want) || !slices.Equal(pls[0].Allocation.GPUIDs, want) {
		t.Errorf("GPUIDs = %v (allocation %v), want %v", pls[0].GPUIDs, pls[0].Allocation.GPUIDs, want)
	}
	if err := c.Release(pls[0].InstanceID, pls[0].Allocation); err != nil {
		t.Fatal(err)
	}
	pls, _ = c.Place(task(gpus(3)), 1, rng(1))
	if want := []string{"gpu-0", "gpu-2", "gpu-3"}; len(pls) != 1 || !slices.Equal(pls[0].GPUIDs, want) {
		t.Errorf("Place(3 GPUs) after release = %v, want GPUs %v", pls, want)
	}
}
