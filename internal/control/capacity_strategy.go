package control

import (
	"slices"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/placement"
)

// Built-in capacity providers: they always exist, and berth serves them
// with the instances registered with berth.capacity-provider=FARGATE or
// FARGATE_SPOT.
const (
	providerFargate     = "FARGATE"
	providerFargateSpot = "FARGATE_SPOT"
	maxStrategyItems    = 20
)

// Messages ECS uses for capacity provider strategies.
const (
	msgLaunchTypeAndStrategy = "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again."
	msgNotAssociated         = "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again."
)

func isFargateProvider(name string) bool {
	return name == providerFargate || name == providerFargateSpot
}

// portion is the share of a launch that goes to one capacity provider or
// launch type.
type portion struct {
	// provider is placement's Demand.CapacityProvider.
	provider string
	// cpName is the capacityProviderName recorded on the tasks; "" when
	// the launch named a launch type.
	cpName     string
	launchType ecsmodel.LaunchType
	fargate    bool
	count      int
}

// validateStrategy checks a capacity provider strategy: at most 20 items,
// each provider once, at most one item with a base, and, unless it is
// empty, at least one item with a weight.
func validateStrategy(items []ecsmodel.CapacityProviderStrategyItem) error {
	if len(items) > maxStrategyItems {
		return ecs.InvalidParameter("The capacity provider strategy can have at most %d items.", maxStrategyItems)
	}
	seen := map[string]bool{}
	bases, weighted, fargate := 0, false, 0
	for _, it := range items {
		if seen[it.CapacityProvider] {
			return ecs.InvalidParameter("Capacity provider %s appears more than once in the strategy.", it.CapacityProvider)
		}
		seen[it.CapacityProvider] = true
		if it.Base > 0 {
			bases++
		}
		weighted = weighted || it.Weight > 0
		if isFargateProvider(it.CapacityProvider) {
			fargate++
		}
	}
	switch {
	case bases > 1:
		return ecs.InvalidParameter("Only one capacity provider in a strategy can have a base.")
	case len(items) > 0 && !weighted:
		return ecs.InvalidParameter("At least one capacity provider in a capacity provider strategy must have a weight greater than zero.")
	case fargate > 0 && fargate < len(items):
		return ecs.InvalidParameter("The capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.")
	}
	return nil
}

// splitCount divides count tasks over a validated strategy as ECS does:
// the item with a base gets up to base tasks first; the rest go one at a
// time to the item with weight > 0 that has the fewest weighted tasks
// relative to its weight (earlier items win ties), so weights 1:4 give
// 1 of every 5 tasks to the first item. Items of weight 0 get only their
// base.
func splitCount(items []ecsmodel.CapacityProviderStrategyItem, count int) []int {
	out := make([]int, len(items))
	rest := count
	for i, it := range items {
		if it.Base > 0 {
			n := min(int(it.Base), rest)
			out[i] += n
			rest -= n
		}
	}
	given := make([]int64, len(items))
	for ; rest > 0; rest-- {
		best := -1
		for i, it := range items {
			if it.Weight <= 0 {
				continue
			}
			if best < 0 || given[i]*int64(items[best].Weight) < given[best]*int64(it.Weight) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		given[best]++
		out[best]++
	}
	return out
}

// launchPortions decides where count tasks of td go: to the capacity
// provider strategy given, or to the launch type given (exclusive), or
// else to the cluster's default strategy, or else to launch type EC2.
// EC2, EXTERNAL and MANAGED_INSTANCES may use any instance of the cluster
// (placement.AnyCapacityProvider); FARGATE uses the instances of provider
// FARGATE. Strategy providers must be associated with the cluster; the
// definition must be compatible with the launch type.
func launchPortions(cluster *ecsmodel.Cluster, launchType ecsmodel.LaunchType, items []ecsmodel.CapacityProviderStrategyItem, td *ecsmodel.TaskDefinition, count int) ([]portion, error) {
	if launchType != "" && len(items) > 0 {
		return nil, ecs.InvalidParameter(msgLaunchTypeAndStrategy)
	}
	if launchType == "" && len(items) == 0 {
		items = cluster.DefaultCapacityProviderStrategy
		if len(items) == 0 {
			launchType = ecsmodel.LaunchTypeEc2
		}
	}
	if launchType != "" {
		p := portion{provider: placement.AnyCapacityProvider, launchType: launchType, count: count}
		if launchType == ecsmodel.LaunchTypeFargate {
			p.provider, p.fargate = providerFargate, true
		}
		if err := checkCompatible(td, launchType); err != nil {
			return nil, err
		}
		return []portion{p}, nil
	}
	if err := validateStrategy(items); err != nil {
		return nil, err
	}
	var out []portion
	for i, n := range splitCount(items, count) {
		name := items[i].CapacityProvider
		if !slices.Contains(cluster.CapacityProviders, name) {
			return nil, ecs.InvalidParameter(msgNotAssociated)
		}
		p := portion{provider: name, cpName: name, launchType: ecsmodel.LaunchTypeEc2, count: n}
		if isFargateProvider(name) {
			p.launchType, p.fargate = ecsmodel.LaunchTypeFargate, true
		}
		if err := checkCompatible(td, p.launchType); err != nil {
			return nil, err
		}
		if n > 0 {
			out = append(out, p)
		}
	}
	return out, nil
}

// checkCompatible refuses a launch type the definition cannot run on.
func checkCompatible(td *ecsmodel.TaskDefinition, lt ecsmodel.LaunchType) error {
	if lt == ecsmodel.LaunchTypeEc2 || slices.Contains(td.Compatibilities, ecsmodel.Compatibility(lt)) {
		return nil
	}
	return ecs.InvalidParameter("Task definition does not support launch_type %s.", lt)
}
