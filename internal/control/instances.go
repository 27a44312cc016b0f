package control

import (
	"context"
	"slices"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// RegisterContainerInstance registers an instance with an ACTIVE cluster.
//
// Resources come from totalResources (CPU, MEMORY, PORTS, PORTS_UDP, see
// parseCapacity) and platformDevices (GPUs). From the instance identity
// document berth reads instanceId (the ec2InstanceId), availabilityZone,
// instanceType, imageId and architecture, which become the attributes
// ecs.availability-zone, ecs.instance-type, ecs.ami-id and
// ecs.cpu-architecture; the document's signature is not checked.
//
// A registration updates an existing instance instead of creating one when
// it names it by containerInstanceArn (the agent re-registering after a
// restart) or, without an ARN, when an ACTIVE or DRAINING instance of the
// cluster has the same ec2InstanceId. The model's request has no
// clientToken, so the EC2 instance id is what makes a retried registration
// idempotent. A re-registration keeps the id, registeredAt, status and
// custom attributes, replaces the agent's attributes, resources and version
// info, and keeps what tasks hold of the resources.
//
// The capacity provider is taken from the attribute berth.capacity-provider
// (the request has no member for it). agentConnected is true from
// registration on until berth has an agent channel that can say otherwise.
func (s *Service) RegisterContainerInstance(ctx context.Context, in *ecsmodel.RegisterContainerInstanceRequest) (*ecsmodel.RegisterContainerInstanceResponse, error) {
	c, err := parseCapacity(in.TotalResources, in.PlatformDevices)
	if err != nil {
		return nil, err
	}
	doc, err := parseIdentity(in.InstanceIdentityDocument)
	if err != nil {
		return nil, err
	}
	attrs, provider, err := registrationAttributes(in.Attributes, doc)
	if err != nil {
		return nil, err
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	var view ecsmodel.ContainerInstance
	err = s.update(ctx, func(tx *store.Tx) error {
		// Reading the ACTIVE cluster record makes it a condition of the
		// commit, which a concurrent DeleteCluster breaks (see DeleteCluster).
		cluster, _, err := s.activeCluster(tx, in.Cluster)
		if err != nil {
			return err
		}
		inst, alloc, err := s.existingRegistration(tx, cluster, in.ContainerInstanceArn, doc.InstanceID)
		if err != nil {
			return err
		}
		attrs := slices.Clone(attrs)
		if inst == nil {
			id := ecs.NewID()
			inst = &instanceRecord{Cluster: cluster, ID: id, Instance: ecsmodel.ContainerInstance{
				ContainerInstanceArn: s.account.ContainerInstanceARN(cluster, id),
				RegisteredAt:         s.timestamp(),
			}}
			a := newAlloc(c)
			alloc = &a
		} else {
			alloc.reallocate(capacityOf(inst.Instance.RegisteredResources), c)
			alloc.AgentConnected = true
			alloc.Version++
			for _, name := range inst.Custom {
				if i := slices.IndexFunc(inst.Instance.Attributes, func(a ecsmodel.Attribute) bool { return a.Name == name }); i >= 0 {
					attrs = setAttribute(attrs, name, inst.Instance.Attributes[i].Value)
				}
			}
		}
		if old := inst.Instance.Ec2InstanceId; old != "" && old != doc.InstanceID {
			if err := dropEC2Index(tx, cluster, old, inst.ID); err != nil {
				return err
			}
		}
		inst.Instance.Ec2InstanceId = doc.InstanceID
		inst.Instance.CapacityProviderName = provider
		inst.Instance.Attributes = attrs
		inst.Instance.RegisteredResources = c.resources()
		inst.Instance.VersionInfo = in.VersionInfo
		if err := s.putInstance(tx, inst, alloc); err != nil {
			return err
		}
		if doc.InstanceID != "" {
			if err := txPut(tx, ec2IDKey(cluster, doc.InstanceID), ec2IDRecord{ID: inst.ID}); err != nil {
				return err
			}
		}
		tags, err := txLoadTags(tx, instanceTagsKey(cluster, inst.ID))
		if err != nil {
			return err
		}
		if len(in.Tags) > 0 {
			tags = mergeTags(tags, in.Tags)
			if len(tags) > maxTags {
				return ecs.InvalidParameter("Too many tags: the instance would have %d, the limit is %d.", len(tags), maxTags)
			}
			if err := txStoreTags(tx, instanceTagsKey(cluster, inst.ID), tags); err != nil {
				return err
			}
		}
		view = instanceView(inst, alloc)
		view.Tags = tags
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ecsmodel.RegisterContainerInstanceResponse{ContainerInstance: &view}, nil
}

// existingRegistration finds the instance a registration updates: the one
// named by arn, else the ACTIVE or DRAINING one registered for ec2ID. It
// returns nil records for a new registration.
func (s *Service) existingRegistration(tx *store.Tx, cluster, arn, ec2ID string) (*instanceRecord, *allocRecord, error) {
	if arn != "" {
		id, ok, err := s.instanceID(cluster, arn)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return nil, nil, ecs.InvalidParameter("Invalid containerInstanceArn %s.", arn)
		}
		inst, alloc, ok, err := txGetInstance(tx, cluster, id)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return nil, nil, ecs.InvalidParameter("Container instance %s does not exist in cluster %s.", arn, cluster)
		}
		if alloc.Status == ecs.InstanceInactive {
			return nil, nil, ecs.ClientError("Container instance %s has been deregistered; register it again without containerInstanceArn.", arn)
		}
		return inst, alloc, nil
	}
	if ec2ID == "" {
		return nil, nil, nil
	}
	idx, ok, err := txGet[ec2IDRecord](tx, ec2IDKey(cluster, ec2ID))
	if err != nil || !ok {
		return nil, nil, err
	}
	inst, alloc, ok, err := txGetInstance(tx, cluster, idx.ID)
	if err != nil || !ok || alloc.Status == ecs.InstanceInactive {
		return nil, nil, err
	}
	return inst, alloc, nil
}

// txGetInstance reads both halves of an instance inside a transaction.
func txGetInstance(tx *store.Tx, cluster, id string) (*instanceRecord, *allocRecord, bool, error) {
	inst, ok, err := txGet[instanceRecord](tx, instanceKey(cluster, id))
	if err != nil || !ok {
		return nil, nil, false, err
	}
	alloc, ok, err := txGet[allocRecord](tx, allocKey(cluster, id))
	if err != nil || !ok {
		return nil, nil, false, err
	}
	return inst, alloc, true, nil
}

// dropEC2Index deletes the EC2 instance id index entry of cluster for ec2ID
// if it names the instance id.
func dropEC2Index(tx *store.Tx, cluster, ec2ID, id string) error {
	if ec2ID == "" {
		return nil
	}
	idx, ok, err := txGet[ec2IDRecord](tx, ec2IDKey(cluster, ec2ID))
	if err != nil || !ok || idx.ID != id {
		return err
	}
	tx.Delete(ec2IDKey(cluster, ec2ID))
	return nil
}

// putInstance writes both halves of an instance.
func (s *Service) putInstance(tx *store.Tx, inst *instanceRecord, alloc *allocRecord) error {
	if err := txPut(tx, instanceKey(inst.Cluster, inst.ID), inst); err != nil {
		return err
	}
	return txPut(tx, allocKey(inst.Cluster, inst.ID), alloc)
}

// instanceView joins the halves of an instance into the ContainerInstance
// shape the API returns.
func instanceView(inst *instanceRecord, a *allocRecord) ecsmodel.ContainerInstance {
	ci := inst.Instance
	ci.Status = a.Status
	ci.AgentConnected = a.AgentConnected
	ci.Version = a.Version
	ci.RunningTasksCount = a.Running
	ci.PendingTasksCount = a.Pending
	ci.Attributes = nonNil(slices.Clone(ci.Attributes))
	ci.RegisteredResources = slices.Clone(ci.RegisteredResources)
	ci.RemainingResources = remaining(ci.RegisteredResources, a)
	return ci
}

// DeregisterContainerInstance deregisters an instance: its status becomes
// INACTIVE and it can receive no tasks. With tasks on it (running or
// pending) it refuses unless force is set, with ECS's error. A forced
// deregistration leaves the tasks to the task lifecycle work (they are to
// be stopped); deregistering an INACTIVE instance returns it again.
func (s *Service) DeregisterContainerInstance(ctx context.Context, in *ecsmodel.DeregisterContainerInstanceRequest) (*ecsmodel.DeregisterContainerInstanceResponse, error) {
	force := in.Force != nil && *in.Force
	var view ecsmodel.ContainerInstance
	err := s.update(ctx, func(tx *store.Tx) error {
		cluster, _, err := s.activeCluster(tx, in.Cluster)
		if err != nil {
			return err
		}
		id, ok, err := s.instanceID(cluster, in.ContainerInstance)
		if err != nil {
			return err
		}
		var inst *instanceRecord
		var alloc *allocRecord
		if ok {
			if inst, alloc, ok, err = txGetInstance(tx, cluster, id); err != nil {
				return err
			}
		}
		if !ok {
			return ecs.InvalidParameter("Container instance %s not found in cluster %s.", in.ContainerInstance, cluster)
		}
		if alloc.Status != ecs.InstanceInactive {
			if !force && (alloc.Running > 0 || alloc.Pending > 0) {
				return ecs.InvalidParameter("Found running tasks on the instance.")
			}
			alloc.Status = ecs.InstanceInactive
			alloc.AgentConnected = false
			alloc.Version++
			if err := txPut(tx, allocKey(cluster, id), alloc); err != nil {
				return err
			}
			if err := dropEC2Index(tx, cluster, inst.Instance.Ec2InstanceId, id); err != nil {
				return err
			}
		}
		view = instanceView(inst, alloc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ecsmodel.DeregisterContainerInstanceResponse{ContainerInstance: &view}, nil
}
