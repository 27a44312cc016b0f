package control

import (
	"slices"
	"testing"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/placement"
)

// ctr builds a container definition: name, cpu, memory and reservation (0
// = unset), port mappings as containerPort, hostPort pairs (hostPort -1 =
// unset).
func ctr(name string, cpu, mem, res int32, ports ...int32) ecsmodel.ContainerDefinition {
	c := ecsmodel.ContainerDefinition{Name: name, Cpu: cpu}
	if mem > 0 {
		c.Memory = new(mem)
	}
	if res > 0 {
		c.MemoryReservation = new(res)
	}
	for i := 0; i+1 < len(ports); i += 2 {
		pm := ecsmodel.PortMapping{ContainerPort: new(ports[i]), Protocol: "tcp"}
		if ports[i+1] >= 0 {
			pm.HostPort = new(ports[i+1])
		}
		c.PortMappings = append(c.PortMappings, pm)
	}
	return c
}

func TestDemand(t *testing.T) {
	gpu := func(c ecsmodel.ContainerDefinition, n string) ecsmodel.ContainerDefinition {
		c.ResourceRequirements = []ecsmodel.ResourceRequirement{{Type: ecsmodel.ResourceTypeGpu, Value: n}}
		return c
	}
	for _, tc := range []struct {
		name string
		td   ecsmodel.TaskDefinition
		ov   *ecsmodel.TaskOverride
		want placement.Demand
	}{
		{"container sums, reservation before memory",
			ecsmodel.TaskDefinition{ContainerDefinitions: []ecsmodel.ContainerDefinition{ctr("a", 100, 512, 256), ctr("b", 50, 128, 0)}},
			nil, placement.Demand{CPU: 150, Memory: 384}},
		{"task size wins",
			ecsmodel.TaskDefinition{Cpu: "1024", Memory: "2048", ContainerDefinitions: []ecsmodel.ContainerDefinition{ctr("a", 100, 512, 0)}},
			nil, placement.Demand{CPU: 1024, Memory: 2048}},
		{"container overrides",
			ecsmodel.TaskDefinition{ContainerDefinitions: []ecsmodel.ContainerDefinition{ctr("a", 100, 512, 256), ctr("b", 50, 128, 0)}},
			&ecsmodel.TaskOverride{ContainerOverrides: []ecsmodel.ContainerOverride{{Name: "a", Cpu: new(int32(300)), MemoryReservation: new(int32(64))}, {Name: "b", Memory: new(int32(100))}}},
			placement.Demand{CPU: 350, Memory: 164}},
		{"task overrides",
			ecsmodel.TaskDefinition{Cpu: "256", Memory: "512", ContainerDefinitions: []ecsmodel.ContainerDefinition{ctr("a", 0, 0, 0)}},
			&ecsmodel.TaskOverride{Cpu: "1 vcpu", Memory: "3GB"},
			placement.Demand{CPU: 1024, Memory: 3072}},
		{"bridge ports: static and dynamic",
			ecsmodel.TaskDefinition{ContainerDefinitions: []ecsmodel.ContainerDefinition{ctr("a", 0, 64, 0, 80, 8080, 81, 0, 82, -1)}},
			nil, placement.Demand{Memory: 64, Ports: []placement.PortMapping{{ContainerPort: 80, HostPort: 8080, Protocol: "tcp"}, {ContainerPort: 81, Protocol: "tcp"}, {ContainerPort: 82, Protocol: "tcp"}}}},
		{"host ports",
			ecsmodel.TaskDefinition{NetworkMode: "host", ContainerDefinitions: []ecsmodel.ContainerDefinition{ctr("a", 0, 64, 0, 80, 80)}},
			nil, placement.Demand{Memory: 64, Ports: []placement.PortMapping{{ContainerPort: 80, HostPort: 80, Protocol: "tcp"}}}},
		{"awsvpc reserves no host port",
			ecsmodel.TaskDefinition{NetworkMode: "awsvpc", ContainerDefinitions: []ecsmodel.ContainerDefinition{ctr("a", 0, 64, 0, 80, 80)}},
			nil, placement.Demand{Memory: 64}},
		{"GPUs, override replacing",
			ecsmodel.TaskDefinition{ContainerDefinitions: []ecsmodel.ContainerDefinition{gpu(ctr("a", 0, 64, 0), "2"), gpu(ctr("b", 0, 64, 0), "1")}},
			&ecsmodel.TaskOverride{ContainerOverrides: []ecsmodel.ContainerOverride{{Name: "b", ResourceRequirements: []ecsmodel.ResourceRequirement{{Type: "GPU", Value: "3"}}}}},
			placement.Demand{Memory: 128, GPUs: 5}},
		{"required attributes",
			ecsmodel.TaskDefinition{RequiresAttributes: []ecsmodel.Attribute{{Name: "ecs.capability.task-eni"}, {Name: "stack", Value: "blue"}}, ContainerDefinitions: []ecsmodel.ContainerDefinition{ctr("a", 0, 64, 0)}},
			nil, placement.Demand{Memory: 64, RequiredAttributes: []placement.Attribute{{Name: "ecs.capability.task-eni"}, {Name: "stack", Value: "blue"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := effectiveOf(&tc.td, tc.ov)
			got := e.demand(&tc.td)
			if got.CPU != tc.want.CPU || got.Memory != tc.want.Memory || got.GPUs != tc.want.GPUs ||
				!slices.Equal(got.Ports, tc.want.Ports) || !slices.Equal(got.RequiredAttributes, tc.want.RequiredAttributes) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestHostPortAssignments(t *testing.T) {
	td := ecsmodel.TaskDefinition{ContainerDefinitions: []ecsmodel.ContainerDefinition{ctr("a", 0, 64, 0, 80, 8080, 81, 0), ctr("b", 0, 64, 0, 53, 0)}}
	td.ContainerDefinitions[1].PortMappings[0].Protocol = "udp"
	e := effectiveOf(&td, nil)
	got := e.hostPorts([]placement.PortBinding{{ContainerPort: 80, HostPort: 8080}, {ContainerPort: 81, HostPort: 49153}, {ContainerPort: 53, HostPort: 49160}})
	want := []hostPortAssignment{
		{Container: "a", ContainerPort: 80, HostPort: 8080, Protocol: "tcp"},
		{Container: "a", ContainerPort: 81, HostPort: 49153, Protocol: "tcp"},
		{Container: "b", ContainerPort: 53, HostPort: 49160, Protocol: "udp"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
