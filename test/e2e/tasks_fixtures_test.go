package e2e

import (
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// sleep360 is the task definition of the AWS CLI's run-task example: one
// container "sleep" running busybox's sleep 360.
func sleep360(opts ...func(*ecs.RegisterTaskDefinitionInput)) *ecs.RegisterTaskDefinitionInput {
	in := &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("sleep360"),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name:      aws.String("sleep"),
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

// withMemory sets the memory of the first container.
func withMemory(mib int32) func(*ecs.RegisterTaskDefinitionInput) {
	return func(in *ecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions[0].Memory = aws.Int32(mib) }
}

// inZone gives an instance an identity document for a fresh EC2 instance
// in zone, from which berth derives ecs.availability-zone.
func inZone(zone string) func(*ecs.RegisterContainerInstanceInput) {
	return func(in *ecs.RegisterContainerInstanceInput) {
		b, err := json.Marshal(map[string]string{
			"instanceId": fmt.Sprintf("i-%017x", nextEC2ID()), "availabilityZone": zone,
			"instanceType": "m5.large", "architecture": "x86_64", "region": testRegion,
		})
		if err != nil {
			panic(err)
		}
		in.InstanceIdentityDocument = aws.String(string(b))
	}
}

var ec2Seq atomic.Int64

func nextEC2ID() int64 { return ec2Seq.Add(1) }

// registerTaskDef registers a task definition and fails on error.
func registerTaskDef(t *testing.T, h *harness, in *ecs.RegisterTaskDefinitionInput) *types.TaskDefinition {
	t.Helper()
	out, err := h.ecs.RegisterTaskDefinition(ctx(t), in)
	if err != nil {
		t.Fatalf("RegisterTaskDefinition(%s): %v", aws.ToString(in.Family), err)
	}
	return out.TaskDefinition
}

// registerInstance registers a container instance and returns its ARN.
func registerInstance(t *testing.T, h *harness, in *ecs.RegisterContainerInstanceInput) string {
	t.Helper()
	out, err := h.ecs.RegisterContainerInstance(ctx(t), in)
	if err != nil {
		t.Fatalf("RegisterContainerInstance: %v", err)
	}
	return aws.ToString(out.ContainerInstance.ContainerInstanceArn)
}

// remainingMemory describes an instance and returns its remaining MEMORY.
func remainingMemory(t *testing.T, h *harness, cluster, arn string) int32 {
	t.Helper()
	out, err := h.ecs.DescribeContainerInstances(ctx(t), &ecs.DescribeContainerInstancesInput{Cluster: aws.String(cluster), ContainerInstances: []string{arn}})
	if err != nil || len(out.ContainerInstances) != 1 {
		t.Fatalf("DescribeContainerInstances(%s): %v %+v", arn, err, out)
	}
	return resource(t, out.ContainerInstances[0].RemainingResources, "MEMORY").IntegerValue
}
