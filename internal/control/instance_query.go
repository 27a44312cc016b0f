package control

import (
	"context"
	"slices"
	"strings"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/placement/expr"
	"github.com/berth-io/berth/internal/store"
)

// Request limits of the container instance operations.
const (
	maxDescribeInstances = 100
	maxUpdateInstances   = 10
)

// readActiveCluster resolves a cluster reference outside a transaction to
// an ACTIVE cluster's name.
func (s *Service) readActiveCluster(ctx context.Context, ref string) (string, error) {
	name, ok := s.clusterName(ref)
	if !ok {
		return "", ecs.ClusterNotFound()
	}
	rec, _, ok, err := s.readCluster(ctx, name)
	if err != nil {
		return "", err
	}
	if !ok || rec.Cluster.Status != clusterActive {
		return "", ecs.ClusterNotFound()
	}
	return name, nil
}

// instanceARNOf is the ARN reported for an instance reference in failures.
func (s *Service) instanceARNOf(cluster, ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	return s.account.ContainerInstanceARN(cluster, ref)
}

// DescribeContainerInstances describes up to 100 instances of a cluster by
// id or ARN; unknown ones are failures with reason MISSING. include TAGS
// adds tags; include CONTAINER_INSTANCE_HEALTH adds a health status of
// INSUFFICIENT_DATA, berth running no instance health checks.
func (s *Service) DescribeContainerInstances(ctx context.Context, in *ecsmodel.DescribeContainerInstancesRequest) (*ecsmodel.DescribeContainerInstancesResponse, error) {
	if len(in.ContainerInstances) == 0 {
		return nil, ecs.InvalidParameter("Container instances cannot be empty.")
	}
	if len(in.ContainerInstances) > maxDescribeInstances {
		return nil, ecs.InvalidParameter("containerInstances can have at most %d items.", maxDescribeInstances)
	}
	cluster, err := s.readActiveCluster(ctx, in.Cluster)
	if err != nil {
		return nil, err
	}
	withTags := slices.Contains(in.Include, ecsmodel.ContainerInstanceFieldTags)
	withHealth := slices.Contains(in.Include, ecsmodel.ContainerInstanceFieldContainerInstanceHealth)
	out := &ecsmodel.DescribeContainerInstancesResponse{ContainerInstances: []ecsmodel.ContainerInstance{}, Failures: []ecsmodel.Failure{}}
	for _, ref := range in.ContainerInstances {
		id, ok, err := s.instanceID(cluster, ref)
		if err != nil {
			return nil, err
		}
		var inst *instanceRecord
		if ok {
			if inst, ok, err = get[instanceRecord](ctx, s.store, instanceKey(cluster, id)); err != nil {
				return nil, err
			}
		}
		if !ok {
			out.Failures = append(out.Failures, ecsmodel.Failure{Arn: s.instanceARNOf(cluster, ref), Reason: "MISSING"})
			continue
		}
		view := s.instanceView(inst)
		if withTags {
			tags, err := loadTags(ctx, s.store, instanceTagsKey(cluster, id))
			if err != nil {
				return nil, err
			}
			view.Tags = nonNilTags(tags)
		}
		if withHealth {
			view.HealthStatus = &ecsmodel.ContainerInstanceHealthStatus{OverallStatus: ecsmodel.InstanceHealthCheckStateInsufficientData}
		}
		out.ContainerInstances = append(out.ContainerInstances, view)
	}
	return out, nil
}

