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

// validateStrategy checks a default capacity provider strategy: at most 20
// items, each provider once, at most one item with a base.
func validateStrategy(items []ecsmodel.CapacityProviderStrategyItem) error {
	if len(items) > 20 {
		return ecs.InvalidParameter("The capacity provider strategy can have at most 20 items.")
	}
	seen := map[string]bool{}
	bases := 0
	for _, it := range items {
		if seen[it.CapacityProvider] {
			return ecs.InvalidParameter("Capacity provider %s appears more than once in the strategy.", it.CapacityProvider)
		}
		seen[it.CapacityProvider] = true
		if it.Base > 0 {
			bases++
		}
	}
	if bases > 1 {
		return ecs.InvalidParameter("Only one capacity provider in a strategy can have a base.")
	}
	return nil
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

// clusterCounts are the counters every cluster view carries.
type clusterCounts struct {
	instances, running, pending int32
}

// countCluster sums the alloc records of a cluster: instances ACTIVE or
// DRAINING, tasks running and pending on them.
func (s *Service) countCluster(ctx context.Context, name string) (clusterCounts, error) {
	kvs, err := listAll(ctx, s.store, allocPrefix(name))
	if err != nil {
		return clusterCounts{}, err
	}
	var c clusterCounts
	for _, kv := range kvs {
		a, err := decode[allocRecord](kv)
		if err != nil {
			return clusterCounts{}, err
		}
		if a.Status == ecs.InstanceActive || a.Status == ecs.InstanceDraining {
			c.instances++
		}
		c.running += a.Running
		c.pending += a.Pending
	}
	return c, nil
}

// clusterView is the Cluster shape as Describe/Create/Update return it:
// the record, the counters, and the optional parts f asks for.
func (s *Service) clusterView(ctx context.Context, c ecsmodel.Cluster, f clusterFields) (ecsmodel.Cluster, error) {
	counts, err := s.countCluster(ctx, c.ClusterName)
	if err != nil {
		return ecsmodel.Cluster{}, err
	}
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

// clusterStatistics is the STATISTICS list. berth runs every task on
// registered instances (launch type EC2), so the Fargate and service
// counters are zero.
func clusterStatistics(c clusterCounts) []ecsmodel.KeyValuePair {
	n := func(v int32) string { return strconv.Itoa(int(v)) }
	return []ecsmodel.KeyValuePair{
		{Name: "runningEC2TasksCount", Value: n(c.running)},
		{Name: "runningFargateTasksCount", Value: "0"},
		{Name: "pendingEC2TasksCount", Value: n(c.pending)},
		{Name: "pendingFargateTasksCount", Value: "0"},
		{Name: "activeEC2ServiceCount", Value: "0"},
		{Name: "activeFargateServiceCount", Value: "0"},
		{Name: "drainingEC2ServiceCount", Value: "0"},
		{Name: "drainingFargateServiceCount", Value: "0"},
	}
}
