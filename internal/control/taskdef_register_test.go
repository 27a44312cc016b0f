package control_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

// tdCase is one RegisterTaskDefinition case: the request's options, the
// error wanted (code and, when known, message) or a check of the result.
type tdCase struct {
	name    string
	opts    []ecstest.TaskDefOption
	code    string
	message string
	check   func(t *testing.T, td *ecsmodel.TaskDefinition)
}

func runTaskDefCases(t *testing.T, cases []tdCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			out, err := e.svc.RegisterTaskDefinition(e.ctx, ecstest.TaskDefinition(tc.opts...))
			if tc.message != "" {
				wantError(t, err, tc.code, tc.message)
				return
			}
			wantCode(t, err, tc.code)
			if tc.code == "" && tc.check != nil {
				tc.check(t, out.TaskDefinition)
			}
		})
	}
}

// containerNames returns n containers named c0..c(n-1).
func containerNames(n int) []ecsmodel.ContainerDefinition {
	var cs []ecsmodel.ContainerDefinition
	for i := range n {
		cs = append(cs, ecstest.Container(fmt.Sprintf("c%d", i)))
	}
	return cs
}

func TestRegisterTaskDefinitionBasics(t *testing.T) {
	const client = ecs.CodeClient
	runTaskDefCases(t, []tdCase{
		{name: "defaults", check: func(t *testing.T, td *ecsmodel.TaskDefinition) {
			if td.Family != "web" || td.Revision != 1 || td.Status != "ACTIVE" || td.TaskDefinitionArn != "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1" {
				t.Errorf("got %s:%d %s %s, want web:1 ACTIVE with its ARN", td.Family, td.Revision, td.Status, td.TaskDefinitionArn)
			}
			if !td.RegisteredAt.Equal(t0.Truncate(1e6)) || td.RegisteredBy != "arn:aws:iam::123456789012:root" {
				t.Errorf("got registeredAt %v by %s, want %v by the account root", td.RegisteredAt, td.RegisteredBy, t0)
			}
			c := td.ContainerDefinitions[0]
			if c.Essential == nil || !*c.Essential || c.PortMappings == nil || c.Environment == nil || c.MountPoints == nil || c.VolumesFrom == nil {
				t.Errorf("got container %+v, want essential true and empty lists filled in", c)
			}
			if !slices.Equal(td.Compatibilities, []ecsmodel.Compatibility{"EC2", "EXTERNAL"}) {
				t.Errorf("got compatibilities %v, want [EC2 EXTERNAL]", td.Compatibilities)
			}
			if td.Volumes == nil || td.PlacementConstraints == nil {
				t.Errorf("got volumes %v placementConstraints %v, want empty lists", td.Volumes, td.PlacementConstraints)
			}
		}},
		{name: "blank family", opts: []ecstest.TaskDefOption{ecstest.Family("")}, code: client, message: "Family can not be blank."},
		{name: "family with a space", opts: []ecstest.TaskDefOption{ecstest.Family("my family")}, code: client, message: "Family contains invalid characters."},
		{name: "family with a colon", opts: []ecstest.TaskDefOption{ecstest.Family("web:1")}, code: client, message: "Family contains invalid characters."},
		{name: "family of 255 characters", opts: []ecstest.TaskDefOption{ecstest.Family(strings.Repeat("f", 255))}},
		{name: "family of 256 characters", opts: []ecstest.TaskDefOption{ecstest.Family(strings.Repeat("f", 256))}, code: client},
		{name: "no containers", opts: []ecstest.TaskDefOption{ecstest.Containers()}, code: client, message: "Container list cannot be empty."},
		{name: "10 containers", opts: []ecstest.TaskDefOption{ecstest.Containers(containerNames(10)...)}},
		{name: "11 containers", opts: []ecstest.TaskDefOption{ecstest.Containers(containerNames(11)...)}, code: client, message: "Too many containers."},
		{name: "container without a name", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container(""))}, code: client, message: "Container.name should not be null or empty."},
		{name: "container name with a dot", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("a.b"))}, code: client, message: "Container.name contains invalid characters."},
		{name: "duplicate container names", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("a"), ecstest.Container("a"))}, code: client, message: "Container names must be unique within a Task Definition."},
		{name: "container without an image", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("a", ecstest.Image("")))}, code: client, message: "Container.image should not be null or empty."},
		{name: "no essential container", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("a", ecstest.Essential(false)), ecstest.Container("b", ecstest.Essential(false)))}, code: client, message: "Task definition doesn't have any essential container."},
		{name: "essential by default next to a non-essential one", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("a", ecstest.Essential(false)), ecstest.Container("b"))}},
		{name: "tag with aws: prefix", opts: []ecstest.TaskDefOption{ecstest.TaskDefTags(ecstest.Tags("aws:x", "1")...)}, code: ecs.CodeInvalidParameter},
		{name: "larger than 64 KiB", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("a", func(c *ecsmodel.ContainerDefinition) {
			c.Command = []string{strings.Repeat("x", 70_000)}
		}))}, code: client},
		{name: "volumes and mounts", opts: []ecstest.TaskDefOption{ecstest.Volumes("data"), ecstest.Containers(ecstest.Container("a", ecstest.Mount("data", "/data")))}},
		{name: "mount of an unknown volume", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("a", ecstest.Mount("data", "/data")))}, code: client, message: "Invalid setting for container 'a'. Unknown volume 'data'."},
		{name: "duplicate volume names", opts: []ecstest.TaskDefOption{ecstest.Volumes("v", "v")}, code: client},
		{name: "dependency on an unknown container", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("a", ecstest.DependsOn("b", ecsmodel.ContainerConditionStart)))}, code: client},
		{name: "SUCCESS dependency on an essential container", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("a", ecstest.DependsOn("init", ecsmodel.ContainerConditionSuccess)), ecstest.Container("init"))},
			code: client, message: "A dependency container with SUCCESS or COMPLETE condition cannot be an essential container"},
		{name: "SUCCESS dependency on a non-essential container", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("a", ecstest.DependsOn("init", ecsmodel.ContainerConditionSuccess)), ecstest.Container("init", ecstest.Essential(false)))},
			check: wantRequiredAttribute("ecs.capability.container-ordering")},
	})
}

