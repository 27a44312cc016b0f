package e2e

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestRestartKeepsState registers state, restarts the server on the same
// data dir and finds all of it again.
func TestRestartKeepsState(t *testing.T) {
	h := start(t)
	createCluster(t, h, "kept")
	td, err := h.ecs.RegisterTaskDefinition(ctx(t), taskDef("kept", withTaskTags(tag("x", "y"))))
	if err != nil {
		t.Fatal(err)
	}
	reg, err := h.ecs.RegisterContainerInstance(ctx(t), instance("kept", 4096, 8192, withAttrs(attr("zone", "z1"))))
	if err != nil {
		t.Fatal(err)
	}

	h.restart()

	clusters, err := h.ecs.DescribeClusters(ctx(t), &ecs.DescribeClustersInput{Clusters: []string{"kept"}, Include: []types.ClusterField{types.ClusterFieldStatistics}})
	if err != nil {
		t.Fatal(err)
	}
	if len(clusters.Clusters) != 1 || clusters.Clusters[0].RegisteredContainerInstancesCount != 1 {
		t.Fatalf("got %+v, want cluster kept with 1 instance", clusters.Clusters)
	}
	got, err := h.ecs.DescribeTaskDefinition(ctx(t), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("kept"), Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.TaskDefinition.TaskDefinitionArn) != aws.ToString(td.TaskDefinition.TaskDefinitionArn) || len(got.Tags) != 1 {
		t.Errorf("got %s with tags %+v, want %s with tag x", aws.ToString(got.TaskDefinition.TaskDefinitionArn), got.Tags, aws.ToString(td.TaskDefinition.TaskDefinitionArn))
	}
	inst, err := h.ecs.DescribeContainerInstances(ctx(t), &ecs.DescribeContainerInstancesInput{Cluster: aws.String("kept"), ContainerInstances: []string{aws.ToString(reg.ContainerInstance.ContainerInstanceArn)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(inst.ContainerInstances) != 1 || resource(t, inst.ContainerInstances[0].RemainingResources, "CPU").IntegerValue != 4096 {
		t.Errorf("got %+v, want the instance with 4096 CPU remaining", inst.ContainerInstances)
	}
	// A new revision continues the numbering after a restart.
	next, err := h.ecs.RegisterTaskDefinition(ctx(t), taskDef("kept"))
	if err != nil {
		t.Fatal(err)
	}
	if next.TaskDefinition.Revision != 2 {
		t.Errorf("got revision %d after restart, want 2", next.TaskDefinition.Revision)
	}
}
