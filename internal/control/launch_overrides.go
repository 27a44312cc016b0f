package control

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// Override limits.
const (
	maxOverridesLen    = 8192 // characters of the overrides' JSON, ECS's limit
	maxEnvFiles        = 10
	minEphemeralGiB    = 21
	maxEphemeralGiB    = 200
	maxContainerGPUs   = 64
	maxOverrideCommand = 1 << 12
)

// validateOverrides checks the overrides of RunTask/StartTask against the
// task definition: at most 8192 characters of JSON, container overrides
// naming containers of the definition (each once), sensible CPU, memory
// and GPU values, task-level cpu and memory ECS would accept, ephemeral
// storage of 21..200 GiB and role overrides that are ARNs. Violations are
// InvalidParameterException.
func validateOverrides(td *ecsmodel.TaskDefinition, ov *ecsmodel.TaskOverride) error {
	if ov == nil {
		return nil
	}
	b, err := json.Marshal(ov)
	if err != nil || len(b) > maxOverridesLen {
		return ecs.InvalidParameter("Container Overrides length must be at most %d", maxOverridesLen)
	}
	defs := map[string]*ecsmodel.ContainerDefinition{}
	for i := range td.ContainerDefinitions {
		defs[td.ContainerDefinitions[i].Name] = &td.ContainerDefinitions[i]
	}
	seen := map[string]bool{}
	for _, o := range ov.ContainerOverrides {
		if o.Name == "" {
			return ecs.InvalidParameter("Container override name must be specified.")
		}
		def := defs[o.Name]
		if def == nil {
			return ecs.InvalidParameter("Override for container named %s is not a container in the TaskDefinition.", o.Name)
		}
		if seen[o.Name] {
			return ecs.InvalidParameter("Container %s has more than one override.", o.Name)
		}
		seen[o.Name] = true
		if err := validateContainerOverride(def, &o); err != nil {
			return err
		}
	}
	if err := validateTaskSizeOverride(td, ov); err != nil {
		return err
	}
	if es := ov.EphemeralStorage; es != nil && (es.SizeInGiB < minEphemeralGiB || es.SizeInGiB > maxEphemeralGiB) {
		return ecs.InvalidParameter("The ephemeral storage size must be between %d and %d GiB.", minEphemeralGiB, maxEphemeralGiB)
	}
	for _, r := range []struct{ name, arn string }{{"executionRoleArn", ov.ExecutionRoleArn}, {"taskRoleArn", ov.TaskRoleArn}} {
		if r.arn != "" && !strings.HasPrefix(r.arn, "arn:") {
			return ecs.InvalidParameter("Invalid %s override %q: an IAM role ARN is required.", r.name, r.arn)
		}
	}
	return nil
}

// validateContainerOverride checks one container override.
func validateContainerOverride(def *ecsmodel.ContainerDefinition, o *ecsmodel.ContainerOverride) error {
	if o.Cpu != nil && *o.Cpu < 0 {
		return ecs.InvalidParameter("Invalid cpu override for container %s.", o.Name)
	}
	if o.Memory != nil && *o.Memory <= 0 || o.MemoryReservation != nil && *o.MemoryReservation <= 0 {
		return ecs.InvalidParameter("Invalid memory override for container %s: the value must be positive.", o.Name)
	}
	mem, res := def.Memory, def.MemoryReservation
	if o.Memory != nil {
		mem = o.Memory
	}
	if o.MemoryReservation != nil {
		res = o.MemoryReservation
	}
	if mem != nil && res != nil && *mem < *res {
		return ecs.InvalidParameter("Invalid memory override for container %s: memory must be greater than or equal to memoryReservation.", o.Name)
	}
	if len(o.EnvironmentFiles) > maxEnvFiles {
		return ecs.InvalidParameter("Container %s can have at most %d environment files.", o.Name, maxEnvFiles)
	}
	for _, f := range o.EnvironmentFiles {
		if f.Value == "" {
			return ecs.InvalidParameter("Environment file of container %s needs a value (an S3 object ARN).", o.Name)
		}
	}
	n := 0
	for _, c := range o.Command {
		n += len(c)
	}
	if n > maxOverrideCommand {
		return ecs.InvalidParameter("The command override of container %s is too long.", o.Name)
	}
	for _, r := range o.ResourceRequirements {
		if r.Type != ecsmodel.ResourceTypeGpu {
			continue
		}
		if v, err := strconv.Atoi(r.Value); err != nil || v < 1 || v > maxContainerGPUs {
			return ecs.InvalidParameter("Invalid GPU resource requirement %q for container %s: a positive number of GPUs is required.", r.Value, o.Name)
		}
	}
	return nil
}

// validateTaskSizeOverride checks task-level cpu and memory overrides: ECS's
// units (a Fargate size for Fargate definitions, 128..196608 CPU units
// otherwise) and room for the containers' cpu and hard memory limits.
func validateTaskSizeOverride(td *ecsmodel.TaskDefinition, ov *ecsmodel.TaskOverride) error {
	if ov.Cpu == "" && ov.Memory == "" {
		return nil
	}
	var cpu, mem int64
	var ok bool
	if ov.Cpu != "" {
		if cpu, ok = parseTaskCPU(ov.Cpu); !ok || cpu < minTaskCPU || cpu > maxTaskCPU {
			return ecs.InvalidParameter("Invalid cpu override %q.", ov.Cpu)
		}
	} else {
		cpu, _ = parseTaskCPU(td.Cpu)
	}
	if ov.Memory != "" {
		if mem, ok = parseTaskMemory(ov.Memory); !ok {
			return ecs.InvalidParameter("Invalid memory override %q.", ov.Memory)
		}
	} else {
		mem, _ = parseTaskMemory(td.Memory)
	}
	for _, c := range td.RequiresCompatibilities {
		if c == ecsmodel.CompatibilityFargate && !validFargateSize(cpu, mem) {
			return ecs.InvalidParameter("No Fargate configuration exists for given values: %d CPU, %d memory.", cpu, mem)
		}
	}
	e := effectiveOf(td, ov)
	var sumCPU int64
	for _, c := range e.containers {
		sumCPU += int64(c.cpu)
		if c.memory != nil && mem > 0 && int64(*c.memory) > mem {
			return ecs.InvalidParameter("The memory override is smaller than a container's memory.")
		}
	}
	if cpu > 0 && sumCPU > cpu {
		return ecs.InvalidParameter("The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.")
	}
	return nil
}