func TestRegisterTaskDefinitionMemoryAndCPU(t *testing.T) {
	const client = ecs.CodeClient
	runTaskDefCases(t, []tdCase{
		{name: "no container memory on EC2", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("app", ecstest.NoMemory()))}, code: client,
			message: "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified."},
		{name: "no container memory but task memory", opts: []ecstest.TaskDefOption{ecstest.TaskSize("", "512"), ecstest.Containers(ecstest.Container("app", ecstest.NoMemory()))}},
		{name: "reservation only", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("app", ecstest.NoMemory(), ecstest.MemoryReservation(64)))}},
		{name: "memory below reservation", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("app", ecstest.Memory(64), ecstest.MemoryReservation(128)))}, code: client},
		{name: "memory equal to reservation", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("app", ecstest.Memory(128), ecstest.MemoryReservation(128)))}},
		{name: "zero memory", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("app", ecstest.Memory(0)))}, code: client},
		{name: "negative container cpu", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("app", ecstest.CPU(-1)))}, code: client},
		{name: "vCPU and GB sizes", opts: []ecstest.TaskDefOption{ecstest.TaskSize("1 vCPU", "2GB")}, check: wantSize("1024", "2048")},
		{name: "fractional sizes", opts: []ecstest.TaskDefOption{ecstest.TaskSize(".5 vcpu", "0.5 GB")}, check: wantSize("512", "512")},
		{name: "unit sizes", opts: []ecstest.TaskDefOption{ecstest.TaskSize("256", "300")}, check: wantSize("256", "300")},
		{name: "cpu not a number", opts: []ecstest.TaskDefOption{ecstest.TaskSize("lots", "")}, code: client,
			message: "Invalid 'cpu' setting for task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."},
		{name: "cpu below 128 units on EC2", opts: []ecstest.TaskDefOption{ecstest.TaskSize("64", "")}, code: client},
		{name: "cpu above 192 vCPU on EC2", opts: []ecstest.TaskDefOption{ecstest.TaskSize("193 vCPU", "")}, code: client},
		{name: "memory in TB", opts: []ecstest.TaskDefOption{ecstest.TaskSize("", "1TB")}, code: client,
			message: "Invalid 'memory' setting for task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."},
		{name: "container cpu above task cpu", opts: []ecstest.TaskDefOption{ecstest.TaskSize("256", ""), ecstest.Containers(ecstest.Container("a", ecstest.CPU(200)), ecstest.Container("b", ecstest.CPU(100)))}, code: client,
			message: "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'."},
		{name: "container cpu equal to task cpu", opts: []ecstest.TaskDefOption{ecstest.TaskSize("256", ""), ecstest.Containers(ecstest.Container("a", ecstest.CPU(156)), ecstest.Container("b", ecstest.CPU(100)))}},
	})
}

