package control_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

// vpc sets an awsvpc network configuration with n subnets and m security
// groups.
func vpc(n, m int) runOption {
	return func(r *ecsmodel.RunTaskRequest) {
		c := &ecsmodel.AwsVpcConfiguration{Subnets: []string{}}
		for i := range n {
			c.Subnets = append(c.Subnets, fmt.Sprintf("subnet-%d", i))
		}
		for i := range m {
			c.SecurityGroups = append(c.SecurityGroups, fmt.Sprintf("sg-%d", i))
		}
		r.NetworkConfiguration = &ecsmodel.NetworkConfiguration{AwsvpcConfiguration: c}
	}
}

func containerOverride(o ecsmodel.ContainerOverride) runOption {
	return func(r *ecsmodel.RunTaskRequest) {
		if r.Overrides == nil {
			r.Overrides = &ecsmodel.TaskOverride{}
		}
		r.Overrides.ContainerOverrides = append(r.Overrides.ContainerOverrides, o)
	}
}

func TestRunTaskValidation(t *testing.T) {
	e := newEnv(t)
	e.registerInstance(ecstest.InstanceAttribute("ecs.capability.task-eni", ""))
	e.register()
	e.register(ecstest.Family("vpc"), ecstest.NetworkMode(ecsmodel.NetworkModeAwsvpc))
	e.register(ecstest.Family("fg"), ecstest.Fargate())
	e.register(ecstest.Family("old"))
	e.deregister("old:1")
	e.register(ecstest.Family("placed"), func(r *ecsmodel.RegisterTaskDefinitionRequest) {
		for range 6 {
			r.PlacementConstraints = append(r.PlacementConstraints, ecsmodel.TaskDefinitionPlacementConstraint{Type: "memberOf", Expression: "attribute:ecs.os-type == linux"})
		}
	})
	bad := ecs.CodeInvalidParameter
	long := func(n int) string { return strings.Repeat("a", n) }
	memberOf := func(n int) runOption {
		return func(r *ecsmodel.RunTaskRequest) {
			for range n {
				constraint("memberOf", "agentConnected == true")(r)
			}
		}
	}
	for _, tc := range []struct {
		name string
		opts []runOption
		code string
		msg  string
	}{
		{"valid", nil, "", ""},
		{"count 0", []runOption{count(0)}, bad, "count must be between 1 and 10."},
		{"count 11", []runOption{count(11)}, bad, ""},
		{"count 10", []runOption{count(10)}, "", ""},
		{"startedBy 128", []runOption{startedBy(long(128))}, "", ""},
		{"startedBy 129", []runOption{startedBy(long(129))}, bad, ""},
		{"startedBy with a space", []runOption{startedBy("a b")}, bad, ""},
		{"startedBy service form", []runOption{startedBy("ecs-svc/1234567890123456789")}, "", ""},
		{"referenceId 1025", []runOption{func(r *ecsmodel.RunTaskRequest) { r.ReferenceId = long(1025) }}, bad, ""},
		{"clientToken 65", []runOption{token(long(65))}, bad, ""},
		{"clientToken 64", []runOption{token(long(64))}, "", ""},
		{"clientToken with a space", []runOption{token("a b")}, bad, ""},
		{"launch type and strategy", []runOption{launchType("EC2"), providers("FARGATE", 0, 1)}, bad, "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again."},
		{"six strategies", []runOption{strategy("random", "", "random", "", "random", "", "random", "", "random", "", "random", "")}, bad, ""},
		{"spread over cpu", []runOption{strategy("spread", "cpu")}, bad, ""},
		{"binpack over instanceId", []runOption{strategy("binpack", "instanceId")}, bad, ""},
		{"random with a field", []runOption{strategy("random", "cpu")}, bad, ""},
		{"unknown strategy", []runOption{strategy("pack", "cpu")}, bad, ""},
		{"spread over host", []runOption{strategy("spread", "host", "binpack", "CPU")}, "", ""},
		{"unknown cluster", []runOption{onCluster("nope")}, ecs.CodeClusterNotFound, "Cluster not found."},
		{"unknown task definition", []runOption{taskDef("nope")}, ecs.CodeClient, "TaskDefinition not found."},
		{"unknown revision", []runOption{taskDef("web:9")}, ecs.CodeClient, "TaskDefinition not found."},
		{"no ACTIVE revision", []runOption{taskDef("old")}, ecs.CodeClient, "TaskDefinition not found."},
		{"INACTIVE revision", []runOption{taskDef("old:1")}, ecs.CodeClient, "TaskDefinition is inactive"},
		{"ARN", []runOption{taskDef(account.TaskDefinitionARN("web", 1))}, "", ""},
		{"override of an unknown container", []runOption{containerOverride(ecsmodel.ContainerOverride{Name: "nope"})}, bad, "Override for container named nope is not a container in the TaskDefinition."},
		{"override without a name", []runOption{containerOverride(ecsmodel.ContainerOverride{Command: []string{"x"}})}, bad, ""},
		{"two overrides of a container", []runOption{containerOverride(ecsmodel.ContainerOverride{Name: "app"}), containerOverride(ecsmodel.ContainerOverride{Name: "app"})}, bad, ""},
		{"overrides past 8192 characters", []runOption{containerOverride(ecsmodel.ContainerOverride{Name: "app", Command: []string{long(4000), long(4000), long(200)}})}, bad, "Container Overrides length must be at most 8192"},
		{"memory below reservation", []runOption{containerOverride(ecsmodel.ContainerOverride{Name: "app", MemoryReservation: ptr[int32](256)})}, bad, ""},
		{"negative cpu", []runOption{containerOverride(ecsmodel.ContainerOverride{Name: "app", Cpu: ptr[int32](-1)})}, bad, ""},
		{"GPU count not a number", []runOption{containerOverride(ecsmodel.ContainerOverride{Name: "app", ResourceRequirements: []ecsmodel.ResourceRequirement{{Type: "GPU", Value: "x"}}})}, bad, ""},
		{"valid container override", []runOption{containerOverride(ecsmodel.ContainerOverride{Name: "app", Command: []string{"sh"}, Memory: ptr[int32](256), Environment: []ecsmodel.KeyValuePair{{Name: "A", Value: "1"}}})}, "", ""},
		{"ephemeral storage 20", []runOption{overrides(ecsmodel.TaskOverride{EphemeralStorage: &ecsmodel.EphemeralStorage{SizeInGiB: 20}})}, bad, ""},
		{"ephemeral storage 201", []runOption{overrides(ecsmodel.TaskOverride{EphemeralStorage: &ecsmodel.EphemeralStorage{SizeInGiB: 201}})}, bad, ""},
		{"ephemeral storage 21", []runOption{overrides(ecsmodel.TaskOverride{EphemeralStorage: &ecsmodel.EphemeralStorage{SizeInGiB: 21}})}, "", ""},
		{"task cpu override 64", []runOption{overrides(ecsmodel.TaskOverride{Cpu: "64"})}, bad, ""},
		{"task cpu override 1 vCPU", []runOption{overrides(ecsmodel.TaskOverride{Cpu: "1 vCPU", Memory: "1GB"})}, "", ""},
		{"task memory below a container", []runOption{overrides(ecsmodel.TaskOverride{Memory: "64"})}, bad, ""},
		{"role override not an ARN", []runOption{overrides(ecsmodel.TaskOverride{TaskRoleArn: "admin"})}, bad, ""},
		{"awsvpc without network configuration", []runOption{taskDef("vpc")}, bad, "Network Configuration must be provided when networkMode 'awsvpc' is specified."},
		{"bridge with network configuration", []runOption{vpc(1, 0)}, bad, "Network Configuration is not valid for the given networkMode of this task definition."},
		{"awsvpc without subnets", []runOption{taskDef("vpc"), vpc(0, 0)}, bad, ""},
		{"17 subnets", []runOption{taskDef("vpc"), vpc(17, 0)}, bad, ""},
		{"6 security groups", []runOption{taskDef("vpc"), vpc(1, 6)}, bad, ""},
		{"awsvpc", []runOption{taskDef("vpc"), vpc(16, 5)}, "", ""},
		{"aws: tag", []runOption{runTags(ecstest.Tags("AWS:x", "1")...)}, bad, ""},
		{"51 tags", []runOption{runTags(manyTags(51)...)}, bad, ""},
		{"50 tags and managed tags", []runOption{runTags(manyTags(50)...), func(r *ecsmodel.RunTaskRequest) { r.EnableECSManagedTags = true }}, "", ""},
		{"propagate SERVICE", []runOption{func(r *ecsmodel.RunTaskRequest) { r.PropagateTags = ecsmodel.PropagateTagsService }}, bad, ""},
		{"group 256", []runOption{group(long(256))}, bad, ""},
		{"group 255", []runOption{group(long(255))}, "", ""},
		{"11 constraints", []runOption{memberOf(11)}, bad, ""},
		{"10 constraints with the definition's", []runOption{taskDef("placed"), memberOf(4)}, "", ""},
		{"11 constraints with the definition's", []runOption{taskDef("placed"), memberOf(5)}, bad, ""},
		{"distinctInstance with an expression", []runOption{constraint("distinctInstance", "agentConnected == true")}, bad, "A distinctInstance placement constraint cannot have an expression."},
		{"memberOf without an expression", []runOption{constraint("memberOf", "")}, bad, ""},
		{"memberOf syntax error", []runOption{constraint("memberOf", "attribute:x ==")}, bad, `Invalid memberOf expression "attribute:x ==": invalid expression at position 14: expected value.`},
		{"platform version on EC2", []runOption{func(r *ecsmodel.RunTaskRequest) { r.PlatformVersion = "LATEST" }}, bad, "The platform version must be null when specifying an EC2 launch type."},
		{"unknown platform version", []runOption{taskDef("fg"), launchType("FARGATE"), vpc(1, 0), func(r *ecsmodel.RunTaskRequest) { r.PlatformVersion = "9.9.9" }}, ecs.CodePlatformUnknown, ""},
		{"Fargate with constraints", []runOption{taskDef("fg"), launchType("FARGATE"), vpc(1, 0), constraint("distinctInstance", "")}, bad, ""},
		{"FARGATE for an EC2 definition", []runOption{launchType("FARGATE")}, bad, "Task definition does not support launch_type FARGATE."},
		{"EXTERNAL for an awsvpc definition", []runOption{taskDef("vpc"), vpc(1, 0), launchType("EXTERNAL")}, bad, "Task definition does not support launch_type EXTERNAL."},
		{"provider not associated", []runOption{providers("FARGATE", 0, 1)}, bad, "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again."},
		{"unknown volume configuration", []runOption{func(r *ecsmodel.RunTaskRequest) {
			r.VolumeConfigurations = []ecsmodel.TaskVolumeConfiguration{{Name: "data"}}
		}}, bad, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.RunTask(e.ctx, runRequest(tc.opts...))
			if tc.msg != "" {
				wantError(t, err, tc.code, tc.msg)
				return
			}
			wantCode(t, err, tc.code)
		})
	}
}

