package reliability

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// reservedPorts are the TCP ports every instance registers as taken, as
// the ECS agent does.
var reservedPorts = []string{"22", "2375", "2376", "51678", "51679"}

// ctr builds an essential container that sleeps forever, with cpu units,
// a hard memory limit (0: none) and a soft one (0: none).
func ctr(name string, cpu, mem, memRes int32, ports ...types.PortMapping) types.ContainerDefinition {
	c := types.ContainerDefinition{
		Name:         aws.String(name),
		Image:        aws.String("busybox"),
		Essential:    aws.Bool(true),
		Cpu:          cpu,
		Command:      []string{"sleep", "infinity"},
		PortMappings: ports,
	}
	if mem > 0 {
		c.Memory = aws.Int32(mem)
	}
	if memRes > 0 {
		c.MemoryReservation = aws.Int32(memRes)
	}
	return c
}

// tcp and udp are static host port mappings (host port = container port).
func tcp(port int32) types.PortMapping {
	return types.PortMapping{ContainerPort: aws.Int32(port), HostPort: aws.Int32(port), Protocol: types.TransportProtocolTcp}
}

func udp(port int32) types.PortMapping {
	return types.PortMapping{ContainerPort: aws.Int32(port), HostPort: aws.Int32(port), Protocol: types.TransportProtocolUdp}
}

// taskFamily builds a RegisterTaskDefinition request (bridge mode).
func taskFamily(name string, containers ...types.ContainerDefinition) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family:               aws.String(name),
		NetworkMode:          types.NetworkModeBridge,
		ContainerDefinitions: containers,
	}
}

// withTaskSize sets a task-level cpu and memory.
func withTaskSize(in *ecs.RegisterTaskDefinitionInput, cpu, mem string) *ecs.RegisterTaskDefinitionInput {
	in.Cpu, in.Memory = aws.String(cpu), aws.String(mem)
	return in
}

// instanceInput builds a RegisterContainerInstance request for a node with
// cpu units and mem MiB, the usual reserved ports and no UDP ports.
func instanceInput(cluster string, cpu, mem int32) *ecs.RegisterContainerInstanceInput {
	return &ecs.RegisterContainerInstanceInput{
		Cluster: aws.String(cluster),
		TotalResources: []types.Resource{
			{Name: aws.String("CPU"), Type: aws.String("INTEGER"), IntegerValue: cpu},
			{Name: aws.String("MEMORY"), Type: aws.String("INTEGER"), IntegerValue: mem},
			{Name: aws.String("PORTS"), Type: aws.String("STRINGSET"), StringSetValue: reservedPorts},
			{Name: aws.String("PORTS_UDP"), Type: aws.String("STRINGSET"), StringSetValue: []string{}},
		},
		VersionInfo: &types.VersionInfo{AgentVersion: aws.String("1.0.0"), DockerVersion: aws.String("20.10")},
	}
}

// setup creates cluster (unless it is "default"), registers the task
// definitions and n instances of cpu units and mem MiB, and returns the
// instance ARNs.
func setup(tb testing.TB, c *ecs.Client, cluster string, defs []*ecs.RegisterTaskDefinitionInput, n int, cpu, mem int32) []string {
	tb.Helper()
	ctx, cancel := callCtx()
	defer cancel()
	if cluster != "default" {
		if _, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(cluster)}); err != nil {
			tb.Fatalf("CreateCluster(%s): %v", cluster, err)
		}
	}
	for _, d := range defs {
		if _, err := c.RegisterTaskDefinition(ctx, d); err != nil {
			tb.Fatalf("RegisterTaskDefinition(%s): %v", aws.ToString(d.Family), err)
		}
	}
	arns := make([]string, n)
	for i := range arns {
		out, err := c.RegisterContainerInstance(ctx, instanceInput(cluster, cpu, mem))
		if err != nil {
			tb.Fatalf("RegisterContainerInstance: %v", err)
		}
		arns[i] = aws.ToString(out.ContainerInstance.ContainerInstanceArn)
	}
	return arns
}