func TestRegisterTaskDefinitionFargate(t *testing.T) {
	const client = ecs.CodeClient
	runTaskDefCases(t, []tdCase{
		{name: "fargate", opts: []ecstest.TaskDefOption{ecstest.Fargate()}, check: func(t *testing.T, td *ecsmodel.TaskDefinition) {
			if !slices.Equal(td.Compatibilities, []ecsmodel.Compatibility{"EC2", "FARGATE"}) {
				t.Errorf("got compatibilities %v, want [EC2 FARGATE]", td.Compatibilities)
			}
			wantRequiredAttribute("ecs.capability.task-eni")(t, td)
		}},
		{name: "fargate needs awsvpc", opts: []ecstest.TaskDefOption{ecstest.Fargate(), ecstest.NetworkMode(ecsmodel.NetworkModeBridge)}, code: client, message: "Fargate only supports network mode 'awsvpc'."},
		{name: "fargate needs cpu", opts: []ecstest.TaskDefOption{ecstest.Fargate(), ecstest.TaskSize("", "512")}, code: client, message: "Fargate requires that 'cpu' be defined at the task level."},
		{name: "fargate needs memory", opts: []ecstest.TaskDefOption{ecstest.Fargate(), ecstest.TaskSize("256", "")}, code: client, message: "Fargate requires that 'memory' be defined at the task level."},
		{name: "fargate size that does not exist", opts: []ecstest.TaskDefOption{ecstest.Fargate(), ecstest.TaskSize("512", "512")}, code: client,
			message: "No Fargate configuration exists for given values: 512 CPU, 512 memory. See the Amazon ECS documentation for the valid values."},
		{name: "fargate 256 CPU with 1536 MiB", opts: []ecstest.TaskDefOption{ecstest.Fargate(), ecstest.TaskSize("256", "1536")}, code: client},
		{name: "fargate 4 vCPU with 30 GB", opts: []ecstest.TaskDefOption{ecstest.Fargate(), ecstest.TaskSize("4 vCPU", "30GB"), ecstest.Containers(ecstest.Container("app", ecstest.NoMemory()))}, check: wantSize("4096", "30720")},
		{name: "fargate 16 vCPU with 120 GB", opts: []ecstest.TaskDefOption{ecstest.Fargate(), ecstest.TaskSize("16384", "122880")}},
		{name: "fargate with a placement constraint", opts: []ecstest.TaskDefOption{ecstest.Fargate(), ecstest.MemberOf("attribute:ecs.instance-type == t3.micro")}, code: client},
		{name: "awsvpc with a fargate size is fargate compatible", opts: []ecstest.TaskDefOption{ecstest.NetworkMode(ecsmodel.NetworkModeAwsvpc), ecstest.TaskSize("1024", "2048")},
			check: func(t *testing.T, td *ecsmodel.TaskDefinition) {
				if !slices.Contains(td.Compatibilities, ecsmodel.CompatibilityFargate) || slices.Contains(td.Compatibilities, ecsmodel.CompatibilityExternal) {
					t.Errorf("got compatibilities %v, want FARGATE and no EXTERNAL", td.Compatibilities)
				}
			}},
	})
}

