package ecstest

import (
	"github.com/berth-io/berth/internal/ecsmodel"
)

// Defaults of TaskDefinition and Container.
const (
	DefaultFamily        = "web"
	DefaultContainerName = "app"
	DefaultImage         = "public.ecr.aws/nginx/nginx:latest"
	DefaultMemory        = 128
)

// TaskDefOption changes a RegisterTaskDefinitionRequest.
type TaskDefOption func(*ecsmodel.RegisterTaskDefinitionRequest)

// TaskDefinition returns a request that registers family "web" with one
// container "app" (DefaultImage, 128 MiB hard limit, essential by default)
// and no network mode (bridge), then applies opts.
func TaskDefinition(opts ...TaskDefOption) *ecsmodel.RegisterTaskDefinitionRequest {
	req := &ecsmodel.RegisterTaskDefinitionRequest{
		Family:               DefaultFamily,
		ContainerDefinitions: []ecsmodel.ContainerDefinition{Container(DefaultContainerName)},
	}
	for _, o := range opts {
		o(req)
	}
	return req
}

// Family sets the family.
func Family(name string) TaskDefOption {
	return func(r *ecsmodel.RegisterTaskDefinitionRequest) { r.Family = name }
}

// NetworkMode sets the network mode.
func NetworkMode(m ecsmodel.NetworkMode) TaskDefOption {
	return func(r *ecsmodel.RegisterTaskDefinitionRequest) { r.NetworkMode = m }
}

// TaskSize sets the task-level cpu and memory strings ("" leaves one unset).
func TaskSize(cpu, memory string) TaskDefOption {
	return func(r *ecsmodel.RegisterTaskDefinitionRequest) { r.Cpu, r.Memory = cpu, memory }
}

// RequiresCompatibilities sets the launch types the definition must suit.
func RequiresCompatibilities(c ...ecsmodel.Compatibility) TaskDefOption {
	return func(r *ecsmodel.RegisterTaskDefinitionRequest) { r.RequiresCompatibilities = c }
}

// Fargate makes a definition Fargate can run: FARGATE required, awsvpc,
// 256 CPU units and 512 MiB.
func Fargate() TaskDefOption {
	return func(r *ecsmodel.RegisterTaskDefinitionRequest) {
		r.RequiresCompatibilities = []ecsmodel.Compatibility{ecsmodel.CompatibilityFargate}
		r.NetworkMode = ecsmodel.NetworkModeAwsvpc
		r.Cpu, r.Memory = "256", "512"
	}
}

// Containers replaces the container definitions.
func Containers(cs ...ecsmodel.ContainerDefinition) TaskDefOption {
	return func(r *ecsmodel.RegisterTaskDefinitionRequest) { r.ContainerDefinitions = cs }
}

// AddContainer appends a container definition.
func AddContainer(c ecsmodel.ContainerDefinition) TaskDefOption {
	return func(r *ecsmodel.RegisterTaskDefinitionRequest) {
		r.ContainerDefinitions = append(r.ContainerDefinitions, c)
	}
}

// TaskDefTags sets the tags of the registration.
func TaskDefTags(tags ...ecsmodel.Tag) TaskDefOption {
	return func(r *ecsmodel.RegisterTaskDefinitionRequest) { r.Tags = tags }
}

// MemberOf adds a memberOf placement constraint.
func MemberOf(expression string) TaskDefOption {
	return func(r *ecsmodel.RegisterTaskDefinitionRequest) {
		r.PlacementConstraints = append(r.PlacementConstraints, ecsmodel.TaskDefinitionPlacementConstraint{
			Type:       ecsmodel.TaskDefinitionPlacementConstraintTypeMemberof,
			Expression: expression,
		})
	}
}

// TaskRole sets the task role ARN.
func TaskRole(arn string) TaskDefOption {
	return func(r *ecsmodel.RegisterTaskDefinitionRequest) { r.TaskRoleArn = arn }
}

// ExecutionRole sets the execution role ARN.
func ExecutionRole(arn string) TaskDefOption {
	return func(r *ecsmodel.RegisterTaskDefinitionRequest) { r.ExecutionRoleArn = arn }
}

// Volumes sets the task's volumes by name (host volumes managed by Docker).
func Volumes(names ...string) TaskDefOption {
	return func(r *ecsmodel.RegisterTaskDefinitionRequest) {
		r.Volumes = nil
		for _, n := range names {
			r.Volumes = append(r.Volumes, ecsmodel.Volume{Name: n})
		}
	}
}

// Tags builds tags from key, value pairs; an odd trailing key gets an empty
// value.
func Tags(kv ...string) []ecsmodel.Tag {
	var out []ecsmodel.Tag
	for i := 0; i < len(kv); i += 2 {
		t := ecsmodel.Tag{Key: kv[i]}
		if i+1 < len(kv) {
			t.Value = kv[i+1]
		}
		out = append(out, t)
	}
	return out
}