// ListContainerInstances lists the ARNs of a cluster's instances in id
// order: those with the given status, or all but INACTIVE ones by default,
// and of those the ones the filter expression (cluster query language)
// accepts.
func (s *Service) ListContainerInstances(ctx context.Context, in *ecsmodel.ListContainerInstancesRequest) (*ecsmodel.ListContainerInstancesResponse, error) {
	const op = "ListContainerInstances"
	limit, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	var filter *expr.Expr
	if in.Filter != "" {
		if filter, err = expr.Parse(in.Filter); err != nil {
			return nil, ecs.InvalidParameter("Invalid filter: %v.", err)
		}
	}
	cluster, err := s.readActiveCluster(ctx, in.Cluster)
	if err != nil {
		return nil, err
	}
	after, err := tokenAfter(op, in.NextToken, instancePrefix(cluster))
	if err != nil {
		return nil, err
	}
	kvs, next, err := scanPage(ctx, s.store, instancePrefix(cluster), after, limit, func(kv store.KV) (bool, error) {
		inst, err := decode[instanceRecord](kv)
		if err != nil {
			return false, err
		}
		status := inst.Instance.Status
		if in.Status != "" && status != string(in.Status) || in.Status == "" && status == ecs.InstanceInactive {
			return false, nil
		}
		if filter == nil {
			return true, nil
		}
		view := s.instanceView(inst)
		return filter.Eval(instanceTarget{ci: &view, groups: s.instanceUse(cluster, inst.ID).groups}), nil
	})
	if err != nil {
		return nil, err
	}
	out := &ecsmodel.ListContainerInstancesResponse{ContainerInstanceArns: make([]string, 0, len(kvs))}
	for _, kv := range kvs {
		out.ContainerInstanceArns = append(out.ContainerInstanceArns, s.account.ContainerInstanceARN(cluster, lastKeySegment(kv.Key)))
	}
	if next != "" {
		out.NextToken = encodeToken(op, next)
	}
	return out, nil
}

// UpdateContainerInstancesState sets up to 10 instances ACTIVE or DRAINING.
// Unknown instances are failures with reason MISSING, deregistered ones
// with reason INACTIVE; the others are updated together in one commit.
func (s *Service) UpdateContainerInstancesState(ctx context.Context, in *ecsmodel.UpdateContainerInstancesStateRequest) (*ecsmodel.UpdateContainerInstancesStateResponse, error) {
	status := string(in.Status)
	if status != ecs.InstanceActive && status != ecs.InstanceDraining {
		return nil, ecs.InvalidParameter("Container instance status can only be updated to ACTIVE or DRAINING.")
	}
	if len(in.ContainerInstances) == 0 {
		return nil, ecs.InvalidParameter("Container instances cannot be empty.")
	}
	if len(in.ContainerInstances) > maxUpdateInstances {
		return nil, ecs.InvalidParameter("containerInstances can have at most %d items.", maxUpdateInstances)
	}
	var out *ecsmodel.UpdateContainerInstancesStateResponse
	var insts, changed []*instanceRecord
	rev, err := store.Update(ctx, s.store, func(tx *store.Tx) error {
		out = &ecsmodel.UpdateContainerInstancesStateResponse{ContainerInstances: []ecsmodel.ContainerInstance{}, Failures: []ecsmodel.Failure{}}
		insts, changed = nil, nil
		cluster, _, err := s.activeCluster(tx, in.Cluster)
		if err != nil {
			return err
		}
		for _, ref := range in.ContainerInstances {
			id, ok, err := s.instanceID(cluster, ref)
			if err != nil {
				return err
			}
			var inst *instanceRecord
			if ok {
				if inst, ok, err = txGet[instanceRecord](tx, instanceKey(cluster, id)); err != nil {
					return err
				}
			}
			switch {
			case !ok:
				out.Failures = append(out.Failures, ecsmodel.Failure{Arn: s.instanceARNOf(cluster, ref), Reason: "MISSING"})
				continue
			case inst.Instance.Status == ecs.InstanceInactive:
				out.Failures = append(out.Failures, ecsmodel.Failure{Arn: inst.Instance.ContainerInstanceArn, Reason: "INACTIVE"})
				continue
			case inst.Instance.Status != status:
				inst.Instance.Status = status
				inst.Instance.Version++
				if err := txPut(tx, instanceKey(cluster, id), inst); err != nil {
					return err
				}
				changed = append(changed, inst)
			}
			insts = append(insts, inst)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, inst := range changed {
		s.indexInstance(inst, rev)
	}
	for _, inst := range insts {
		out.ContainerInstances = append(out.ContainerInstances, s.instanceView(inst))
	}
	return out, nil
}
