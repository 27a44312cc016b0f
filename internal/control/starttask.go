package control

import (
	"context"
	"strings"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/placement"
	"github.com/berth-io/berth/internal/store"
)

// maxStartInstances is how many container instances StartTask may name.
const maxStartInstances = 10

// StartTask launches one task of a task definition on each listed container
// instance (ids or ARNs, 1..10), with launch type EC2. Placement
// constraints and strategies do not apply; an instance is a failure when it
// is unknown (MISSING), not ACTIVE (INACTIVE), has its agent disconnected
// (AGENT), lacks a required attribute (ATTRIBUTE) or the resources
// (RESOURCE:*). group, overrides, tags, networkConfiguration,
// propagateTags, enableECSManagedTags, enableExecuteCommand and
// referenceId are as in RunTask; startedBy is limited to 36 characters.
// The commit carries the same conditions as RunTask's (without a token).
func (s *Service) StartTask(ctx context.Context, in *ecsmodel.StartTaskRequest) (*ecsmodel.StartTaskResponse, error) {
	if len(in.ContainerInstances) == 0 {
		return nil, ecs.InvalidParameter("Container instances cannot be empty.")
	}
	if len(in.ContainerInstances) > maxStartInstances {
		return nil, ecs.InvalidParameter("containerInstances can have at most %d items.", maxStartInstances)
	}
	if err := validateStartedBy(in.StartedBy, maxStartedByStartTask); err != nil {
		return nil, err
	}
	if err := validateReferenceID(in.ReferenceId); err != nil {
		return nil, err
	}
	name, ok := s.clusterName(in.Cluster)
	if !ok {
		return nil, ecs.ClusterNotFound()
	}
	return retryLaunch(ctx, func() (*ecsmodel.StartTaskResponse, error) {
		return s.startOnce(ctx, in, name)
	})
}

// startOnce is one attempt of StartTask.
func (s *Service) startOnce(ctx context.Context, in *ecsmodel.StartTaskRequest, name string) (*ecsmodel.StartTaskResponse, error) {
	_, clusterRev, err := s.resolveCluster(ctx, name)
	if err != nil {
		return nil, err
	}
	spec, err := s.buildSpec(ctx, name, &launchInput{
		taskDefinition: in.TaskDefinition, group: in.Group, startedBy: in.StartedBy, overrides: in.Overrides,
		tags: in.Tags, propagate: in.PropagateTags, managedTags: in.EnableECSManagedTags,
		enableExec: in.EnableExecuteCommand, network: in.NetworkConfiguration, referenceID: in.ReferenceId,
		volumes: in.VolumeConfigurations,
	})
	if err != nil {
		return nil, err
	}
	ids := []string{}
	var missing []ecsmodel.Failure
	for _, ref := range in.ContainerInstances {
		id, ok, err := s.instanceID(name, ref)
		if err != nil {
			return nil, err
		}
		if !ok {
			missing = append(missing, ecsmodel.Failure{Arn: s.instanceARNOf(name, ref), Reason: string(placement.ReasonMissing)})
			continue
		}
		ids = append(ids, id)
	}
	res, err := s.launch(ctx, &launchPlan{spec: spec, demand: spec.baseDemand(), on: ids,
		conds: []store.Cond{{Key: clusterKey(name), Kind: store.Unchanged, Revision: clusterRev}}})
	if err != nil {
		return nil, err
	}
	out := &ecsmodel.StartTaskResponse{Tasks: make([]ecsmodel.Task, 0, len(res.recs)), Failures: append(nonNil(missing), res.failures...)}
	for i, f := range out.Failures {
		if !strings.HasPrefix(f.Arn, "arn:") {
			out.Failures[i].Arn = s.account.ContainerInstanceARN(name, f.Arn)
		}
	}
	for _, rec := range res.recs {
		out.Tasks = append(out.Tasks, taskWithTags(rec, spec.tags))
	}
	return out, nil
}
