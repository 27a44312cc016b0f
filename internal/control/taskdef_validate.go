package control

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/placement/expr"
)

// RegisterTaskDefinition validation. The model's own checks (required
// members, enums) have run at the edge; these are ECS's semantic rules, with
// ECS's messages where they are known. All are ClientException, as ECS
// reports task definition problems.

// Task definition limits.
const (
	maxContainers         = 10
	maxTaskDefBytes       = 64 * 1024
	maxPlacementConstr    = 10
	maxPortNumber         = 65535
	defaultTransport      = ecsmodel.TransportProtocolTcp
	fargateOnlyNetworkMsg = "Fargate only supports network mode 'awsvpc'."
)

// taskDefError is the ClientException of an invalid task definition.
func taskDefError(format string, args ...any) error { return ecs.ClientError(format, args...) }

// buildTaskDefinition validates in and returns the task definition as berth
// stores it, without the registration fields (revision, ARN, status, times).
func buildTaskDefinition(in *ecsmodel.RegisterTaskDefinitionRequest) (ecsmodel.TaskDefinition, error) {
	var td ecsmodel.TaskDefinition
	if in.Family == "" {
		return td, taskDefError("Family can not be blank.")
	}
	if len(in.Family) > maxNameLen {
		return td, taskDefError("Family can have at most %d characters.", maxNameLen)
	}
	if !validName(in.Family, maxNameLen) {
		return td, taskDefError("Family contains invalid characters.")
	}
	if len(in.ContainerDefinitions) == 0 {
		return td, taskDefError("Container list cannot be empty.")
	}
	if len(in.ContainerDefinitions) > maxContainers {
		return td, taskDefError("Too many containers.")
	}
	if b, err := json.Marshal(in); err != nil || len(b) > maxTaskDefBytes {
		return td, taskDefError("The task definition is larger than the limit of 64 KiB.")
	}
	if err := validateTags(in.Tags); err != nil {
		return td, err
	}
	mode := in.NetworkMode
	if mode == "" {
		mode = ecsmodel.NetworkModeBridge
	}
	fargate := slices.Contains(in.RequiresCompatibilities, ecsmodel.CompatibilityFargate)

	td = ecsmodel.TaskDefinition{
		Family:                  in.Family,
		TaskRoleArn:             in.TaskRoleArn,
		ExecutionRoleArn:        in.ExecutionRoleArn,
		NetworkMode:             in.NetworkMode,
		Volumes:                 nonNil(in.Volumes),
		PlacementConstraints:    nonNil(in.PlacementConstraints),
		RequiresCompatibilities: dedupe(in.RequiresCompatibilities),
		PidMode:                 in.PidMode,
		IpcMode:                 in.IpcMode,
		ProxyConfiguration:      in.ProxyConfiguration,
		InferenceAccelerators:   in.InferenceAccelerators,
		EphemeralStorage:        in.EphemeralStorage,
		RuntimePlatform:         in.RuntimePlatform,
		EnableFaultInjection:    in.EnableFaultInjection,
	}
	cpu, memory, err := taskSize(in.Cpu, in.Memory, fargate)
	if err != nil {
		return td, err
	}
	if cpu > 0 {
		td.Cpu = strconv.FormatInt(cpu, 10)
	}
	if memory > 0 {
		td.Memory = strconv.FormatInt(memory, 10)
	}
	if fargate {
		if mode != ecsmodel.NetworkModeAwsvpc {
			return td, taskDefError(fargateOnlyNetworkMsg)
		}
		if len(in.PlacementConstraints) > 0 {
			return td, taskDefError("Task definition placement constraints are not supported on Fargate.")
		}
	}
	if err := validateVolumes(in.Volumes); err != nil {
		return td, err
	}
	containers, err := buildContainers(in.ContainerDefinitions, mode, memory > 0, in.Volumes)
	if err != nil {
		return td, err
	}
	if cpu > 0 {
		var sum int64
		for _, c := range containers {
			sum += int64(c.Cpu)
		}
		if sum > cpu {
			return td, taskDefError("The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.")
		}
	}
	td.ContainerDefinitions = containers
	if err := validatePlacementConstraints(in.PlacementConstraints); err != nil {
		return td, err
	}
	td.RequiresAttributes = requiredAttributes(&td)
	td.Compatibilities = compatibilities(&td, cpu, memory)
	return td, nil
}

// taskSize converts and checks the task-level cpu and memory (0 when
// absent). Fargate needs both, in one of its combinations.
func taskSize(cpuStr, memStr string, fargate bool) (cpu, memory int64, err error) {
	if cpuStr != "" {
		var ok bool
		if cpu, ok = parseTaskCPU(cpuStr); !ok || (!fargate && (cpu < minTaskCPU || cpu > maxTaskCPU)) {
			return 0, 0, taskDefError("Invalid 'cpu' setting for task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.")
		}
	}
	if memStr != "" {
		var ok bool
		if memory, ok = parseTaskMemory(memStr); !ok {
			return 0, 0, taskDefError("Invalid 'memory' setting for task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.")
		}
	}
	if !fargate {
		return cpu, memory, nil
	}
	if cpu == 0 {
		return 0, 0, taskDefError("Fargate requires that 'cpu' be defined at the task level.")
	}
	if memory == 0 {
		return 0, 0, taskDefError("Fargate requires that 'memory' be defined at the task level.")
	}
	if !validFargateSize(cpu, memory) {
		return 0, 0, taskDefError("No Fargate configuration exists for given values: %d CPU, %d memory. See the Amazon ECS documentation for the valid values.", cpu, memory)
	}
	return cpu, memory, nil
}

// validateVolumes checks that volume names are valid and unique.
func validateVolumes(volumes []ecsmodel.Volume) error {
	seen := map[string]bool{}
	for _, v := range volumes {
		if !validName(v.Name, maxNameLen) {
			return taskDefError("Invalid volume name %q: up to 255 letters, numbers, hyphens and underscores are allowed.", v.Name)
		}
		if seen[v.Name] {
			return taskDefError("Volume names must be unique within a Task Definition: %q.", v.Name)
		}
		seen[v.Name] = true
	}
	return nil
}

// validatePlacementConstraints checks the task definition's constraints: at
// most 10, each memberOf with a valid cluster query expression.
func validatePlacementConstraints(pcs []ecsmodel.TaskDefinitionPlacementConstraint) error {
	if len(pcs) > maxPlacementConstr {
		return taskDefError("A task definition can have at most %d placement constraints.", maxPlacementConstr)
	}
	for _, pc := range pcs {
		if pc.Type != ecsmodel.TaskDefinitionPlacementConstraintTypeMemberof {
			return taskDefError("Task definition placement constraints must be of type memberOf.")
		}
		if pc.Expression == "" {
			return taskDefError("A memberOf placement constraint needs an expression.")
		}
		if _, err := expr.Parse(pc.Expression); err != nil {
			return taskDefError("Invalid placement constraint expression %q: %v.", pc.Expression, err)
		}
	}
	return nil
}

// nonNil turns a nil list into an empty one, which the wire shows as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// dedupe drops repeated values, keeping the first of each.
func dedupe[T comparable](s []T) []T {
	var out []T
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
