package control_test

import (
	"strings"
	"testing"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

// createProvider creates a capacity provider and fails on error.
func (e *env) createProvider(name string) *ecsmodel.CapacityProvider {
	e.t.Helper()
	out, err := e.svc.CreateCapacityProvider(e.ctx, &ecsmodel.CreateCapacityProviderRequest{Name: name})
	if err != nil {
		e.t.Fatalf("CreateCapacityProvider(%s): %v", name, err)
	}
	return out.CapacityProvider
}

// putProviders sets a cluster's providers and default strategy.
func (e *env) putProviders(cluster string, names []string, strategy ...ecsmodel.CapacityProviderStrategyItem) error {
	_, err := e.svc.PutClusterCapacityProviders(e.ctx, &ecsmodel.PutClusterCapacityProvidersRequest{
		Cluster: cluster, CapacityProviders: names, DefaultCapacityProviderStrategy: nonNilItems(strategy)})
	return err
}

func nonNilItems(s []ecsmodel.CapacityProviderStrategyItem) []ecsmodel.CapacityProviderStrategyItem {
	if s == nil {
		return []ecsmodel.CapacityProviderStrategyItem{}
	}
	return s
}

func TestCreateCapacityProvider(t *testing.T) {
	e := newEnv(t)
	asg := &ecsmodel.AutoScalingGroupProvider{AutoScalingGroupArn: "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1:autoScalingGroupName/asg"}
	out, err := e.svc.CreateCapacityProvider(e.ctx, &ecsmodel.CreateCapacityProviderRequest{Name: "spot", AutoScalingGroupProvider: asg, Tags: ecstest.Tags("k", "v")})
	wantCode(t, err, "")
	cp := out.CapacityProvider
	if cp.CapacityProviderArn != account.CapacityProviderARN("spot") || cp.Status != "ACTIVE" || cp.Type != "EC2_AUTOSCALING" ||
		cp.AutoScalingGroupProvider.ManagedScaling.Status != "DISABLED" || *cp.AutoScalingGroupProvider.ManagedScaling.TargetCapacity != 100 ||
		cp.AutoScalingGroupProvider.ManagedDraining != "ENABLED" {
		t.Errorf("got %+v, want ACTIVE EC2_AUTOSCALING with ECS's defaults", cp)
	}
	for _, tc := range []struct{ name, code string }{
		{"spot", ecs.CodeClient},
		{"awsome", ecs.CodeInvalidParameter},
		{"ECS-x", ecs.CodeInvalidParameter},
		{"Fargate2", ecs.CodeInvalidParameter},
		{"bad name", ecs.CodeInvalidParameter},
		{strings.Repeat("a", 256), ecs.CodeInvalidParameter},
		{"ok_name-1", ""},
	} {
		_, err := e.svc.CreateCapacityProvider(e.ctx, &ecsmodel.CreateCapacityProviderRequest{Name: tc.name})
		wantCode(t, err, tc.code)
	}

	up, err := e.svc.UpdateCapacityProvider(e.ctx, &ecsmodel.UpdateCapacityProviderRequest{Name: "spot", AutoScalingGroupProvider: &ecsmodel.AutoScalingGroupProviderUpdate{
		ManagedTerminationProtection: "ENABLED"}})
	wantCode(t, err, "")
	if up.CapacityProvider.UpdateStatus != "UPDATE_COMPLETE" || up.CapacityProvider.AutoScalingGroupProvider.ManagedTerminationProtection != "ENABLED" {
		t.Errorf("got %+v, want UPDATE_COMPLETE with termination protection", up.CapacityProvider)
	}
	_, err = e.svc.UpdateCapacityProvider(e.ctx, &ecsmodel.UpdateCapacityProviderRequest{Name: "FARGATE"})
	wantCode(t, err, ecs.CodeInvalidParameter)

	desc, err := e.svc.DescribeCapacityProviders(e.ctx, &ecsmodel.DescribeCapacityProvidersRequest{
		CapacityProviders: []string{"FARGATE", account.CapacityProviderARN("spot"), "nope"}, Include: []ecsmodel.CapacityProviderField{"TAGS"}})
	wantCode(t, err, "")
	if len(desc.CapacityProviders) != 2 || desc.CapacityProviders[0].Type != "FARGATE" || !equalAny(desc.CapacityProviders[1].Tags, ecstest.Tags("k", "v")) {
		t.Errorf("got %+v, want FARGATE and spot with its tags", desc.CapacityProviders)
	}
	wantFailures(t, desc.Failures, ecsmodel.Failure{Arn: account.CapacityProviderARN("nope"), Reason: "MISSING"})

	var names []string
	token := ""
	for {
		page, err := e.svc.DescribeCapacityProviders(e.ctx, &ecsmodel.DescribeCapacityProvidersRequest{MaxResults: ptr[int32](1), NextToken: token})
		wantCode(t, err, "")
		for _, cp := range page.CapacityProviders {
			names = append(names, cp.Name)
		}
		if token = page.NextToken; token == "" {
			break
		}
	}
	if strings.Join(names, ",") != "FARGATE,FARGATE_SPOT,ok_name-1,spot" {
		t.Errorf("got %v listed, want FARGATE, FARGATE_SPOT, ok_name-1, spot", names)
	}
}

func TestClusterCapacityProviders(t *testing.T) {
	e := newEnv(t)
	e.createProvider("spot")
	e.createProvider("base")
	e.createCluster("c")
	item := func(n string, base, weight int32) ecsmodel.CapacityProviderStrategyItem {
		return ecsmodel.CapacityProviderStrategyItem{CapacityProvider: n, Base: base, Weight: weight}
	}
	wantCode(t, e.putProviders("c", []string{"nope"}), ecs.CodeInvalidParameter)
	wantCode(t, e.putProviders("c", []string{"spot"}, item("base", 0, 1)), ecs.CodeInvalidParameter)
	wantCode(t, e.putProviders("missing", []string{"spot"}), ecs.CodeClusterNotFound)
	wantCode(t, e.putProviders("c", []string{"spot", "base", "FARGATE"}, item("base", 1, 1), item("spot", 0, 2)), "")
	c := e.describeCluster("c")
	if strings.Join(c.CapacityProviders, ",") != "spot,base,FARGATE" || len(c.DefaultCapacityProviderStrategy) != 2 {
		t.Errorf("got providers %v strategy %+v, want spot, base, FARGATE and the strategy", c.CapacityProviders, c.DefaultCapacityProviderStrategy)
	}
	_, err := e.svc.DeleteCapacityProvider(e.ctx, &ecsmodel.DeleteCapacityProviderRequest{CapacityProvider: "spot"})
	wantCode(t, err, ecs.CodeClient)

	e.register()
	var spotARNs, baseARNs []string
	for range 2 {
		spotARNs = append(spotARNs, e.registerInstance(ecstest.OnCluster("c"), ecstest.CapacityProvider("spot")).ContainerInstanceArn)
		baseARNs = append(baseARNs, e.registerInstance(ecstest.OnCluster("c"), ecstest.CapacityProvider("base")).ContainerInstanceArn)
	}
	out := e.run(onCluster("c"), count(7))
	per := map[string]int{}
	for _, task := range out.Tasks {
		per[task.CapacityProviderName]++
		isSpot := task.ContainerInstanceArn == spotARNs[0] || task.ContainerInstanceArn == spotARNs[1]
		if isSpot != (task.CapacityProviderName == "spot") {
			t.Errorf("got a %s task on %s, want tasks on their provider's instances", task.CapacityProviderName, task.ContainerInstanceArn)
		}
	}
	// Default strategy: base 1 on "base", then 1:2 over the other 6.
	if per["base"] != 3 || per["spot"] != 4 {
		t.Errorf("got tasks per provider %v, want base 3 and spot 4", per)
	}
	e.register(ecstest.Family("fg"), ecstest.Fargate())
	fargate := e.run(onCluster("c"), taskDef("fg"), vpc(1, 0), providers("FARGATE", 0, 1))
	wantFailures(t, fargate.Failures, ecsmodel.Failure{Arn: account.CapacityProviderARN("FARGATE"), Reason: "EMPTY CAPACITY PROVIDER"})

	wantError(t, e.putProviders("c", []string{"base"}), ecs.CodeResourceInUse, "The specified capacity provider is in use and cannot be removed.")
	for _, task := range out.Tasks {
		e.stopTask("c", task.TaskArn)
	}
	// Stopping tasks have not stopped yet: the instances must be
	// deregistered (forcing the tasks to STOPPED) before spot can go.
	wantCode(t, e.putProviders("c", []string{"base"}), ecs.CodeResourceInUse)
	for _, arn := range spotARNs {
		_, err := e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{Cluster: "c", ContainerInstance: arn, Force: ptr(true)})
		wantCode(t, err, "")
	}
	wantCode(t, e.putProviders("c", []string{"base"}), "")
	del, err := e.svc.DeleteCapacityProvider(e.ctx, &ecsmodel.DeleteCapacityProviderRequest{CapacityProvider: account.CapacityProviderARN("spot")})
	wantCode(t, err, "")
	if del.CapacityProvider.Status != "INACTIVE" || del.CapacityProvider.UpdateStatus != "DELETE_COMPLETE" {
		t.Errorf("got %s %s, want INACTIVE DELETE_COMPLETE", del.CapacityProvider.Status, del.CapacityProvider.UpdateStatus)
	}
	_, err = e.svc.RunTask(e.ctx, runRequest(onCluster("c"), providers("spot", 0, 1)))
	wantCode(t, err, ecs.CodeInvalidParameter)

	// A deleted cluster lets go of its providers.
	for _, arn := range baseARNs {
		_, err := e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{Cluster: "c", ContainerInstance: arn, Force: ptr(true)})
		wantCode(t, err, "")
	}
	_, err = e.svc.DeleteCluster(e.ctx, &ecsmodel.DeleteClusterRequest{Cluster: "c"})
	wantCode(t, err, "")
	_, err = e.svc.DeleteCapacityProvider(e.ctx, &ecsmodel.DeleteCapacityProviderRequest{CapacityProvider: "base"})
	wantCode(t, err, "")
}

