package control

import (
	"slices"
	"strings"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// Attributes a task definition requires of the instance that runs it
// (requiresAttributes). ECS derives many; berth derives this modest set,
// each from a feature the agent must support:
//
//	networkMode awsvpc                       ecs.capability.task-eni
//	taskRoleArn                              com.amazonaws.ecs.capability.task-iam-role
//	logConfiguration.logDriver <d>           com.amazonaws.ecs.capability.logging-driver.<d>
//	executionRoleArn with awslogs            ecs.capability.execution-role-awslogs
//	privileged                               com.amazonaws.ecs.capability.privileged-container
//	healthCheck                              ecs.capability.container-health-check
//	dependsOn                                ecs.capability.container-ordering
//	image from ECR (*.dkr.ecr.*)             com.amazonaws.ecs.capability.ecr-auth, and
//	                                         ecs.capability.execution-role-ecr-pull with
//	                                         an executionRoleArn
//
// The list is sorted by name; each attribute is name-only.
const (
	attrTaskENI          = "ecs.capability.task-eni"
	attrTaskIAMRole      = "com.amazonaws.ecs.capability.task-iam-role"
	attrLoggingDriver    = "com.amazonaws.ecs.capability.logging-driver."
	attrExecRoleAwslogs  = "ecs.capability.execution-role-awslogs"
	attrPrivileged       = "com.amazonaws.ecs.capability.privileged-container"
	attrHealthCheck      = "ecs.capability.container-health-check"
	attrContainerOrder   = "ecs.capability.container-ordering"
	attrECRAuth          = "com.amazonaws.ecs.capability.ecr-auth"
	attrExecRoleECRPull  = "ecs.capability.execution-role-ecr-pull"
	awslogsDriver        = "awslogs"
	ecrRegistryHostToken = ".dkr.ecr."
)

// requiredAttributes derives requiresAttributes for td.
func requiredAttributes(td *ecsmodel.TaskDefinition) []ecsmodel.Attribute {
	var names []string
	add := func(n string) {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if td.NetworkMode == ecsmodel.NetworkModeAwsvpc {
		add(attrTaskENI)
	}
	if td.TaskRoleArn != "" {
		add(attrTaskIAMRole)
	}
	for _, c := range td.ContainerDefinitions {
		if lc := c.LogConfiguration; lc != nil && lc.LogDriver != "" {
			add(attrLoggingDriver + string(lc.LogDriver))
			if lc.LogDriver == awslogsDriver && td.ExecutionRoleArn != "" {
				add(attrExecRoleAwslogs)
			}
		}
		if c.Privileged != nil && *c.Privileged {
			add(attrPrivileged)
		}
		if c.HealthCheck != nil {
			add(attrHealthCheck)
		}
		if len(c.DependsOn) > 0 {
			add(attrContainerOrder)
		}
		if strings.Contains(c.Image, ecrRegistryHostToken) {
			add(attrECRAuth)
			if td.ExecutionRoleArn != "" {
				add(attrExecRoleECRPull)
			}
		}
	}
	slices.Sort(names)
	out := make([]ecsmodel.Attribute, len(names))
	for i, n := range names {
		out[i] = ecsmodel.Attribute{Name: n}
	}
	return out
}

// compatibilities lists the launch types td can run on: EC2 always;
// EXTERNAL unless it uses awsvpc (external instances have no ENIs);
// FARGATE when it is awsvpc with a Fargate task size and no placement
// constraints; MANAGED_INSTANCES when requested. Requested launch types
// were validated, so each of them is in the list.
func compatibilities(td *ecsmodel.TaskDefinition, cpu, memory int64) []ecsmodel.Compatibility {
	out := []ecsmodel.Compatibility{ecsmodel.CompatibilityEc2}
	awsvpc := td.NetworkMode == ecsmodel.NetworkModeAwsvpc
	if !awsvpc {
		out = append(out, ecsmodel.CompatibilityExternal)
	}
	if awsvpc && validFargateSize(cpu, memory) && len(td.PlacementConstraints) == 0 {
		out = append(out, ecsmodel.CompatibilityFargate)
	}
	for _, c := range td.RequiresCompatibilities {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}
