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
// (the request has no member for it). A registration sets agentConnected;
// the agent channel changes it afterwards (AgentConnected).
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
	var inst *instanceRecord
	rev, err := store.Update(ctx, s.store, func(tx *store.Tx) error {
		// Reading the ACTIVE cluster record makes it a condition of the
		// commit, which a concurrent DeleteCluster breaks (see DeleteCluster).
		cluster, _, err := s.activeCluster(tx, in.Cluster)
		if err != nil {
			return err
		}
		if inst, err = s.existingRegistration(tx, cluster, in.ContainerInstanceArn, doc.InstanceID); err != nil {
			return err
		}
		attrs := slices.Clone(attrs)
		if inst == nil {
			id := ecs.NewID()
			inst = &instanceRecord{Cluster: cluster, ID: id, Instance: ecsmodel.ContainerInstance{
				ContainerInstanceArn: s.account.ContainerInstanceARN(cluster, id),
				RegisteredAt:         s.timestamp(),
				Status:               ecs.InstanceActive,
			}}
		} else {
			for _, name := range inst.Custom {
				if i := slices.IndexFunc(inst.Instance.Attributes, func(a ecsmodel.Attribute) bool { return a.Name == name }); i >= 0 {
					attrs = setAttribute(attrs, name, inst.Instance.Attributes[i].Value)
				}
			}
		}
		inst.Instance.AgentConnected = true
		inst.Instance.Version++
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
		if err := txPut(tx, instanceKey(cluster, inst.ID), inst); err != nil {
			return err
		}
		if doc.InstanceID != "" {
			if err := txPut(tx, ec2IDKey(cluster, doc.InstanceID), ec2IDRecord{ID: inst.ID}); err != nil {
				return err
			}
		}
		if len(in.Tags) == 0 {
			return nil
		}
		tags, err := txLoadTags(tx, instanceTagsKey(cluster, inst.ID))
		if err != nil {
			return err
		}
		tags = mergeTags(tags, in.Tags)
		if len(tags) > maxTags {
			return ecs.InvalidParameter("Too many tags: the instance would have %d, the limit is %d.", len(tags), maxTags)
		}
		return txStoreTags(tx, instanceTagsKey(inst.Cluster, inst.ID), tags)
	})
	if err != nil {
		return nil, err
	}
	s.indexInstance(inst, rev)
	view := s.instanceView(inst)
	tags, err := loadTags(ctx, s.store, instanceTagsKey(inst.Cluster, inst.ID))
	if err != nil {
		return nil, err
	}
	view.Tags = tags
	return &ecsmodel.RegisterContainerInstanceResponse{ContainerInstance: &view}, nil
}

// existingRegistration finds the instance a registration updates: the one
// named by arn, else the ACTIVE or DRAINING one registered for ec2ID. It
// returns nil for a new registration.
func (s *Service) existingRegistration(tx *store.Tx, cluster, arn, ec2ID string) (*instanceRecord, error) {
	if arn != "" {
		id, ok, err := s.instanceID(cluster, arn)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, ecs.InvalidParameter("Invalid containerInstanceArn %s.", arn)
		}
		inst, ok, err := txGet[instanceRecord](tx, instanceKey(cluster, id))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, ecs.InvalidParameter("Container instance %s does not exist in cluster %s.", arn, cluster)
		}
		if inst.Instance.Status == ecs.InstanceInactive {
			return nil, ecs.ClientError("Container instance %s has been deregistered; register it again without containerInstanceArn.", arn)
		}
		return inst, nil
	}
	if ec2ID == "" {
		return nil, nil
	}
	idx, ok, err := txGet[ec2IDRecord](tx, ec2IDKey(cluster, ec2ID))
	if err != nil || !ok {
		return nil, err
	}
	inst, ok, err := txGet[instanceRecord](tx, instanceKey(cluster, idx.ID))
	if err != nil || !ok || inst.Instance.Status == ecs.InstanceInactive {
		return nil, err
	}
	return inst, nil
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

// instanceView is the ContainerInstance shape the API returns: the record
// with remainingResources and the task counters from the index.
func (s *Service) instanceView(inst *instanceRecord) ecsmodel.ContainerInstance {
	u := s.instanceUse(inst.Cluster, inst.ID)
	ci := inst.Instance
	ci.RunningTasksCount = u.running
	ci.PendingTasksCount = u.pending
	ci.Attributes = nonNil(slices.Clone(ci.Attributes))
	ci.RegisteredResources = slices.Clone(ci.RegisteredResources)
	ci.RemainingResources = remaining(ci.RegisteredResources, u)
	return ci
}

// DeregisterContainerInstance deregisters an instance: its status becomes
// INACTIVE and it can receive no tasks. With tasks on it that have not
// stopped it refuses unless force is set, with ECS's error. A forced
// deregistration then stops those tasks (desired and last status STOPPED,
// stop code TerminationNotice) and frees what they held. Deregistering an
// INACTIVE instance returns it again.
func (s *Service) DeregisterContainerInstance(ctx context.Context, in *ecsmodel.DeregisterContainerInstanceRequest) (*ecsmodel.DeregisterContainerInstanceResponse, error) {
	force := in.Force != nil && *in.Force
	var inst *instanceRecord
	changed := false
	rev, err := store.Update(ctx, s.store, func(tx *store.Tx) error {
		changed = false
		cluster, _, err := s.activeCluster(tx, in.Cluster)
		if err != nil {
			return err
		}
		id, ok, err := s.instanceID(cluster, in.ContainerInstance)
		if err != nil {
			return err
		}
		if ok {
			if inst, ok, err = txGet[instanceRecord](tx, instanceKey(cluster, id)); err != nil {
				return err
			}
		}
		if !ok {
			return ecs.InvalidParameter("Container instance %s not found in cluster %s.", in.ContainerInstance, cluster)
		}
		if inst.Instance.Status == ecs.InstanceInactive {
			return nil
		}
		if !force && len(s.liveTasksOn(cluster, id)) > 0 {
			return ecs.InvalidParameter("Found running tasks on the instance.")
		}
		changed = true
		inst.Instance.Status = ecs.InstanceInactive
		inst.Instance.AgentConnected = false
		inst.Instance.Version++
		if err := txPut(tx, instanceKey(cluster, id), inst); err != nil {
			return err
		}
		return dropEC2Index(tx, cluster, inst.Instance.Ec2InstanceId, id)
	})
	if err != nil {
		return nil, err
	}
	if changed {
		s.indexInstance(inst, rev)
		reason := "Container instance " + inst.Instance.ContainerInstanceArn + " was deregistered."
		if err := s.stopTasksOn(ctx, inst.Cluster, inst.ID, reason); err != nil {
			return nil, err
		}
	}
	view := s.instanceView(inst)
	return &ecsmodel.DeregisterContainerInstanceResponse{ContainerInstance: &view}, nil
}
