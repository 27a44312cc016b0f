package e2e

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// taskDef builds a RegisterTaskDefinition request for family with one
// essential container; options adjust it.
func taskDef(family string, opts ...func(*ecs.RegisterTaskDefinitionInput)) *ecs.RegisterTaskDefinitionInput {
	in := &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(family),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name:      aws.String("app"),
			Image:     aws.String("busybox"),
			Cpu:       10,
			Memory:    aws.Int32(10),
			Essential: aws.Bool(true),
			Command:   []string{"sleep", "360"},
		}},
	}
	for _, o := range opts {
		o(in)
	}
	return in
}

func withContainer(c types.ContainerDefinition) func(*ecs.RegisterTaskDefinitionInput) {
	return func(in *ecs.RegisterTaskDefinitionInput) {
		in.ContainerDefinitions = append(in.ContainerDefinitions, c)
	}
}

func withTaskTags(tags ...types.Tag) func(*ecs.RegisterTaskDefinitionInput) {
	return func(in *ecs.RegisterTaskDefinitionInput) { in.Tags = tags }
}

// instance builds a RegisterContainerInstance request for a node with the
// given CPU units and MiB of memory.
func instance(cluster string, cpu, mem int32, opts ...func(*ecs.RegisterContainerInstanceInput)) *ecs.RegisterContainerInstanceInput {
	in := &ecs.RegisterContainerInstanceInput{
		Cluster: aws.String(cluster),
		TotalResources: []types.Resource{
			{Name: aws.String("CPU"), Type: aws.String("INTEGER"), IntegerValue: cpu},
			{Name: aws.String("MEMORY"), Type: aws.String("INTEGER"), IntegerValue: mem},
			{Name: aws.String("PORTS"), Type: aws.String("STRINGSET"), StringSetValue: []string{"22", "2375", "2376", "51678", "51679"}},
			{Name: aws.String("PORTS_UDP"), Type: aws.String("STRINGSET"), StringSetValue: []string{}},
		},
		VersionInfo: &types.VersionInfo{AgentVersion: aws.String("1.0.0"), DockerVersion: aws.String("20.10")},
	}
	for _, o := range opts {
		o(in)
	}
	return in
}

func withAttrs(attrs ...types.Attribute) func(*ecs.RegisterContainerInstanceInput) {
	return func(in *ecs.RegisterContainerInstanceInput) { in.Attributes = append(in.Attributes, attrs...) }
}

func attr(name, value string) types.Attribute {
	a := types.Attribute{Name: aws.String(name)}
	if value != "" {
		a.Value = aws.String(value)
	}
	return a
}

func tag(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }

// resource returns the named resource of a list, failing the test when absent.
func resource(t *testing.T, rs []types.Resource, name string) types.Resource {
	t.Helper()
	for _, r := range rs {
		if aws.ToString(r.Name) == name {
			return r
		}
	}
	t.Fatalf("no %s resource in %+v", name, rs)
	return types.Resource{}
}

func createCluster(t *testing.T, h *harness, name string) string {
	t.Helper()
	out, err := h.ecs.CreateCluster(ctx(t), &ecs.CreateClusterInput{ClusterName: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateCluster(%s): %v", name, err)
	}
	return aws.ToString(out.Cluster.ClusterArn)
}
