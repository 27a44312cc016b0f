package ecstest

import (
	"encoding/json"
	"strconv"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// Defaults of RegisterInstance: a 2-vCPU instance as the ECS agent
// registers it.
const (
	DefaultInstanceCPU    = 2048
	DefaultInstanceMemory = 3943
	DefaultZone           = "us-east-1a"
	DefaultInstanceType   = "t3.medium"
	DefaultAgentVersion   = "1.86.3"
)

// DefaultReservedPorts are the TCP ports the ECS agent reserves by default.
var DefaultReservedPorts = []int32{22, 2375, 2376, 51678, 51679}

// InstanceOption changes a RegisterContainerInstanceRequest.
type InstanceOption func(*ecsmodel.RegisterContainerInstanceRequest)

// RegisterInstance returns a registration for the default cluster of an
// instance with 2048 CPU units, 3943 MiB, the agent's default reserved TCP
// ports and no UDP ports, agent version DefaultAgentVersion, the name-only
// capability com.amazonaws.ecs.capability.docker-remote-api.1.44 and
// ecs.os-type=linux, and an identity document for a fresh EC2 instance id in
// DefaultZone. Then it applies opts.
func RegisterInstance(opts ...InstanceOption) *ecsmodel.RegisterContainerInstanceRequest {
	req := &ecsmodel.RegisterContainerInstanceRequest{
		TotalResources: []ecsmodel.Resource{
			{Name: "CPU", Type: "INTEGER", IntegerValue: DefaultInstanceCPU},
			{Name: "MEMORY", Type: "INTEGER", IntegerValue: DefaultInstanceMemory},
			portsResource("PORTS", DefaultReservedPorts),
			portsResource("PORTS_UDP", nil),
		},
		Attributes: []ecsmodel.Attribute{
			{Name: "com.amazonaws.ecs.capability.docker-remote-api.1.44"},
			{Name: "ecs.os-type", Value: "linux"},
		},
		VersionInfo:              &ecsmodel.VersionInfo{AgentVersion: DefaultAgentVersion, AgentHash: "a1b2c3d4", DockerVersion: "DockerVersion: 27.3.1"},
		InstanceIdentityDocument: IdentityDocument(NewEC2InstanceID(), DefaultZone),
	}
	for _, o := range opts {
		o(req)
	}
	return req
}

// NewEC2InstanceID returns a fresh id shaped like EC2's (i- and 17 hex).
func NewEC2InstanceID() string { return "i-" + ecs.NewID()[:17] }

// IdentityDocument returns an EC2 instance identity document for an
// instance id and availability zone (region us-east-1, DefaultInstanceType,
// x86_64).
func IdentityDocument(instanceID, zone string) string {
	b, err := json.Marshal(map[string]string{
		"instanceId":       instanceID,
		"availabilityZone": zone,
		"region":           "us-east-1",
		"instanceType":     DefaultInstanceType,
		"imageId":          "ami-0123456789abcdef0",
		"architecture":     "x86_64",
		"accountId":        "123456789012",
	})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// OnCluster registers with the named cluster (a name or an ARN).
func OnCluster(cluster string) InstanceOption {
	return func(r *ecsmodel.RegisterContainerInstanceRequest) { r.Cluster = cluster }
}

// Identity sets the identity document to one for instanceID in zone.
func Identity(instanceID, zone string) InstanceOption {
	return func(r *ecsmodel.RegisterContainerInstanceRequest) {
		r.InstanceIdentityDocument = IdentityDocument(instanceID, zone)
	}
}

// NoIdentity removes the identity document (an external instance).
func NoIdentity() InstanceOption {
	return func(r *ecsmodel.RegisterContainerInstanceRequest) { r.InstanceIdentityDocument = "" }
}

// InstanceCPU sets the registered CPU units.
func InstanceCPU(units int32) InstanceOption { return setResource("CPU", units) }

// InstanceMemory sets the registered memory in MiB.
func InstanceMemory(mib int32) InstanceOption { return setResource("MEMORY", mib) }

// ReservedPorts sets the reserved TCP ports.
func ReservedPorts(ports ...int32) InstanceOption {
	return replaceResource(portsResource("PORTS", ports))
}

// ReservedUDPPorts sets the reserved UDP ports.
func ReservedUDPPorts(ports ...int32) InstanceOption {
	return replaceResource(portsResource("PORTS_UDP", ports))
}

// Resources replaces totalResources as given.
func Resources(rs ...ecsmodel.Resource) InstanceOption {
	return func(r *ecsmodel.RegisterContainerInstanceRequest) { r.TotalResources = rs }
}

// GPUs registers GPUs with the given ids as platform devices.
func GPUs(ids ...string) InstanceOption {
	return func(r *ecsmodel.RegisterContainerInstanceRequest) {
		r.PlatformDevices = nil
		for _, id := range ids {
			r.PlatformDevices = append(r.PlatformDevices, ecsmodel.PlatformDevice{Id: id, Type: ecsmodel.PlatformDeviceTypeGpu})
		}
	}
}

// InstanceAttribute adds an attribute; value "" makes it name-only.
func InstanceAttribute(name, value string) InstanceOption {
	return func(r *ecsmodel.RegisterContainerInstanceRequest) {
		r.Attributes = append(r.Attributes, ecsmodel.Attribute{Name: name, Value: value})
	}
}

// CapacityProvider names the instance's capacity provider (berth takes it
// from the attribute berth.capacity-provider).
func CapacityProvider(name string) InstanceOption {
	return InstanceAttribute("berth.capacity-provider", name)
}

// ReRegister names the instance being registered again.
func ReRegister(containerInstanceArn string) InstanceOption {
	return func(r *ecsmodel.RegisterContainerInstanceRequest) { r.ContainerInstanceArn = containerInstanceArn }
}

// InstanceTags sets the tags of the registration.
func InstanceTags(tags ...ecsmodel.Tag) InstanceOption {
	return func(r *ecsmodel.RegisterContainerInstanceRequest) { r.Tags = tags }
}

// AgentVersion sets the agent version of versionInfo.
func AgentVersion(v string) InstanceOption {
	return func(r *ecsmodel.RegisterContainerInstanceRequest) {
		vi := ecsmodel.VersionInfo{}
		if r.VersionInfo != nil {
			vi = *r.VersionInfo
		}
		vi.AgentVersion = v
		r.VersionInfo = &vi
	}
}

// portsResource is a STRINGSET resource of port numbers.
func portsResource(name string, ports []int32) ecsmodel.Resource {
	set := make([]string, len(ports))
	for i, p := range ports {
		set[i] = strconv.Itoa(int(p))
	}
	return ecsmodel.Resource{Name: name, Type: "STRINGSET", StringSetValue: set}
}

// setResource sets an INTEGER resource.
func setResource(name string, v int32) InstanceOption {
	return replaceResource(ecsmodel.Resource{Name: name, Type: "INTEGER", IntegerValue: v})
}

// replaceResource replaces the resource of the same name, or appends it.
func replaceResource(res ecsmodel.Resource) InstanceOption {
	return func(r *ecsmodel.RegisterContainerInstanceRequest) {
		for i := range r.TotalResources {
			if r.TotalResources[i].Name == res.Name {
				r.TotalResources[i] = res
				return
			}
		}
		r.TotalResources = append(r.TotalResources, res)
	}
}
