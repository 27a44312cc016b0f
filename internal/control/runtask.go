package control

import (
	"context"
	"slices"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/placement"
	"github.com/berth-io/berth/internal/store"
)

// RunTask launches count (1..10, default 1) tasks of a task definition,
// letting placement choose the instances.
//
// The request is validated first (see the launch_*.go files for the
// rules). Then, in each attempt: the cluster must be ACTIVE; a clientToken
// already used returns the first call's outcome (client_token.go); the task
// definition is resolved (family → latest ACTIVE revision); the count is
// split over the capacity provider strategy or launch type
// (capacity_strategy.go); the tasks are placed under the cluster's lock and
// committed without it, together with the token, on the condition that
// the cluster record, the chosen instances and the token are as read. An
// attempt whose commit fails a condition releases what it reserved and is
// run again.
//
// Tasks that cannot be placed are failures (the closest instance and the
// reason); a request that places nothing still succeeds. A cluster
// without any registered instance is an InvalidParameterException for
// launches that may use any instance (launch types other than FARGATE).
func (s *Service) RunTask(ctx context.Context, in *ecsmodel.RunTaskRequest) (*ecsmodel.RunTaskResponse, error) {
	count := 1
	if in.Count != nil {
		count = int(*in.Count)
	}
	if count < 1 || count > maxRunCount {
		return nil, ecs.InvalidParameter("count must be between 1 and %d.", maxRunCount)
	}
	if err := validateStartedBy(in.StartedBy, maxStartedByRunTask); err != nil {
		return nil, err
	}
	if err := validateReferenceID(in.ReferenceId); err != nil {
		return nil, err
	}
	if err := validateClientToken(in.ClientToken); err != nil {
		return nil, err
	}
	if in.LaunchType != "" && len(in.CapacityProviderStrategy) > 0 {
		return nil, ecs.InvalidParameter(msgLaunchTypeAndStrategy)
	}
	strategies, err := placementStrategies(in.PlacementStrategy)
	if err != nil {
		return nil, err
	}
	name, ok := s.clusterName(in.Cluster)
	if !ok {
		return nil, ecs.ClusterNotFound()
	}
	hash := ""
	if in.ClientToken != "" {
		hash = requestHash(in, name)
	}
	return retryLaunch(ctx, func() (*ecsmodel.RunTaskResponse, error) {
		return s.runOnce(ctx, in, name, count, hash, strategies)
	})
}

// runOnce is one attempt of RunTask.
func (s *Service) runOnce(ctx context.Context, in *ecsmodel.RunTaskRequest, name string, count int, hash string, strategies []placement.Strategy) (*ecsmodel.RunTaskResponse, error) {
	cluster, clusterRev, err := s.resolveCluster(ctx, name)
	if err != nil {
		return nil, err
	}
	var tok tokenState
	if in.ClientToken != "" {
		if tok, err = s.readToken(ctx, name, in.ClientToken); err != nil {
			return nil, err
		}
		if tok.rec != nil {
			return s.replay(ctx, name, tok.rec, hash)
		}
	}
	spec, err := s.buildSpec(ctx, name, &launchInput{
		taskDefinition: in.TaskDefinition, group: in.Group, startedBy: in.StartedBy, overrides: in.Overrides,
		tags: in.Tags, propagate: in.PropagateTags, managedTags: in.EnableECSManagedTags,
		enableExec: in.EnableExecuteCommand, network: in.NetworkConfiguration, referenceID: in.ReferenceId,
		volumes: in.VolumeConfigurations, platformVersion: in.PlatformVersion,
	})
	if err != nil {
		return nil, err
	}
	portions, err := launchPortions(cluster, in.LaunchType, in.CapacityProviderStrategy, spec.td, count)
	if err != nil {
		return nil, err
	}
	fargate := slices.ContainsFunc(portions, func(p portion) bool { return p.fargate })
	if err := validatePlatformVersion(in.PlatformVersion, fargate); err != nil {
		return nil, err
	}
	if fargate && len(in.PlacementConstraints) > 0 {
		return nil, ecs.InvalidParameter("Task placement constraints are not supported for tasks launched on Fargate.")
	}
	demand := spec.baseDemand()
	if demand.Constraints, err = placementConstraints(in.PlacementConstraints, spec.td.PlacementConstraints); err != nil {
		return nil, err
	}
	demand.Strategies = strategies
	if slices.ContainsFunc(portions, func(p portion) bool { return p.provider == placement.AnyCapacityProvider }) && s.instanceCount(name) == 0 {
		return nil, ecs.InvalidParameter("No Container Instances were found in your cluster.")
	}
	plan := &launchPlan{spec: spec, demand: demand, portions: portions,
		conds: []store.Cond{{Key: clusterKey(name), Kind: store.Unchanged, Revision: clusterRev}}}
	if in.ClientToken != "" {
		plan.conds = append(plan.conds, tok.cond)
		plan.token = &tokenRecord{Hash: hash, ExpiresAt: s.now().Add(s.tokenTTL)}
		plan.tokenKey = tok.key
	}
	res, err := s.launch(ctx, plan)
	if err != nil {
		return nil, err
	}
	out := &ecsmodel.RunTaskResponse{Tasks: make([]ecsmodel.Task, 0, len(res.recs)), Failures: nonNil(res.failures)}
	for _, rec := range res.recs {
		out.Tasks = append(out.Tasks, taskWithTags(rec, spec.tags))
	}
	return out, nil
}

// instanceCount is the number of the cluster's ACTIVE or DRAINING
// instances.
func (s *Service) instanceCount(cluster string) int {
	cs := s.state(cluster)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.liveInstances()
}
