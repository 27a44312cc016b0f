package e2e

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestContainerInstanceLifecycle(t *testing.T) {
	h := start(t)
	reg, err := h.ecs.RegisterContainerInstance(ctx(t), instance("default", 2048, 4096, withAttrs(attr("ecs.availability-zone", "rack-a"), attr("gpu", ""))))
	if err != nil {
		t.Fatal(err)
	}
	ci := reg.ContainerInstance
	arn := aws.ToString(ci.ContainerInstanceArn)
	id := arn[len(arn)-32:]
	if want := "arn:aws:ecs:us-east-1:123456789012:container-instance/default/" + id; arn != want {
		t.Fatalf("got ARN %s, want %s", arn, want)
	}
	if got := aws.ToString(ci.Status); got != "ACTIVE" {
		t.Errorf("got status %s, want ACTIVE", got)
	}
	if got := resource(t, ci.RemainingResources, "MEMORY").IntegerValue; got != 4096 {
		t.Errorf("got remaining MEMORY %d, want 4096", got)
	}

	desc, err := h.ecs.DescribeContainerInstances(ctx(t), &ecs.DescribeContainerInstancesInput{ContainerInstances: []string{id, "0123456789abcdef0123456789abcdef"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(desc.ContainerInstances) != 1 || len(desc.Failures) != 1 || aws.ToString(desc.Failures[0].Reason) != "MISSING" {
		t.Fatalf("got %d instances and failures %+v, want 1 and one MISSING", len(desc.ContainerInstances), desc.Failures)
	}
	if got := resource(t, desc.ContainerInstances[0].RegisteredResources, "CPU").IntegerValue; got != 2048 {
		t.Errorf("got registered CPU %d, want 2048", got)
	}

	drain, err := h.ecs.UpdateContainerInstancesState(ctx(t), &ecs.UpdateContainerInstancesStateInput{ContainerInstances: []string{id}, Status: types.ContainerInstanceStatusDraining})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(drain.ContainerInstances[0].Status); got != "DRAINING" {
		t.Errorf("got %s, want DRAINING", got)
	}
	list, err := h.ecs.ListContainerInstances(ctx(t), &ecs.ListContainerInstancesInput{Status: types.ContainerInstanceStatusDraining})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.ContainerInstanceArns) != 1 {
		t.Errorf("got %v, want the draining instance", list.ContainerInstanceArns)
	}

	if _, err := h.ecs.DeregisterContainerInstance(ctx(t), &ecs.DeregisterContainerInstanceInput{ContainerInstance: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	list, err = h.ecs.ListContainerInstances(ctx(t), &ecs.ListContainerInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.ContainerInstanceArns) != 0 {
		t.Errorf("got %v, want no instances listed after deregistration", list.ContainerInstanceArns)
	}
}

func TestAttributes(t *testing.T) {
	h := start(t)
	reg, err := h.ecs.RegisterContainerInstance(ctx(t), instance("default", 1024, 1024))
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(reg.ContainerInstance.ContainerInstanceArn)
	put := func(attrs ...types.Attribute) error {
		for i := range attrs {
			attrs[i].TargetId = aws.String(arn)
		}
		_, err := h.ecs.PutAttributes(ctx(t), &ecs.PutAttributesInput{Attributes: attrs})
		return err
	}
	if err := put(attr("stack", "prod"), attr("ssd", "")); err != nil {
		t.Fatal(err)
	}
	out, err := h.ecs.ListAttributes(ctx(t), &ecs.ListAttributesInput{TargetType: types.TargetTypeContainerInstance, AttributeName: aws.String("stack")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Attributes) != 1 || aws.ToString(out.Attributes[0].Value) != "prod" {
		t.Errorf("got %+v, want stack=prod", out.Attributes)
	}

	// Ten custom attributes at most per resource.
	var many []types.Attribute
	for i := 0; i < 9; i++ {
		many = append(many, attr(fmt.Sprintf("a%d", i), "v"))
	}
	err = put(many...)
	wantTyped[*types.AttributeLimitExceededException](t, err)

	err = put(attr("bad name!", "v"))
	wantTyped[*types.InvalidParameterException](t, err)

	if _, err := h.ecs.DeleteAttributes(ctx(t), &ecs.DeleteAttributesInput{Attributes: []types.Attribute{{Name: aws.String("stack"), TargetId: aws.String(arn)}}}); err != nil {
		t.Fatal(err)
	}
	out, err = h.ecs.ListAttributes(ctx(t), &ecs.ListAttributesInput{TargetType: types.TargetTypeContainerInstance, AttributeName: aws.String("stack")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Attributes) != 0 {
		t.Errorf("got %+v after delete, want none", out.Attributes)
	}
}

func TestTags(t *testing.T) {
	h := start(t)
	arn := createCluster(t, h, "tagged")
	if _, err := h.ecs.TagResource(ctx(t), &ecs.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{tag("a", "1"), tag("b", "2")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.ecs.UntagResource(ctx(t), &ecs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	out, err := h.ecs.ListTagsForResource(ctx(t), &ecs.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tags) != 1 || aws.ToString(out.Tags[0].Key) != "b" {
		t.Errorf("got %+v, want only b", out.Tags)
	}
	cases := []struct {
		name string
		tags []types.Tag
	}{
		{"aws prefix", []types.Tag{tag("AWS:x", "1")}},
		{"key too long", []types.Tag{tag(string(make([]byte, 129)), "1")}},
	}
	for _, tc := range cases {
		_, err := h.ecs.TagResource(ctx(t), &ecs.TagResourceInput{ResourceArn: aws.String(arn), Tags: tc.tags})
		if err == nil {
			t.Errorf("%s: got success, want an error", tc.name)
		}
	}
	var fifty []types.Tag
	for i := 0; i < 50; i++ {
		fifty = append(fifty, tag(fmt.Sprintf("k%d", i), "v"))
	}
	_, err = h.ecs.TagResource(ctx(t), &ecs.TagResourceInput{ResourceArn: aws.String(arn), Tags: fifty})
	if err == nil {
		t.Errorf("got success tagging past 50 tags, want an error")
	}
}
