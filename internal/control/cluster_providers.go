package control

import (
	"context"
	"slices"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// Limits of the capacity provider operations.
const (
	maxClusterProviders  = 20
	maxDescribeProviders = 100
	maxProviderPage      = 10
)

// checkClusterProviders validates a cluster's capacity providers and
// default strategy: providers named once, at most 20, and a strategy that
// is valid and names only those providers. Whether the providers exist is
// checked in the transaction (activeProviders).
func checkClusterProviders(providers []string, strategy []ecsmodel.CapacityProviderStrategyItem) error {
	if len(providers) > maxClusterProviders {
		return ecs.InvalidParameter("A cluster can have at most %d capacity providers.", maxClusterProviders)
	}
	if len(dedupe(slices.Clone(providers))) != len(providers) {
		return ecs.InvalidParameter("The list of capacity providers contains duplicates.")
	}
	if err := validateStrategy(strategy); err != nil {
		return err
	}
	for _, it := range strategy {
		if !slices.Contains(providers, it.CapacityProvider) {
			return ecs.InvalidParameter(msgNotAssociated)
		}
	}
	return nil
}

// PutClusterCapacityProviders replaces the capacity providers and the
// default capacity provider strategy of an ACTIVE cluster. Providers must
// exist and be ACTIVE; a provider removed while tasks launched with it
// have not stopped is a ResourceInUseException (ECS's text). Providers
// are named by name (or ARN).
func (s *Service) PutClusterCapacityProviders(ctx context.Context, in *ecsmodel.PutClusterCapacityProvidersRequest) (*ecsmodel.PutClusterCapacityProvidersResponse, error) {
	providers := make([]string, len(in.CapacityProviders))
	for i, p := range in.CapacityProviders {
		providers[i] = s.providerName(p)
	}
	if err := checkClusterProviders(providers, in.DefaultCapacityProviderStrategy); err != nil {
		return nil, err
	}
	name, ok := s.clusterName(in.Cluster)
	if !ok {
		return nil, ecs.ClusterNotFound()
	}
	var cluster ecsmodel.Cluster
	err := s.update(ctx, func(tx *store.Tx) error {
		_, rec, err := s.activeCluster(tx, name)
		if err != nil {
			return err
		}
		if bad, err := s.activeProviders(tx, providers); err != nil || bad != "" {
			if err == nil {
				err = errProviderNotFound(bad)
			}
			return err
		}
		old := rec.Cluster.CapacityProviders
		for _, p := range old {
			if !slices.Contains(providers, p) && s.providerInUse(name, p) {
				return ecs.Errorf(ecs.CodeResourceInUse, "The specified capacity provider is in use and cannot be removed.")
			}
		}
		if err := s.associate(tx, name, old, providers); err != nil {
			return err
		}
		cluster = rec.Cluster
		cluster.CapacityProviders = providers
		cluster.DefaultCapacityProviderStrategy = nonNil(in.DefaultCapacityProviderStrategy)
		return txPut(tx, clusterKey(name), clusterRecord{Cluster: cluster})
	})
	if err != nil {
		return nil, err
	}
	view, err := s.clusterView(ctx, cluster, clusterFields{settings: true, configuration: true})
	if err != nil {
		return nil, err
	}
	return &ecsmodel.PutClusterCapacityProvidersResponse{Cluster: &view}, nil
}

// providerInUse reports whether a task of the cluster launched with the
// capacity provider has not stopped (launches not yet committed count).
func (s *Service) providerInUse(cluster, provider string) bool {
	cs := s.state(cluster)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for _, t := range cs.tasks {
		if t.provider == provider && t.live() {
			return true
		}
	}
	return false
}

// DescribeCapacityProviders describes capacity providers by name or ARN,
// or, when none are named, lists FARGATE, FARGATE_SPOT and the providers
// that are not deleted, in name order, maxResults (1..10, default 10) at a
// time. Unknown names are failures with reason MISSING. include TAGS adds
// the tags.
func (s *Service) DescribeCapacityProviders(ctx context.Context, in *ecsmodel.DescribeCapacityProvidersRequest) (*ecsmodel.DescribeCapacityProvidersResponse, error) {
	const op = "DescribeCapacityProviders"
	withTags := slices.Contains(in.Include, ecsmodel.CapacityProviderFieldTags)
	out := &ecsmodel.DescribeCapacityProvidersResponse{CapacityProviders: []ecsmodel.CapacityProvider{}, Failures: []ecsmodel.Failure{}}
	if len(in.CapacityProviders) > maxDescribeProviders {
		return nil, ecs.InvalidParameter("capacityProviders can have at most %d items.", maxDescribeProviders)
	}
	if len(in.CapacityProviders) > 0 {
		for _, ref := range in.CapacityProviders {
			cp, ok, err := s.readProvider(ctx, s.providerName(ref), withTags)
			if err != nil {
				return nil, err
			}
			if !ok {
				out.Failures = append(out.Failures, ecsmodel.Failure{Arn: s.account.CapacityProviderARN(s.providerName(ref)), Reason: "MISSING"})
				continue
			}
			out.CapacityProviders = append(out.CapacityProviders, cp)
		}
		return out, nil
	}
	limit := maxProviderPage
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > maxProviderPage {
			return nil, ecs.InvalidParameter("maxResults must be between 1 and %d.", maxProviderPage)
		}
		limit = int(*in.MaxResults)
	}
	after, err := decodeToken(op, in.NextToken)
	if err != nil {
		return nil, err
	}
	names := []string{providerFargate, providerFargateSpot}
	kvs, err := listAll(ctx, s.store, prefixProviders)
	if err != nil {
		return nil, err
	}
	for _, kv := range kvs {
		rec, err := decode[capacityProviderRecord](kv)
		if err != nil {
			return nil, err
		}
		if rec.Provider.Status != ecsmodel.CapacityProviderStatusInactive {
			names = append(names, rec.Provider.Name)
		}
	}
	start := 0
	if after != "" {
		start = len(names)
		for i, n := range names {
			if providerOrder(n) > after {
				start = i
				break
			}
		}
	}
	for _, n := range names[start:] {
		if len(out.CapacityProviders) == limit {
			out.NextToken = encodeToken(op, providerOrder(out.CapacityProviders[limit-1].Name))
			break
		}
		cp, ok, err := s.readProvider(ctx, n, withTags)
		if err != nil {
			return nil, err
		}
		if ok {
			out.CapacityProviders = append(out.CapacityProviders, cp)
		}
	}
	return out, nil
}

// providerOrder is the sort key of the listing: built-in providers first.
func providerOrder(name string) string {
	if isFargateProvider(name) {
		return "0" + name
	}
	return "1" + name
}

// readProvider reads one provider, built in or stored (in any status).
func (s *Service) readProvider(ctx context.Context, name string, withTags bool) (ecsmodel.CapacityProvider, bool, error) {
	if isFargateProvider(name) {
		cp := s.builtinProvider(name)
		if !withTags {
			cp.Tags = nil
		}
		return cp, true, nil
	}
	if !validName(name, maxNameLen) {
		return ecsmodel.CapacityProvider{}, false, nil
	}
	rec, ok, err := get[capacityProviderRecord](ctx, s.store, providerKey(name))
	if err != nil || !ok {
		return ecsmodel.CapacityProvider{}, false, err
	}
	cp := rec.Provider
	if withTags {
		tags, err := loadTags(ctx, s.store, providerTagsKey(name))
		if err != nil {
			return cp, false, err
		}
		cp.Tags = nonNilTags(tags)
	}
	return cp, true, nil
}
