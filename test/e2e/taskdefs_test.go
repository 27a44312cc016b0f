package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestTaskDefinitionRevisions(t *testing.T) {
	h := start(t)
	for want := int32(1); want <= 3; want++ {
		out, err := h.ecs.RegisterTaskDefinition(ctx(t), taskDef("web"))
		if err != nil {
			t.Fatal(err)
		}
		if out.TaskDefinition.Revision != want {
			t.Fatalf("got revision %d, want %d", out.TaskDefinition.Revision, want)
		}
		if got, wantARN := aws.ToString(out.TaskDefinition.TaskDefinitionArn), "arn:aws:ecs:us-east-1:123456789012:task-definition/web:"; !strings.HasPrefix(got, wantARN) {
			t.Errorf("got ARN %s, want prefix %s", got, wantARN)
		}
	}
	cases := []struct {
		ref  string
		want int32
	}{
		{"web", 3}, {"web:2", 2}, {"arn:aws:ecs:us-east-1:123456789012:task-definition/web:1", 1},
	}
	for _, tc := range cases {
		out, err := h.ecs.DescribeTaskDefinition(ctx(t), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(tc.ref)})
		if err != nil {
			t.Fatalf("DescribeTaskDefinition(%s): %v", tc.ref, err)
		}
		if out.TaskDefinition.Revision != tc.want {
			t.Errorf("DescribeTaskDefinition(%s) revision: got %d, want %d", tc.ref, out.TaskDefinition.Revision, tc.want)
		}
	}

	// Deregistering the latest makes "web" resolve to the newest ACTIVE one.
	if _, err := h.ecs.DeregisterTaskDefinition(ctx(t), &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("web:3")}); err != nil {
		t.Fatal(err)
	}
	out, err := h.ecs.DescribeTaskDefinition(ctx(t), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	if out.TaskDefinition.Revision != 2 {
		t.Errorf("got latest ACTIVE revision %d, want 2", out.TaskDefinition.Revision)
	}
	list, err := h.ecs.ListTaskDefinitions(ctx(t), &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("web"), Sort: types.SortOrderDesc})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.TaskDefinitionArns) != 2 || !strings.HasSuffix(list.TaskDefinitionArns[0], "web:2") {
		t.Errorf("got %v, want [web:2 web:1]", list.TaskDefinitionArns)
	}
	inactive, err := h.ecs.ListTaskDefinitions(ctx(t), &ecs.ListTaskDefinitionsInput{Status: types.TaskDefinitionStatusInactive})
	if err != nil {
		t.Fatal(err)
	}
	if len(inactive.TaskDefinitionArns) != 1 {
		t.Errorf("got %v, want the one INACTIVE revision", inactive.TaskDefinitionArns)
	}
	fams, err := h.ecs.ListTaskDefinitionFamilies(ctx(t), &ecs.ListTaskDefinitionFamiliesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fams.Families) != 1 || fams.Families[0] != "web" {
		t.Errorf("got families %v, want [web]", fams.Families)
	}
	del, err := h.ecs.DeleteTaskDefinitions(ctx(t), &ecs.DeleteTaskDefinitionsInput{TaskDefinitions: []string{"web:3", "web:1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(del.TaskDefinitions) != 1 || len(del.Failures) != 1 {
		t.Errorf("got deleted %d and failures %+v, want 1 deleted (INACTIVE web:3) and 1 failure (ACTIVE web:1)", len(del.TaskDefinitions), del.Failures)
	}
}

func TestTaskDefinitionValidation(t *testing.T) {
	h := start(t)
	cases := []struct {
		name string
		in   *ecs.RegisterTaskDefinitionInput
	}{
		{"duplicate container names", taskDef("dup", withContainer(types.ContainerDefinition{Name: aws.String("app"), Image: aws.String("x"), Memory: aws.Int32(10)}))},
		{"no essential container", taskDef("ess", func(in *ecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions[0].Essential = aws.Bool(false) })},
		{"no memory for EC2", taskDef("mem", func(in *ecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions[0].Memory = nil })},
		{"reservation above memory", taskDef("res", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].MemoryReservation = aws.Int32(20)
		})},
		{"bad family", taskDef("bad family!")},
		{"aws: tag", taskDef("tagged", withTaskTags(tag("aws:owner", "me")))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.ecs.RegisterTaskDefinition(ctx(t), tc.in)
			var ip *types.InvalidParameterException
			var ce *types.ClientException
			if !errorsAs(err, &ip) && !errorsAs(err, &ce) {
				t.Fatalf("got %v, want InvalidParameterException or ClientException", err)
			}
		})
	}
	list, err := h.ecs.ListTaskDefinitions(ctx(t), &ecs.ListTaskDefinitionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.TaskDefinitionArns) != 0 {
		t.Errorf("got %v after only invalid registrations, want none", list.TaskDefinitionArns)
	}
}

func TestTaskDefinitionUnitsAndTags(t *testing.T) {
	h := start(t)
	out, err := h.ecs.RegisterTaskDefinition(ctx(t), taskDef("units", withTaskTags(tag("team", "a")), func(in *ecs.RegisterTaskDefinitionInput) {
		in.Cpu = aws.String("1 vCPU")
		in.Memory = aws.String("2GB")
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(out.TaskDefinition.Cpu)+"/"+aws.ToString(out.TaskDefinition.Memory), "1024/2048"; got != want {
		t.Errorf("got cpu/memory %s, want %s", got, want)
	}
	desc, err := h.ecs.DescribeTaskDefinition(ctx(t), &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String("units:1"), Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(desc.Tags) != 1 || aws.ToString(desc.Tags[0].Key) != "team" {
		t.Errorf("got tags %+v, want team=a", desc.Tags)
	}
	_, err = h.ecs.DescribeTaskDefinition(ctx(t), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("units:9")})
	wantTyped[*types.ClientException](t, err)
}
