package control

import (
	"context"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// CreateCluster creates a cluster, "default" when no name is given. As in
// ECS, creating a cluster that exists and is ACTIVE returns it unchanged,
// and creating one that was deleted (INACTIVE, or left DEPROVISIONING by an
// interrupted deletion) makes it ACTIVE again with the settings and tags of
// this request.
func (s *Service) CreateCluster(ctx context.Context, in *ecsmodel.CreateClusterRequest) (*ecsmodel.CreateClusterResponse, error) {
	name := in.ClusterName
	if name == "" {
		name = DefaultCluster
	}
	if !validName(name, maxNameLen) {
		return nil, ecs.InvalidParameter("Cluster name can have up to 255 characters: letters, numbers, hyphens and underscores.")
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	if err := validateSettings(in.Settings); err != nil {
		return nil, err
	}
	req := *in
	req.CapacityProviders = make([]string, len(in.CapacityProviders))
	for i, p := range in.CapacityProviders {
		req.CapacityProviders[i] = s.providerName(p)
	}
	in = &req
	if err := checkClusterProviders(in.CapacityProviders, in.DefaultCapacityProviderStrategy); err != nil {
		return nil, err
	}
	var cluster ecsmodel.Cluster
	err := s.update(ctx, func(tx *store.Tx) error {
		rec, ok, err := txGet[clusterRecord](tx, clusterKey(name))
		if err != nil {
			return err
		}
		if ok && rec.Cluster.Status == clusterActive {
			cluster = rec.Cluster
			return nil
		}
		if bad, err := s.activeProviders(tx, in.CapacityProviders); err != nil || bad != "" {
			if err == nil {
				err = errProviderNotFound(bad)
			}
			return err
		}
		cluster = s.newCluster(name, in)
		if err := s.associate(tx, name, nil, cluster.CapacityProviders); err != nil {
			return err
		}
		if err := txPut(tx, clusterKey(name), clusterRecord{Cluster: cluster}); err != nil {
			return err
		}
		return txStoreTags(tx, clusterTagsKey(name), in.Tags)
	})
	if err != nil {
		return nil, err
	}
	view, err := s.clusterView(ctx, cluster, clusterFields{tags: true, settings: true, configuration: true})
	if err != nil {
		return nil, err
	}
	return &ecsmodel.CreateClusterResponse{Cluster: &view}, nil
}

// DeleteCluster marks a cluster INACTIVE. It refuses while container
// instances are ACTIVE or DRAINING in it (ClusterContainsContainerInstances)
// and while it has tasks that have not stopped (ClusterContainsTasks).
// Deleting an INACTIVE cluster returns it again. The record stays, so the
// cluster remains describable.
//
// Deletion takes three commits. The first marks the cluster DEPROVISIONING:
// registrations and task launches read the cluster record inside their
// transactions and need it ACTIVE, so from then on none can commit, and
// those that committed before are visible to the emptiness check that
// follows. The last commit makes the cluster INACTIVE, or ACTIVE again
// when the check failed. A cluster left DEPROVISIONING by a crash can be
// deleted again (or created again).
func (s *Service) DeleteCluster(ctx context.Context, in *ecsmodel.DeleteClusterRequest) (*ecsmodel.DeleteClusterResponse, error) {
	name, ok := s.clusterName(in.Cluster)
	if !ok {
		return nil, ecs.ClusterNotFound()
	}
	cluster, err := s.setClusterStatus(ctx, name, func(status string) (string, bool) {
		return clusterDeprovisioning, status != clusterInactive
	})
	if err != nil {
		return nil, err
	}
	if cluster.Status != clusterInactive {
		checkErr := s.checkClusterEmpty(ctx, name)
		cluster, err = s.setClusterStatus(ctx, name, func(status string) (string, bool) {
			if status != clusterDeprovisioning {
				return "", false // created again meanwhile, or finished by another deletion
			}
			if checkErr != nil {
				return clusterActive, true
			}
			return clusterInactive, true
		})
		if err != nil {
			return nil, err
		}
		if checkErr != nil {
			return nil, checkErr
		}
	}
	view, err := s.clusterView(ctx, cluster, clusterFields{settings: true, configuration: true})
	if err != nil {
		return nil, err
	}
	return &ecsmodel.DeleteClusterResponse{Cluster: &view}, nil
}

// setClusterStatus changes the status of cluster name to what next returns
// for its current status, when next says to, and returns the cluster. A
// cluster that becomes INACTIVE loses its capacity providers.
func (s *Service) setClusterStatus(ctx context.Context, name string, next func(status string) (string, bool)) (ecsmodel.Cluster, error) {
	var cluster ecsmodel.Cluster
	err := s.update(ctx, func(tx *store.Tx) error {
		rec, ok, err := txGet[clusterRecord](tx, clusterKey(name))
		if err != nil {
			return err
		}
		if !ok {
			return ecs.ClusterNotFound()
		}
		cluster = rec.Cluster
		status, change := next(cluster.Status)
		if !change {
			return nil
		}
		cluster.Status = status
		if status == clusterInactive {
			if err := s.associate(tx, name, cluster.CapacityProviders, nil); err != nil {
				return err
			}
			cluster.CapacityProviders = []string{}
			cluster.DefaultCapacityProviderStrategy = []ecsmodel.CapacityProviderStrategyItem{}
		}
		return txPut(tx, clusterKey(name), clusterRecord{Cluster: cluster})
	})
	return cluster, err
}

// checkClusterEmpty fails when the cluster has ACTIVE or DRAINING instances
// (read from the store, which has every registration committed before the
// cluster became DEPROVISIONING) or tasks that have not stopped (read from
// the index, which holds launches from before they commit).
func (s *Service) checkClusterEmpty(ctx context.Context, name string) error {
	insts, err := listAll(ctx, s.store, instancePrefix(name))
	if err != nil {
		return err
	}
	for _, kv := range insts {
		inst, err := decode[instanceRecord](kv)
		if err != nil {
			return err
		}
		if st := inst.Instance.Status; st == ecs.InstanceActive || st == ecs.InstanceDraining {
			return &ecs.Error{Code: ecs.CodeClusterContainsInstances, Message: "The Cluster cannot be deleted while Container Instances are active or draining."}
		}
	}
	cs := s.state(name)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for _, t := range cs.tasks {
		if t.live() {
			return &ecs.Error{Code: ecs.CodeClusterContainsTasks, Message: "The Cluster cannot be deleted while Tasks are active."}
		}
	}
	return nil
}

// DescribeClusters describes clusters by name or ARN ("default" when none
// are given), ACTIVE or INACTIVE; unknown ones are failures with reason
// MISSING.
func (s *Service) DescribeClusters(ctx context.Context, in *ecsmodel.DescribeClustersRequest) (*ecsmodel.DescribeClustersResponse, error) {
	refs := in.Clusters
	if len(refs) == 0 {
		refs = []string{DefaultCluster}
	}
	if len(refs) > maxPage {
		return nil, ecs.InvalidParameter("clusters can have at most %d items.", maxPage)
	}
	f := fieldsOf(in.Include)
	out := &ecsmodel.DescribeClustersResponse{Clusters: []ecsmodel.Cluster{}, Failures: []ecsmodel.Failure{}}
	for _, ref := range refs {
		name, ok := s.clusterName(ref)
		var rec *clusterRecord
		if ok {
			var err error
			if rec, ok, err = get[clusterRecord](ctx, s.store, clusterKey(name)); err != nil {
				return nil, err
			}
		}
		if !ok {
			out.Failures = append(out.Failures, ecsmodel.Failure{Arn: s.clusterARNOf(ref), Reason: "MISSING"})
			continue
		}
		view, err := s.clusterView(ctx, rec.Cluster, f)
		if err != nil {
			return nil, err
		}
		out.Clusters = append(out.Clusters, view)
	}
	return out, nil
}

// ListClusters lists the ARNs of the ACTIVE clusters in name order.
func (s *Service) ListClusters(ctx context.Context, in *ecsmodel.ListClustersRequest) (*ecsmodel.ListClustersResponse, error) {
	const op = "ListClusters"
	limit, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	after, err := tokenAfter(op, in.NextToken, prefixClusters)
	if err != nil {
		return nil, err
	}
	kvs, next, err := scanPage(ctx, s.store, prefixClusters, after, limit, func(kv store.KV) (bool, error) {
		rec, err := decode[clusterRecord](kv)
		return err == nil && rec.Cluster.Status == clusterActive, err
	})
	if err != nil {
		return nil, err
	}
	out := &ecsmodel.ListClustersResponse{ClusterArns: make([]string, 0, len(kvs))}
	for _, kv := range kvs {
		out.ClusterArns = append(out.ClusterArns, s.account.ClusterARN(lastKeySegment(kv.Key)))
	}
	if next != "" {
		out.NextToken = encodeToken(op, next)
	}
	return out, nil
}

// UpdateCluster changes the settings, configuration or Service Connect
// defaults of an ACTIVE cluster; parts the request leaves out stay.
func (s *Service) UpdateCluster(ctx context.Context, in *ecsmodel.UpdateClusterRequest) (*ecsmodel.UpdateClusterResponse, error) {
	if err := validateSettings(in.Settings); err != nil {
		return nil, err
	}
	c, err := s.modifyCluster(ctx, in.Cluster, func(c *ecsmodel.Cluster) {
		c.Settings = mergeSettings(c.Settings, in.Settings)
		if in.Configuration != nil {
			c.Configuration = in.Configuration
		}
		if in.ServiceConnectDefaults != nil {
			c.ServiceConnectDefaults = &ecsmodel.ClusterServiceConnectDefaults{Namespace: in.ServiceConnectDefaults.Namespace}
		}
	})
	if err != nil {
		return nil, err
	}
	return &ecsmodel.UpdateClusterResponse{Cluster: c}, nil
}

// UpdateClusterSettings changes the settings of an ACTIVE cluster.
func (s *Service) UpdateClusterSettings(ctx context.Context, in *ecsmodel.UpdateClusterSettingsRequest) (*ecsmodel.UpdateClusterSettingsResponse, error) {
	if err := validateSettings(in.Settings); err != nil {
		return nil, err
	}
	c, err := s.modifyCluster(ctx, in.Cluster, func(c *ecsmodel.Cluster) {
		c.Settings = mergeSettings(c.Settings, in.Settings)
	})
	if err != nil {
		return nil, err
	}
	return &ecsmodel.UpdateClusterSettingsResponse{Cluster: c}, nil
}

// modifyCluster applies change to an ACTIVE cluster and returns its view
// with settings and configuration.
func (s *Service) modifyCluster(ctx context.Context, ref string, change func(*ecsmodel.Cluster)) (*ecsmodel.Cluster, error) {
	name, ok := s.clusterName(ref)
	if !ok {
		return nil, ecs.ClusterNotFound()
	}
	var cluster ecsmodel.Cluster
	err := s.update(ctx, func(tx *store.Tx) error {
		rec, ok, err := txGet[clusterRecord](tx, clusterKey(name))
		if err != nil {
			return err
		}
		if !ok || rec.Cluster.Status != clusterActive {
			return ecs.ClusterNotFound()
		}
		cluster = rec.Cluster
		change(&cluster)
		return txPut(tx, clusterKey(name), clusterRecord{Cluster: cluster})
	})
	if err != nil {
		return nil, err
	}
	view, err := s.clusterView(ctx, cluster, clusterFields{settings: true, configuration: true})
	if err != nil {
		return nil, err
	}
	return &view, nil
}

// activeCluster resolves a cluster reference to the name of an ACTIVE
// cluster, reading it inside tx so that the caller's commit fails if the
// cluster is deleted meanwhile.
func (s *Service) activeCluster(tx *store.Tx, ref string) (string, *clusterRecord, error) {
	name, ok := s.clusterName(ref)
	if !ok {
		return "", nil, ecs.ClusterNotFound()
	}
	rec, ok, err := txGet[clusterRecord](tx, clusterKey(name))
	if err != nil {
		return "", nil, err
	}
	if !ok || rec.Cluster.Status != clusterActive {
		return "", nil, ecs.ClusterNotFound()
	}
	return name, rec, nil
}