func TestRegisterTaskDefinitionPorts(t *testing.T) {
	const client = ecs.CodeClient
	awsvpc := ecstest.NetworkMode(ecsmodel.NetworkModeAwsvpc)
	runTaskDefCases(t, []tdCase{
		{name: "bridge dynamic port", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("app", ecstest.Port(80)))}, check: wantPort(80, 0, "tcp")},
		{name: "bridge static port", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("app", ecstest.HostPort(80, 8080)))}, check: wantPort(80, 8080, "tcp")},
		{name: "awsvpc host port filled in", opts: []ecstest.TaskDefOption{awsvpc, ecstest.Containers(ecstest.Container("app", ecstest.Port(80)))}, check: wantPort(80, 80, "tcp")},
		{name: "awsvpc host port equal", opts: []ecstest.TaskDefOption{awsvpc, ecstest.Containers(ecstest.Container("app", ecstest.HostPort(80, 80)))}, check: wantPort(80, 80, "tcp")},
		{name: "awsvpc host port different", opts: []ecstest.TaskDefOption{awsvpc, ecstest.Containers(ecstest.Container("app", ecstest.HostPort(80, 8080)))}, code: client,
			message: "When networkMode=awsvpc, the host ports and container ports in port mappings must match."},
		{name: "host mode host port different", opts: []ecstest.TaskDefOption{ecstest.NetworkMode(ecsmodel.NetworkModeHost), ecstest.Containers(ecstest.Container("app", ecstest.HostPort(80, 8080)))}, code: client,
			message: "When networkMode=host, the host ports and container ports in port mappings must match."},
		{name: "udp protocol kept", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("app", ecstest.PortMapping(ecsmodel.PortMapping{ContainerPort: ptr[int32](53), HostPort: ptr[int32](53), Protocol: "udp"})))},
			check: wantPort(53, 53, "udp")},
		{name: "no container port", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("app", ecstest.PortMapping(ecsmodel.PortMapping{HostPort: ptr[int32](80)})))}, code: client,
			message: "Invalid 'containerPort' setting for container 'app'."},
		{name: "container port 65536", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("app", ecstest.Port(65536)))}, code: client},
		{name: "host port 65536", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("app", ecstest.HostPort(80, 65536)))}, code: client,
			message: "Invalid 'hostPort' setting for container 'app'."},
		{name: "ports with network mode none", opts: []ecstest.TaskDefOption{ecstest.NetworkMode(ecsmodel.NetworkModeNone), ecstest.Containers(ecstest.Container("app", ecstest.Port(80)))}, code: client},
		{name: "one static host port twice", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("a", ecstest.HostPort(80, 8080)), ecstest.Container("b", ecstest.HostPort(81, 8080)))}, code: client},
		{name: "one host port for tcp and udp", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("a", ecstest.HostPort(53, 53)), ecstest.Container("b",
			ecstest.PortMapping(ecsmodel.PortMapping{ContainerPort: ptr[int32](53), HostPort: ptr[int32](53), Protocol: "udp"})))}},
		{name: "container port range", opts: []ecstest.TaskDefOption{awsvpc, ecstest.Containers(ecstest.Container("app", ecstest.PortMapping(ecsmodel.PortMapping{ContainerPortRange: "8000-8010"})))}},
		{name: "reversed container port range", opts: []ecstest.TaskDefOption{awsvpc, ecstest.Containers(ecstest.Container("app", ecstest.PortMapping(ecsmodel.PortMapping{ContainerPortRange: "8010-8000"})))}, code: client},
		{name: "container port range in host mode", opts: []ecstest.TaskDefOption{ecstest.NetworkMode(ecsmodel.NetworkModeHost), ecstest.Containers(ecstest.Container("app", ecstest.PortMapping(ecsmodel.PortMapping{ContainerPortRange: "8000-8010"})))}, code: client},
	})
}

