package control

import (
	"context"
	"strconv"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// Cluster statuses berth uses.
const (
	clusterActive         = "ACTIVE"
	clusterDeprovisioning = "DEPROVISIONING"
	clusterInactive       = "INACTIVE"
)

// Values of the containerInsights cluster setting.
var containerInsightsValues = []string{"enabled", "disabled", "enhanced"}

// newCluster is a fresh ACTIVE cluster record for name: containerInsights
// disabled, no capacity providers, unless the request sets them.
func (s *Service) newCluster(name string, in *ecsmodel.CreateClusterRequest) ecsmodel.Cluster {
	c := ecsmodel.Cluster{
		ClusterArn:                      s.account.ClusterARN(name),
		ClusterName:                     name,
		Status:                          clusterActive,
		Settings:                        []ecsmodel.ClusterSetting{{Name: ecsmodel.ClusterSettingNameContainerinsights, Value: "disabled"}},
		CapacityProviders:               []string{},
		DefaultCapacityProviderStrategy: []ecsmodel.CapacityProviderStrategyItem{},
	}
	if in == nil {
		return c
	}
	c.Settings = mergeSettings(c.Settings, in.Settings)
	c.Configuration = in.Configuration
	if in.CapacityProviders != nil {
		c.CapacityProviders = in.CapacityProviders
	}
	if in.DefaultCapacityProviderStrategy != nil {
		c.DefaultCapacityProviderStrategy = in.DefaultCapacityProviderStrategy
	}
	if in.ServiceConnectDefaults != nil {
		c.ServiceConnectDefaults = &ecsmodel.ClusterServiceConnectDefaults{Namespace: in.ServiceConnectDefaults.Namespace}
	}
	return c
}

// validateSettings checks cluster settings beyond the model's enum of names.
func validateSettings(settings []ecsmodel.ClusterSetting) error {
	for _, st := range settings {
		if st.Name != ecsmodel.ClusterSettingNameContainerinsights {
			return ecs.InvalidParameter("Unknown cluster setting %q: the only setting is containerInsights.", st.Name)
		}
		ok := false
		for _, v := range containerInsightsValues {
			ok = ok || st.Value == v
		}
		if !ok {
			return ecs.InvalidParameter("Invalid value %q for cluster setting %s: use enabled, disabled or enhanced.", st.Value, st.Name)
		}
	}
	return nil
}

// mergeSettings sets each of update in settings, by name.
func mergeSettings(settings, update []ecsmodel.ClusterSetting) []ecsmodel.ClusterSetting {
	out := append([]ecsmodel.ClusterSetting(nil), settings...)
	for _, u := range update {
		replaced := false
		for i := range out {
			if out[i].Name == u.Name {
				out[i].Value = u.Value
				replaced = true
			}
		}
		if !replaced {
			out = append(out, u)
		}
	}
	return out
}

// clusterFields says which optional parts a cluster view carries.
type clusterFields struct {
	tags, settings, statistics, configuration bool
}

// fieldsOf maps DescribeClusters include values.
func fieldsOf(include []ecsmodel.ClusterField) clusterFields {
	var f clusterFields
	for _, x := range include {
		switch x {
		case ecsmodel.ClusterFieldTags:
			f.tags = true
		case ecsmodel.ClusterFieldSettings:
			f.settings = true
		case ecsmodel.ClusterFieldStatistics:
			f.statistics = true
		case ecsmodel.ClusterFieldConfigurations:
			f.configuration = true
		}
	}
	return f
}

// clusterCounts are the counters every cluster view carries: instances
// ACTIVE or DRAINING, and tasks by last status (RUNNING, PENDING), in all
// and launched on Fargate.
type clusterCounts struct {
	instances, running, pending    int32
	fargateRunning, fargatePending int32
}

// countCluster reads the counters from the cluster's index.
func (s *Service) countCluster(name string) clusterCounts {
	cs := s.state(name)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c := clusterCounts{instances: int32(cs.liveInstances())}
	for _, t := range cs.tasks {
		if !t.committed {
			continue
		}
		fargate := t.launchType == string(ecsmodel.LaunchTypeFargate)
		switch t.last {
		case statusRunning:
			c.running++
			if fargate {
				c.fargateRunning++
			}
		case statusPending:
			c.pending++
			if fargate {
				c.fargatePending++
			}
		}
	}
	return c
}

// clusterView is the Cluster shape as Describe/Create/Update return it:
// the record, the counters, and the optional parts f asks for.
func (s *Service) clusterView(ctx context.Context, c ecsmodel.Cluster, f clusterFields) (ecsmodel.Cluster, error) {
	counts := s.countCluster(c.ClusterName)
	c.RegisteredContainerInstancesCount = counts.instances
	c.RunningTasksCount = counts.running
	c.PendingTasksCount = counts.pending
	c.ActiveServicesCount = 0 // services are not implemented yet
	if !f.settings {
		c.Settings = nil
	}
	if !f.configuration {
		c.Configuration = nil
	}
	c.Statistics = []ecsmodel.KeyValuePair{}
	if f.statistics {
		c.Statistics = clusterStatistics(counts)
	}
	if f.tags {
		tags, err := loadTags(ctx, s.store, clusterTagsKey(c.ClusterName))
		if err != nil {
			return ecsmodel.Cluster{}, err
		}
		c.Tags = nonNilTags(tags)
	}
	return c, nil
}

// clusterStatistics is the STATISTICS list. Tasks launched with launch
// type FARGATE (or a Fargate capacity provider) count as Fargate tasks,
// all others as EC2 tasks; services are not implemented, so their counters
// are zero.
func clusterStatistics(c clusterCounts) []ecsmodel.KeyValuePair {
	n := func(v int32) string { return strconv.Itoa(int(v)) }
	return []ecsmodel.KeyValuePair{
		{Name: "runningEC2TasksCount", Value: n(c.running - c.fargateRunning)},
		{Name: "runningFargateTasksCount", Value: n(c.fargateRunning)},
		{Name: "pendingEC2TasksCount", Value: n(c.pending - c.fargatePending)},
		{Name: "pendingFargateTasksCount", Value: n(c.fargatePending)},
		{Name: "activeEC2ServiceCount", Value: "0"},
		{Name: "activeFargateServiceCount", Value: "0"},
		{Name: "drainingEC2ServiceCount", Value: "0"},
		{Name: "drainingFargateServiceCount", Value: "0"},
	}
}
