package control

import (
	"context"
	"slices"
	"strings"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// Capacity providers. FARGATE and FARGATE_SPOT always exist. Others are
// created with CreateCapacityProvider; an autoScalingGroupProvider may be
// given and is stored as given (with ECS's defaults), but berth scales
// nothing: a provider is served by the agents that register with the
// attribute berth.capacity-provider=<name>. A provider is used by a
// cluster once PutClusterCapacityProviders (or CreateCluster) associates
// it, and can be deleted only when no cluster has it.

// errProviderNotFound is the error for an unknown capacity provider.
func errProviderNotFound(name string) error {
	return ecs.InvalidParameter("The specified capacity provider %s does not exist.", name)
}

// builtinProvider returns FARGATE or FARGATE_SPOT.
func (s *Service) builtinProvider(name string) ecsmodel.CapacityProvider {
	return ecsmodel.CapacityProvider{
		CapacityProviderArn: s.account.CapacityProviderARN(name),
		Name:                name,
		Status:              ecsmodel.CapacityProviderStatusActive,
		Type:                ecsmodel.CapacityProviderType(name),
		Tags:                []ecsmodel.Tag{},
	}
}

// validProviderName applies ECS's rule: 1..255 letters, digits, hyphens
// and underscores, not starting with aws, ecs or fargate (any case).
func validProviderName(name string) error {
	if !validName(name, maxNameLen) {
		return ecs.InvalidParameter("The capacity provider name can have up to 255 characters: letters, numbers, hyphens and underscores.")
	}
	lower := strings.ToLower(name)
	for _, p := range []string{"aws", "ecs", "fargate"} {
		if strings.HasPrefix(lower, p) {
			return ecs.InvalidParameter("The capacity provider name cannot start with 'aws', 'ecs' or 'fargate'.")
		}
	}
	return nil
}

// withASGDefaults fills in ECS's defaults of an Auto Scaling group
// provider: managed scaling DISABLED with target 100, steps 1..10000 and a
// 300 s warm-up; termination protection DISABLED; managed draining ENABLED.
func withASGDefaults(p *ecsmodel.AutoScalingGroupProvider) *ecsmodel.AutoScalingGroupProvider {
	if p == nil {
		return nil
	}
	out := *p
	ms := ecsmodel.ManagedScaling{}
	if p.ManagedScaling != nil {
		ms = *p.ManagedScaling
	}
	if ms.Status == "" {
		ms.Status = ecsmodel.ManagedScalingStatusDisabled
	}
	setDefault := func(v **int32, d int32) {
		if *v == nil {
			*v = new(d)
		}
	}
	setDefault(&ms.TargetCapacity, 100)
	setDefault(&ms.MinimumScalingStepSize, 1)
	setDefault(&ms.MaximumScalingStepSize, 10000)
	setDefault(&ms.InstanceWarmupPeriod, 300)
	out.ManagedScaling = &ms
	if out.ManagedTerminationProtection == "" {
		out.ManagedTerminationProtection = ecsmodel.ManagedTerminationProtectionDisabled
	}
	if out.ManagedDraining == "" {
		out.ManagedDraining = ecsmodel.ManagedDrainingEnabled
	}
	return &out
}

// CreateCapacityProvider creates a capacity provider (type
// EC2_AUTOSCALING). Names in use by an ACTIVE provider are a
// ClientException, as in ECS; a deleted provider's name can be used again.
// Managed instances providers are not supported.
func (s *Service) CreateCapacityProvider(ctx context.Context, in *ecsmodel.CreateCapacityProviderRequest) (*ecsmodel.CreateCapacityProviderResponse, error) {
	if err := validProviderName(in.Name); err != nil {
		return nil, err
	}
	if in.ManagedInstancesProvider != nil || in.Cluster != "" {
		return nil, ecs.Errorf(ecs.CodeUnsupportedFeature, "Managed instances capacity providers are not supported by berth.")
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	cp := ecsmodel.CapacityProvider{
		CapacityProviderArn:      s.account.CapacityProviderARN(in.Name),
		Name:                     in.Name,
		Status:                   ecsmodel.CapacityProviderStatusActive,
		Type:                     ecsmodel.CapacityProviderTypeEc2Autoscaling,
		AutoScalingGroupProvider: withASGDefaults(in.AutoScalingGroupProvider),
	}
	err := s.update(ctx, func(tx *store.Tx) error {
		rec, ok, err := txGet[capacityProviderRecord](tx, providerKey(in.Name))
		if err != nil {
			return err
		}
		if ok && rec.Provider.Status != ecsmodel.CapacityProviderStatusInactive {
			return ecs.ClientError("The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.")
		}
		if err := txPut(tx, providerKey(in.Name), capacityProviderRecord{Provider: cp}); err != nil {
			return err
		}
		return txStoreTags(tx, providerTagsKey(in.Name), in.Tags)
	})
	if err != nil {
		return nil, err
	}
	cp.Tags = nonNilTags(in.Tags)
	return &ecsmodel.CreateCapacityProviderResponse{CapacityProvider: &cp}, nil
}

// UpdateCapacityProvider changes the managed scaling, termination
// protection and draining settings of a provider's Auto Scaling group
// configuration; updateStatus becomes UPDATE_COMPLETE.
func (s *Service) UpdateCapacityProvider(ctx context.Context, in *ecsmodel.UpdateCapacityProviderRequest) (*ecsmodel.UpdateCapacityProviderResponse, error) {
	if isFargateProvider(in.Name) {
		return nil, ecs.InvalidParameter("The %s capacity provider cannot be updated.", in.Name)
	}
	if in.ManagedInstancesProvider != nil {
		return nil, ecs.Errorf(ecs.CodeUnsupportedFeature, "Managed instances capacity providers are not supported by berth.")
	}
	var cp ecsmodel.CapacityProvider
	err := s.update(ctx, func(tx *store.Tx) error {
		rec, ok, err := txGet[capacityProviderRecord](tx, providerKey(in.Name))
		if err != nil {
			return err
		}
		if !ok || rec.Provider.Status != ecsmodel.CapacityProviderStatusActive {
			return errProviderNotFound(in.Name)
		}
		if u := in.AutoScalingGroupProvider; u != nil {
			asg := ecsmodel.AutoScalingGroupProvider{}
			if rec.Provider.AutoScalingGroupProvider != nil {
				asg = *rec.Provider.AutoScalingGroupProvider
			}
			if u.ManagedScaling != nil {
				asg.ManagedScaling = u.ManagedScaling
			}
			if u.ManagedTerminationProtection != "" {
				asg.ManagedTerminationProtection = u.ManagedTerminationProtection
			}
			if u.ManagedDraining != "" {
				asg.ManagedDraining = u.ManagedDraining
			}
			rec.Provider.AutoScalingGroupProvider = withASGDefaults(&asg)
		}
		rec.Provider.UpdateStatus = ecsmodel.CapacityProviderUpdateStatusUpdateComplete
		cp = rec.Provider
		return txPut(tx, providerKey(in.Name), rec)
	})
	if err != nil {
		return nil, err
	}
	return &ecsmodel.UpdateCapacityProviderResponse{CapacityProvider: &cp}, nil
}

// DeleteCapacityProvider deletes a provider that no cluster is associated
// with: its status becomes INACTIVE (it stays describable) and its tags go.
// The provider may be named by name or ARN.
func (s *Service) DeleteCapacityProvider(ctx context.Context, in *ecsmodel.DeleteCapacityProviderRequest) (*ecsmodel.DeleteCapacityProviderResponse, error) {
	name := s.providerName(in.CapacityProvider)
	if isFargateProvider(name) {
		return nil, ecs.InvalidParameter("The %s capacity provider cannot be deleted.", name)
	}
	var cp ecsmodel.CapacityProvider
	err := s.update(ctx, func(tx *store.Tx) error {
		rec, ok, err := txGet[capacityProviderRecord](tx, providerKey(name))
		if err != nil {
			return err
		}
		if !ok || rec.Provider.Status != ecsmodel.CapacityProviderStatusActive {
			return errProviderNotFound(in.CapacityProvider)
		}
		if len(rec.Clusters) > 0 {
			return ecs.ClientError("The capacity provider cannot be deleted because it is associated with cluster: %s. Remove the capacity provider from the cluster and try again.", strings.Join(rec.Clusters, ", "))
		}
		rec.Provider.Status = ecsmodel.CapacityProviderStatusInactive
		rec.Provider.UpdateStatus = ecsmodel.CapacityProviderUpdateStatusDeleteComplete
		cp = rec.Provider
		tx.Delete(providerTagsKey(name))
		return txPut(tx, providerKey(name), rec)
	})
	if err != nil {
		return nil, err
	}
	return &ecsmodel.DeleteCapacityProviderResponse{CapacityProvider: &cp}, nil
}

// providerName resolves a provider reference: a name, or a
// capacity-provider ARN of this account.
func (s *Service) providerName(ref string) string {
	if a, ok := s.ownARN(ref); ok && a.Type == ecs.TypeCapacityProvider {
		return a.Resource
	}
	return ref
}

// activeProviders reports the first of names that is not an ACTIVE
// capacity provider (built in or created), or "" when all are.
func (s *Service) activeProviders(tx *store.Tx, names []string) (string, error) {
	for _, n := range names {
		if isFargateProvider(n) {
			continue
		}
		rec, ok, err := txGet[capacityProviderRecord](tx, providerKey(n))
		if err != nil {
			return "", err
		}
		if !ok || rec.Provider.Status != ecsmodel.CapacityProviderStatusActive {
			return n, nil
		}
	}
	return "", nil
}

// associate records, in the provider records, that cluster's providers
// change from old to new. Built-in providers have no record.
func (s *Service) associate(tx *store.Tx, cluster string, old, new []string) error {
	for _, n := range slices.Concat(old, new) {
		if isFargateProvider(n) || slices.Contains(old, n) == slices.Contains(new, n) {
			continue
		}
		rec, ok, err := txGet[capacityProviderRecord](tx, providerKey(n))
		if err != nil || !ok {
			return err
		}
		rec.Clusters = slices.DeleteFunc(rec.Clusters, func(c string) bool { return c == cluster })
		if slices.Contains(new, n) {
			rec.Clusters = append(rec.Clusters, cluster)
			slices.Sort(rec.Clusters)
		}
		if err := txPut(tx, providerKey(n), rec); err != nil {
			return err
		}
	}
	return nil
}
