package control

import (
	"context"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/placement"
)

// launchInput is what RunTask and StartTask have in common.
type launchInput struct {
	taskDefinition  string
	group           string
	startedBy       string
	overrides       *ecsmodel.TaskOverride
	tags            []ecsmodel.Tag
	propagate       ecsmodel.PropagateTags
	managedTags     bool
	enableExec      bool
	network         *ecsmodel.NetworkConfiguration
	referenceID     string
	volumes         []ecsmodel.TaskVolumeConfiguration
	platformVersion string
}

// launchTaskDef resolves the task definition of a launch: a family names
// its latest ACTIVE revision; an explicit revision must be ACTIVE.
func (s *Service) launchTaskDef(ctx context.Context, ref string) (*ecsmodel.TaskDefinition, error) {
	td, ok, err := s.resolveTaskDef(ctx, ref)
	if err != nil {
		return nil, err
	}
	if !ok || td.Status == tdDeleteInProgress {
		return nil, ecs.TaskDefinitionNotFound()
	}
	if td.Status != tdActive {
		return nil, ecs.ClientError("TaskDefinition is inactive")
	}
	return td, nil
}

// buildSpec validates what the tasks of a launch share and resolves it
// against the task definition and the cluster: overrides, network
// configuration, volume configurations, group and tags.
func (s *Service) buildSpec(ctx context.Context, cluster string, li *launchInput) (*taskSpec, error) {
	td, err := s.launchTaskDef(ctx, li.taskDefinition)
	if err != nil {
		return nil, err
	}
	if err := validateOverrides(td, li.overrides); err != nil {
		return nil, err
	}
	if err := validateNetwork(td, li.network); err != nil {
		return nil, err
	}
	if err := validateVolumeConfigurations(td, li.volumes); err != nil {
		return nil, err
	}
	group, err := taskGroup(li.group, td.Family)
	if err != nil {
		return nil, err
	}
	var defTags []ecsmodel.Tag
	if li.propagate == ecsmodel.PropagateTagsTaskDefinition {
		if defTags, err = loadTags(ctx, s.store, taskDefTagsKey(td.Family, td.Revision)); err != nil {
			return nil, err
		}
	}
	tags, err := taskTags(li.tags, li.propagate, defTags, li.managedTags, cluster)
	if err != nil {
		return nil, err
	}
	return &taskSpec{
		cluster:         cluster,
		td:              td,
		eff:             effectiveOf(td, li.overrides),
		overrides:       li.overrides,
		group:           group,
		startedBy:       li.startedBy,
		tags:            tags,
		network:         li.network,
		enableExec:      li.enableExec,
		referenceID:     li.referenceID,
		volumes:         li.volumes,
		platformVersion: li.platformVersion,
	}, nil
}

// baseDemand is the demand of one task of the spec, with group.
func (spec *taskSpec) baseDemand() placement.Demand {
	d := spec.eff.demand(spec.td)
	d.Group = spec.group
	return d
}

// validatePlatformVersion accepts a platform version only for Fargate
// launches: LATEST or a Linux platform version berth knows (1.4.0, 1.3.0).
func validatePlatformVersion(v string, fargate bool) error {
	if v == "" {
		return nil
	}
	if !fargate {
		return ecs.InvalidParameter("The platform version must be null when specifying an EC2 launch type.")
	}
	switch v {
	case "LATEST", "1.4.0", "1.3.0":
		return nil
	}
	return ecs.Errorf(ecs.CodePlatformUnknown, "The specified platform version (%s) does not exist.", v)
}

// resolveCluster reads a cluster record for a launch: it must be ACTIVE.
// The revision becomes a condition of the launch's commit. The cluster is
// shared (see clusterCache): do not change it.
func (s *Service) resolveCluster(ctx context.Context, name string) (*ecsmodel.Cluster, int64, error) {
	rec, rev, ok, err := s.readCluster(ctx, name)
	if err != nil {
		return nil, 0, err
	}
	if !ok || rec.Cluster.Status != clusterActive {
		return nil, 0, ecs.ClusterNotFound()
	}
	return &rec.Cluster, rev, nil
}

// taskWithTags is a record's task as launches and descriptions return
// it: with its tags.
func taskWithTags(rec *taskRecord, tags []ecsmodel.Tag) ecsmodel.Task {
	t := rec.Task
	t.Tags = nonNilTags(tags)
	return t
}
