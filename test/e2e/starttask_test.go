package e2e

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestStartTask starts tasks on chosen instances (the CLI's start-task with
// --container-instances, --group and --started-by): one task per listed
// instance, failures for those that cannot take one.
func TestStartTask(t *testing.T) {
	h := start(t)
	registerTaskDef(t, h, sleep360(withMemory(512)))
	a := registerInstance(t, h, instance("default", 2048, 4096))
	b := registerInstance(t, h, instance("default", 2048, 4096))
	small := registerInstance(t, h, instance("default", 2048, 256))
	missing := "arn:aws:ecs:us-east-1:123456789012:container-instance/default/0123456789abcdef0123456789abcdef"

	out, err := h.ecs.StartTask(ctx(t), &ecs.StartTaskInput{
		TaskDefinition:     aws.String("sleep360"),
		ContainerInstances: []string{a, b[len(b)-32:], small, missing},
		Group:              aws.String("batch"),
		StartedBy:          aws.String("cron-42"),
		Overrides: &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{{
			Name: aws.String("sleep"), Command: []string{"sleep", "10"},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var on []string
	for _, task := range out.Tasks {
		on = append(on, aws.ToString(task.ContainerInstanceArn))
		if aws.ToString(task.Group) != "batch" || aws.ToString(task.StartedBy) != "cron-42" || task.LaunchType != types.LaunchTypeEc2 {
			t.Errorf("got group %s startedBy %s launchType %s, want batch, cron-42, EC2", aws.ToString(task.Group), aws.ToString(task.StartedBy), task.LaunchType)
		}
		if cmd := task.Overrides.ContainerOverrides[0].Command; !slices.Equal(cmd, []string{"sleep", "10"}) {
			t.Errorf("got command override %v, want [sleep 10]", cmd)
		}
	}
	if !slices.Equal(on, []string{a, b}) {
		t.Errorf("got tasks on %v, want one on each of %v", on, []string{a, b})
	}
	reasons := map[string]string{}
	for _, f := range out.Failures {
		reasons[aws.ToString(f.Arn)] = aws.ToString(f.Reason)
	}
	if reasons[small] != "RESOURCE:MEMORY" || reasons[missing] != "MISSING" || len(reasons) != 2 {
		t.Errorf("got failures %v, want RESOURCE:MEMORY for %s and MISSING for %s", reasons, small, missing)
	}
	list, err := h.ecs.ListTasks(ctx(t), &ecs.ListTasksInput{StartedBy: aws.String("cron-42")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.TaskArns) != 2 {
		t.Errorf("got %v listed by startedBy, want 2 tasks", list.TaskArns)
	}
	_, err = h.ecs.StartTask(ctx(t), &ecs.StartTaskInput{TaskDefinition: aws.String("sleep360"), ContainerInstances: []string{a}, StartedBy: aws.String("this-started-by-is-longer-than-36-chars")})
	wantTyped[*types.InvalidParameterException](t, err)
}

// TestCapacityProviders creates a provider served by instances registered
// with berth.capacity-provider, associates it with a cluster as its default
// strategy and runs tasks on it.
func TestCapacityProviders(t *testing.T) {
	h := start(t)
	createCluster(t, h, "cp")
	if _, err := h.ecs.CreateCapacityProvider(ctx(t), &ecs.CreateCapacityProviderInput{Name: aws.String("onprem")}); err != nil {
		t.Fatal(err)
	}
	_, err := h.ecs.PutClusterCapacityProviders(ctx(t), &ecs.PutClusterCapacityProvidersInput{
		Cluster:           aws.String("cp"),
		CapacityProviders: []string{"onprem", "FARGATE"},
		DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{
			{CapacityProvider: aws.String("onprem"), Weight: 1},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	desc, err := h.ecs.DescribeClusters(ctx(t), &ecs.DescribeClustersInput{Clusters: []string{"cp"}})
	if err != nil {
		t.Fatal(err)
	}
	if c := desc.Clusters[0]; !slices.Equal(c.CapacityProviders, []string{"onprem", "FARGATE"}) || len(c.DefaultCapacityProviderStrategy) != 1 {
		t.Errorf("got providers %v strategy %+v, want onprem and FARGATE, default onprem", c.CapacityProviders, c.DefaultCapacityProviderStrategy)
	}
	registerTaskDef(t, h, sleep360())
	registerInstance(t, h, instance("cp", 2048, 4096)) // no provider: not used
	served := registerInstance(t, h, instance("cp", 2048, 4096, withAttrs(attr("berth.capacity-provider", "onprem"))))
	out, err := h.ecs.RunTask(ctx(t), &ecs.RunTaskInput{Cluster: aws.String("cp"), TaskDefinition: aws.String("sleep360"), Count: aws.Int32(3)})
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range out.Tasks {
		if aws.ToString(task.ContainerInstanceArn) != served || aws.ToString(task.CapacityProviderName) != "onprem" {
			t.Errorf("got a task on %s with provider %q, want it on %s with onprem", aws.ToString(task.ContainerInstanceArn), aws.ToString(task.CapacityProviderName), served)
		}
	}
	ec2, err := h.ecs.RunTask(ctx(t), &ecs.RunTaskInput{Cluster: aws.String("cp"), TaskDefinition: aws.String("sleep360"), LaunchType: types.LaunchTypeEc2,
		CapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("onprem"), Weight: 1}}})
	wantAPIError(t, err, "InvalidParameterException", "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.")
	if ec2 != nil {
		t.Errorf("got %+v, want no output", ec2)
	}
	_, err = h.ecs.DeleteCapacityProvider(ctx(t), &ecs.DeleteCapacityProviderInput{CapacityProvider: aws.String("onprem")})
	wantTyped[*types.ClientException](t, err)
	list, err := h.ecs.DescribeCapacityProviders(ctx(t), &ecs.DescribeCapacityProvidersInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, cp := range list.CapacityProviders {
		names = append(names, aws.ToString(cp.Name))
	}
	if !slices.Equal(names, []string{"FARGATE", "FARGATE_SPOT", "onprem"}) {
		t.Errorf("got providers %v, want FARGATE, FARGATE_SPOT, onprem", names)
	}
}