func TestCreateClusterWithProviders(t *testing.T) {
	e := newEnv(t)
	e.createProvider("cp")
	_, err := e.svc.CreateCluster(e.ctx, &ecsmodel.CreateClusterRequest{ClusterName: "x", CapacityProviders: []string{"missing"}})
	wantCode(t, err, ecs.CodeInvalidParameter)
	c := e.createCluster("y", func(r *ecsmodel.CreateClusterRequest) {
		r.CapacityProviders = []string{account.CapacityProviderARN("cp"), "FARGATE_SPOT"}
		r.DefaultCapacityProviderStrategy = []ecsmodel.CapacityProviderStrategyItem{{CapacityProvider: "cp", Weight: 1}}
	})
	if strings.Join(c.CapacityProviders, ",") != "cp,FARGATE_SPOT" {
		t.Errorf("got %v, want cp and FARGATE_SPOT", c.CapacityProviders)
	}
	_, err = e.svc.DeleteCapacityProvider(e.ctx, &ecsmodel.DeleteCapacityProviderRequest{CapacityProvider: "cp"})
	wantCode(t, err, ecs.CodeClient)
}

func TestFargateLaunch(t *testing.T) {
	e := newEnv(t)
	e.register(ecstest.Family("fg"), ecstest.Fargate())
	for _, zone := range []string{"us-east-1a", "us-east-1b"} {
		e.registerInstance(ecstest.CapacityProvider("FARGATE"), ecstest.Identity(ecstest.NewEC2InstanceID(), zone),
			ecstest.InstanceAttribute("ecs.capability.task-eni", ""))
	}
	out := e.run(taskDef("fg"), launchType("FARGATE"), count(4), vpc(1, 1), func(r *ecsmodel.RunTaskRequest) {
		r.Overrides = &ecsmodel.TaskOverride{EphemeralStorage: &ecsmodel.EphemeralStorage{SizeInGiB: 30}}
	})
	zones := map[string]int{}
	for _, task := range out.Tasks {
		zones[task.AvailabilityZone]++
		if task.LaunchType != "FARGATE" || task.PlatformVersion != "1.4.0" || task.PlatformFamily != "Linux" ||
			task.EphemeralStorage == nil || task.EphemeralStorage.SizeInGiB != 30 || len(task.Attachments) != 1 {
			t.Errorf("got %s %s %s storage %+v attachments %+v, want FARGATE 1.4.0 Linux 30 GiB and an ENI", task.LaunchType, task.PlatformVersion, task.PlatformFamily, task.EphemeralStorage, task.Attachments)
		}
	}
	if zones["us-east-1a"] != 2 || zones["us-east-1b"] != 2 {
		t.Errorf("got tasks per zone %v, want 2 and 2 (Fargate spreads over zones)", zones)
	}
	if c := e.describeCluster("default"); !equalAny(c.Statistics[3], ecsmodel.KeyValuePair{Name: "pendingFargateTasksCount", Value: "4"}) {
		t.Errorf("got statistics %+v, want 4 pending Fargate tasks", c.Statistics)
	}
}