func TestRegisterTaskDefinitionConstraintsAndAttributes(t *testing.T) {
	const client = ecs.CodeClient
	var eleven []ecstest.TaskDefOption
	for range 11 {
		eleven = append(eleven, ecstest.MemberOf("attribute:a exists"))
	}
	runTaskDefCases(t, []tdCase{
		{name: "memberOf", opts: []ecstest.TaskDefOption{ecstest.MemberOf("attribute:ecs.instance-type =~ t3.*")}, check: func(t *testing.T, td *ecsmodel.TaskDefinition) {
			if len(td.PlacementConstraints) != 1 || td.PlacementConstraints[0].Expression != "attribute:ecs.instance-type =~ t3.*" {
				t.Errorf("got constraints %+v, want the memberOf kept", td.PlacementConstraints)
			}
		}},
		{name: "memberOf with a bad expression", opts: []ecstest.TaskDefOption{ecstest.MemberOf("attribute:x ==")}, code: client},
		{name: "memberOf without expression", opts: []ecstest.TaskDefOption{ecstest.MemberOf("")}, code: client},
		{name: "11 constraints", opts: eleven, code: client},
		{name: "task role", opts: []ecstest.TaskDefOption{ecstest.TaskRole("arn:aws:iam::123456789012:role/app")}, check: wantRequiredAttribute("com.amazonaws.ecs.capability.task-iam-role")},
		{name: "awslogs with execution role", opts: []ecstest.TaskDefOption{ecstest.ExecutionRole("arn:aws:iam::123456789012:role/exec"), ecstest.Containers(ecstest.Container("app", ecstest.LogDriver("awslogs")))},
			check: func(t *testing.T, td *ecsmodel.TaskDefinition) {
				wantRequiredAttribute("com.amazonaws.ecs.capability.logging-driver.awslogs")(t, td)
				wantRequiredAttribute("ecs.capability.execution-role-awslogs")(t, td)
			}},
		{name: "ECR image", opts: []ecstest.TaskDefOption{ecstest.Containers(ecstest.Container("app", ecstest.Image("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1")))},
			check: wantRequiredAttribute("com.amazonaws.ecs.capability.ecr-auth")},
	})
}

func wantRequiredAttribute(name string) func(*testing.T, *ecsmodel.TaskDefinition) {
	return func(t *testing.T, td *ecsmodel.TaskDefinition) {
		t.Helper()
		if _, ok := attribute(td.RequiresAttributes, name); !ok {
			t.Errorf("got requiresAttributes %+v, want %s", td.RequiresAttributes, name)
		}
	}
}

func wantSize(cpu, memory string) func(*testing.T, *ecsmodel.TaskDefinition) {
	return func(t *testing.T, td *ecsmodel.TaskDefinition) {
		t.Helper()
		if td.Cpu != cpu || td.Memory != memory {
			t.Errorf("got cpu %q memory %q, want %q %q", td.Cpu, td.Memory, cpu, memory)
		}
	}
}

func wantPort(container, host int32, protocol string) func(*testing.T, *ecsmodel.TaskDefinition) {
	return func(t *testing.T, td *ecsmodel.TaskDefinition) {
		t.Helper()
		pm := td.ContainerDefinitions[0].PortMappings[0]
		if pm.ContainerPort == nil || *pm.ContainerPort != container || pm.HostPort == nil || *pm.HostPort != host || string(pm.Protocol) != protocol {
			t.Errorf("got port mapping %+v, want %d→%d/%s", pm, container, host, protocol)
		}
	}
}
