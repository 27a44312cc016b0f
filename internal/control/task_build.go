package control

import (
	"slices"
	"strconv"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/placement"
)

// Values berth writes on launched tasks.
const (
	fargatePlatformVersion = "1.4.0" // what LATEST means
	fargatePlatformFamily  = "Linux"
	fargateDefaultStorage  = 20 // GiB
	attachmentENI          = "ElasticNetworkInterface"
	attachmentPrecreated   = "PRECREATED"
)

// taskSpec is what every task of one launch shares.
type taskSpec struct {
	cluster         string
	td              *ecsmodel.TaskDefinition
	eff             effective
	overrides       *ecsmodel.TaskOverride
	group           string
	startedBy       string
	tags            []ecsmodel.Tag
	network         *ecsmodel.NetworkConfiguration
	enableExec      bool
	referenceID     string
	volumes         []ecsmodel.TaskVolumeConfiguration
	platformVersion string
}

// placedTask is one task placed (and reserved) by a launch, not yet
// committed.
type placedTask struct {
	id      string
	pl      placement.Placement
	portion portion
	// instance details read from the index at placement.
	instRev      int64
	zone, arch   string
	instProvider string
}

// newTaskRecord builds the record of a placed task, as RunTask and
// StartTask return it: PENDING, desired RUNNING, version 1.
func (s *Service) newTaskRecord(spec *taskSpec, pt *placedTask, now ecsmodel.Time) *taskRecord {
	td, cluster := spec.td, spec.cluster
	arn := s.account.TaskARN(cluster, pt.id)
	t := ecsmodel.Task{
		TaskArn:              arn,
		ClusterArn:           s.account.ClusterARN(cluster),
		TaskDefinitionArn:    td.TaskDefinitionArn,
		ContainerInstanceArn: pt.pl.InstanceARN,
		LastStatus:           statusPending,
		DesiredStatus:        statusRunning,
		Cpu:                  strconv.FormatInt(spec.eff.cpu, 10),
		Memory:               strconv.FormatInt(spec.eff.memory, 10),
		Group:                spec.group,
		StartedBy:            spec.startedBy,
		LaunchType:           pt.portion.launchType,
		CapacityProviderName: pt.portion.cpName,
		AvailabilityZone:     pt.zone,
		CreatedAt:            now,
		Version:              1,
		EnableExecuteCommand: spec.enableExec,
		HealthStatus:         ecsmodel.HealthStatusUnknown,
		Overrides:            echoOverrides(td, spec.overrides),
		Attributes:           []ecsmodel.Attribute{},
		Attachments:          []ecsmodel.Attachment{},
	}
	if pt.arch != "" {
		t.Attributes = append(t.Attributes, ecsmodel.Attribute{Name: attrCPUArchitecture, Value: pt.arch})
	}
	if pt.portion.fargate {
		t.PlatformVersion, t.PlatformFamily = fargatePlatformVersion, fargatePlatformFamily
		t.EphemeralStorage = &ecsmodel.EphemeralStorage{SizeInGiB: fargateDefaultStorage}
		if spec.eff.ephemeral != nil {
			t.EphemeralStorage = &ecsmodel.EphemeralStorage{SizeInGiB: spec.eff.ephemeral.SizeInGiB}
		}
	}
	attachmentID := ""
	if nc := spec.network; nc != nil && nc.AwsvpcConfiguration != nil {
		attachmentID = ecs.NewUUID()
		t.Attachments = append(t.Attachments, eniAttachment(attachmentID, nc.AwsvpcConfiguration))
	}
	gpus := pt.pl.GPUIDs
	for i, cd := range td.ContainerDefinitions {
		ec := spec.eff.containers[i]
		c := ecsmodel.Container{
			ContainerArn: s.account.ContainerARN(cluster, pt.id, ecs.NewUUID()),
			TaskArn:      arn,
			Name:         cd.Name,
			Image:        cd.Image,
			LastStatus:   statusPending,
			Cpu:          strconv.Itoa(int(ec.cpu)),
			HealthStatus: ecsmodel.HealthStatusUnknown,
		}
		if ec.memory != nil {
			c.Memory = strconv.Itoa(int(*ec.memory))
		}
		if ec.memRes != nil {
			c.MemoryReservation = strconv.Itoa(int(*ec.memRes))
		}
		if attachmentID != "" {
			c.NetworkInterfaces = []ecsmodel.NetworkInterface{{AttachmentId: attachmentID}}
		}
		if n := min(ec.gpus, len(gpus)); n > 0 {
			c.GpuIds, gpus = slices.Clone(gpus[:n]), gpus[n:]
		}
		t.Containers = append(t.Containers, c)
	}
	return &taskRecord{
		Task:                 t,
		InstanceID:           pt.pl.InstanceID,
		Family:               td.Family,
		Revision:             td.Revision,
		Alloc:                storedAlloc(pt.pl.Allocation),
		HostPorts:            spec.eff.hostPorts(pt.pl.HostPorts),
		ReferenceID:          spec.referenceID,
		NetworkConfiguration: spec.network,
		VolumeConfigurations: spec.volumes,
	}
}

// echoOverrides is the overrides member of a launched task: as ECS shows
// it, a container override for every container of the definition (at
// least its name, plus whatever the request overrode) and the task-level
// overrides of the request.
func echoOverrides(td *ecsmodel.TaskDefinition, ov *ecsmodel.TaskOverride) *ecsmodel.TaskOverride {
	out := &ecsmodel.TaskOverride{InferenceAcceleratorOverrides: []ecsmodel.InferenceAcceleratorOverride{}}
	if ov != nil {
		*out = *ov
		out.InferenceAcceleratorOverrides = nonNil(ov.InferenceAcceleratorOverrides)
	}
	out.ContainerOverrides = make([]ecsmodel.ContainerOverride, 0, len(td.ContainerDefinitions))
	for _, cd := range td.ContainerDefinitions {
		co := ecsmodel.ContainerOverride{Name: cd.Name}
		if ov != nil {
			if i := slices.IndexFunc(ov.ContainerOverrides, func(o ecsmodel.ContainerOverride) bool { return o.Name == cd.Name }); i >= 0 {
				co = ov.ContainerOverrides[i]
			}
		}
		out.ContainerOverrides = append(out.ContainerOverrides, co)
	}
	return out
}

// eniAttachment is the elastic network interface attachment ECS records
// on an awsvpc task. berth creates no interface: the attachment is
// PRECREATED with the subnet and security groups asked for, and the agent
// may report it ATTACHED later.
func eniAttachment(id string, c *ecsmodel.AwsVpcConfiguration) ecsmodel.Attachment {
	a := ecsmodel.Attachment{Id: id, Type: attachmentENI, Status: attachmentPrecreated,
		Details: []ecsmodel.KeyValuePair{{Name: "subnetId", Value: c.Subnets[0]}}}
	for _, sg := range c.SecurityGroups {
		a.Details = append(a.Details, ecsmodel.KeyValuePair{Name: "securityGroupId", Value: sg})
	}
	return a
}