func TestRunTaskStrategyValidation(t *testing.T) {
	e := newEnv(t)
	e.createCluster("cp")
	for _, n := range []string{"a", "b"} {
		_, err := e.svc.CreateCapacityProvider(e.ctx, &ecsmodel.CreateCapacityProviderRequest{Name: n})
		wantCode(t, err, "")
	}
	_, err := e.svc.PutClusterCapacityProviders(e.ctx, &ecsmodel.PutClusterCapacityProvidersRequest{Cluster: "cp", CapacityProviders: []string{"a", "b", "FARGATE"}, DefaultCapacityProviderStrategy: []ecsmodel.CapacityProviderStrategyItem{}})
	wantCode(t, err, "")
	e.register()
	bad := ecs.CodeInvalidParameter
	for _, tc := range []struct {
		name  string
		items []any
		code  string
	}{
		{"two bases", []any{"a", 1, 1, "b", 1, 1}, bad},
		{"no weight", []any{"a", 1, 0, "b", 0, 0}, bad},
		{"a provider twice", []any{"a", 0, 1, "a", 0, 1}, bad},
		{"Fargate mixed with others", []any{"a", 0, 1, "FARGATE", 0, 1}, bad},
		{"not associated", []any{"a", 0, 1, "c", 0, 1}, bad},
		{"valid", []any{"a", 1, 1, "b", 0, 4}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.RunTask(e.ctx, runRequest(onCluster("cp"), providers(tc.items...)))
			wantCode(t, err, tc.code)
		})
	}
}
