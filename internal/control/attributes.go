package control

import (
	"context"
	"slices"
	"strings"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// Attribute limits of ECS.
const (
	maxAttributesPerCall = 10
	maxCustomAttributes  = 10
)

// errTargetNotFound is the TargetNotFoundException for an attribute target
// that is not a registered (non-INACTIVE) instance of the cluster.
func errTargetNotFound(target string) error {
	return ecs.Errorf(ecs.CodeTargetNotFound, "Could not find %s.", target)
}

// attributeTarget resolves an attribute's target within cluster to a
// container instance id. A full ARN says its own type; a short id needs
// targetType container-instance (the only type ECS has).
func (s *Service) attributeTarget(cluster string, a ecsmodel.Attribute) (string, error) {
	if a.TargetId == "" {
		return "", ecs.InvalidParameter("Attribute %s needs a targetId.", a.Name)
	}
	if strings.HasPrefix(a.TargetId, "arn:") {
		arn, ok := s.ownARN(a.TargetId)
		if !ok || arn.Type != ecs.TypeContainerInstance {
			return "", ecs.InvalidParameter("Invalid targetId %s: attributes can be set on container instances only.", a.TargetId)
		}
	} else if a.TargetType == "" {
		return "", ecs.InvalidParameter("targetType is required when targetId %s is not an ARN.", a.TargetId)
	}
	id, ok, err := s.instanceID(cluster, a.TargetId)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errTargetNotFound(a.TargetId)
	}
	return id, nil
}

// checkAttributeCall validates the attributes of a Put/DeleteAttributes call.
func checkAttributeCall(attrs []ecsmodel.Attribute) error {
	if len(attrs) == 0 {
		return ecs.InvalidParameter("Attributes cannot be empty.")
	}
	if len(attrs) > maxAttributesPerCall {
		return ecs.InvalidParameter("At most %d attributes can be given in one call.", maxAttributesPerCall)
	}
	for _, a := range attrs {
		if err := validateAttribute(a); err != nil {
			return err
		}
	}
	return nil
}

// changeAttributes applies change to the instance of each attribute inside
// one transaction and returns the attributes with targetId as full ARNs.
func (s *Service) changeAttributes(ctx context.Context, clusterRef string, attrs []ecsmodel.Attribute, change func(inst *instanceRecord, a ecsmodel.Attribute)) ([]ecsmodel.Attribute, error) {
	if err := checkAttributeCall(attrs); err != nil {
		return nil, err
	}
	var out []ecsmodel.Attribute
	var changed map[string]*instanceRecord
	rev, err := store.Update(ctx, s.store, func(tx *store.Tx) error {
		cluster, _, err := s.activeCluster(tx, clusterRef)
		if err != nil {
			return err
		}
		out = make([]ecsmodel.Attribute, 0, len(attrs))
		changed = map[string]*instanceRecord{}
		for _, a := range attrs {
			id, err := s.attributeTarget(cluster, a)
			if err != nil {
				return err
			}
			inst := changed[id]
			if inst == nil {
				var ok bool
				if inst, ok, err = txGet[instanceRecord](tx, instanceKey(cluster, id)); err != nil {
					return err
				}
				if !ok || inst.Instance.Status == ecs.InstanceInactive {
					return errTargetNotFound(a.TargetId)
				}
				changed[id] = inst
			}
			change(inst, a)
			a.TargetId = inst.Instance.ContainerInstanceArn
			out = append(out, a)
		}
		for _, inst := range changed {
			if len(inst.Custom) > maxCustomAttributes {
				return ecs.Errorf(ecs.CodeAttributeLimitExceeded, "The container instance %s would have %d custom attributes; the limit is %d.", inst.Instance.ContainerInstanceArn, len(inst.Custom), maxCustomAttributes)
			}
			if err := txPut(tx, instanceKey(inst.Cluster, inst.ID), inst); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, inst := range changed {
		s.indexInstance(inst, rev)
	}
	return out, nil
}

// PutAttributes sets custom attributes on container instances, at most 10
// per call. An instance can have at most 10 custom attributes
// (AttributeLimitExceededException); the attributes its agent registered do
// not count, and setting one of those makes it custom. All changes of a call
// commit together or not at all.
func (s *Service) PutAttributes(ctx context.Context, in *ecsmodel.PutAttributesRequest) (*ecsmodel.PutAttributesResponse, error) {
	out, err := s.changeAttributes(ctx, in.Cluster, in.Attributes, func(inst *instanceRecord, a ecsmodel.Attribute) {
		inst.Instance.Attributes = setAttribute(inst.Instance.Attributes, a.Name, a.Value)
		if !slices.Contains(inst.Custom, a.Name) {
			inst.Custom = append(inst.Custom, a.Name)
		}
	})
	if err != nil {
		return nil, err
	}
	return &ecsmodel.PutAttributesResponse{Attributes: out}, nil
}

// DeleteAttributes removes attributes from container instances by name;
// names an instance does not have are ignored.
func (s *Service) DeleteAttributes(ctx context.Context, in *ecsmodel.DeleteAttributesRequest) (*ecsmodel.DeleteAttributesResponse, error) {
	out, err := s.changeAttributes(ctx, in.Cluster, in.Attributes, func(inst *instanceRecord, a ecsmodel.Attribute) {
		inst.Instance.Attributes = slices.DeleteFunc(inst.Instance.Attributes, func(x ecsmodel.Attribute) bool { return x.Name == a.Name })
		inst.Custom = slices.DeleteFunc(inst.Custom, func(n string) bool { return n == a.Name })
	})
	if err != nil {
		return nil, err
	}
	return &ecsmodel.DeleteAttributesResponse{Attributes: out}, nil
}

// ListAttributes lists the attributes of the cluster's container instances
// (all but INACTIVE ones; registered and custom alike), optionally only
// those with a name, or a name and value. Each comes with targetId, the
// instance's ARN. Order: by instance id, then by attribute name.
func (s *Service) ListAttributes(ctx context.Context, in *ecsmodel.ListAttributesRequest) (*ecsmodel.ListAttributesResponse, error) {
	const op = "ListAttributes"
	limit, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	if in.AttributeValue != "" && in.AttributeName == "" {
		return nil, ecs.InvalidParameter("attributeValue can only be used together with attributeName.")
	}
	cluster, err := s.readActiveCluster(ctx, in.Cluster)
	if err != nil {
		return nil, err
	}
	after, err := tokenAfter(op, in.NextToken, instancePrefix(cluster))
	if err != nil {
		return nil, err
	}
	insts, err := listAll(ctx, s.store, instancePrefix(cluster))
	if err != nil {
		return nil, err
	}
	out := &ecsmodel.ListAttributesResponse{Attributes: []ecsmodel.Attribute{}}
	last := ""
	for _, kv := range insts {
		inst, err := decode[instanceRecord](kv)
		if err != nil {
			return nil, err
		}
		if inst.Instance.Status == ecs.InstanceInactive {
			continue
		}
		for _, a := range inst.Instance.Attributes {
			pos := kv.Key + "\x00" + a.Name
			if pos <= after || in.AttributeName != "" && a.Name != in.AttributeName || in.AttributeValue != "" && a.Value != in.AttributeValue {
				continue
			}
			if len(out.Attributes) == limit {
				out.NextToken = encodeToken(op, last)
				return out, nil
			}
			a.TargetId = inst.Instance.ContainerInstanceArn
			a.TargetType = ecsmodel.TargetTypeContainerInstance
			out.Attributes = append(out.Attributes, a)
			last = pos
		}
	}
	return out, nil
}
