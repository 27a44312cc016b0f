package placement

import "errors"

// Reason is a placement failure reason, exactly as ECS reports it in
// failures[].reason.
type Reason string

// Failure reasons.
const (
	// ReasonAgent: the instance's agent is disconnected.
	ReasonAgent Reason = "AGENT"
	// ReasonAttribute: the instance lacks a required attribute or capability.
	ReasonAttribute Reason = "ATTRIBUTE"
	// ReasonCPU, ReasonMemory, ReasonGPU, ReasonPorts, ReasonPortsUDP: not
	// enough of that resource (or a static host port is taken).
	ReasonCPU      Reason = "RESOURCE:CPU"
	ReasonMemory   Reason = "RESOURCE:MEMORY"
	ReasonGPU      Reason = "RESOURCE:GPU"
	ReasonPorts    Reason = "RESOURCE:PORTS"
	ReasonPortsUDP Reason = "RESOURCE:PORTS_UDP"
	// ReasonDistinctInstance: every otherwise suitable instance already runs
	// a task of the group. ECS documents no reason for this; the text
	// mirrors the memberOf one.
	ReasonDistinctInstance Reason = "DistinctInstance placement constraint unsatisfied."
	// ReasonMemberOf: no suitable instance matches a memberOf expression.
	ReasonMemberOf Reason = "MemberOf placement constraint unsatisfied."
	// ReasonInactive: PlaceOn was given an instance that is not ACTIVE.
	ReasonInactive Reason = "INACTIVE"
	// ReasonMissing: PlaceOn was given an unknown instance id.
	ReasonMissing Reason = "MISSING"
	// ReasonNoActiveInstances: Place found no ACTIVE instance to consider.
	ReasonNoActiveInstances Reason = "NO ACTIVE INSTANCES"
	// ReasonEmptyCapacityProvider: no instance at all belongs to the
	// demanded capacity provider.
	ReasonEmptyCapacityProvider Reason = "EMPTY CAPACITY PROVIDER"
)

// Errors returned by Upsert, Reserve, Release and Demand.Validate, wrapped
// with details; match them with errors.Is.
var (
	// ErrNotFound: no instance has the id.
	ErrNotFound = errors.New("placement: container instance not found")
	// ErrInvalid: malformed input, or a Release of more than is held.
	ErrInvalid = errors.New("placement: invalid input")
	// ErrOvercommit: a Reserve asks for more than the instance has free.
	ErrOvercommit = errors.New("placement: not enough free resources")
)

// Failure is one task that could not be placed.
type Failure struct {
	// Arn is the ARN of the closest candidate instance (see the package
	// documentation); for PlaceOn, the instance asked for (its id when it
	// is unknown); "" when there was no candidate at all.
	Arn string
	// Reason is why the closest candidate could not take the task.
	Reason Reason
}

// Placement is one task placed, and already reserved, on an instance.
type Placement struct {
	InstanceID  string
	InstanceARN string
	// HostPorts has one binding per Demand.Ports entry, in the same order:
	// static ports as given, dynamic ones as assigned.
	HostPorts []PortBinding
	// GPUIDs are the GPUs assigned to the task.
	GPUIDs []string
	// Allocation is what was reserved; pass it to Release to undo the
	// placement (e.g. when the durable commit fails).
	Allocation Allocation
}

// PortBinding is a container port bound to a host port.
type PortBinding struct {
	ContainerPort uint16
	HostPort      uint16
	Protocol      Protocol
}

// Allocation is what one task holds on an instance.
type Allocation struct {
	TaskGroup   string
	CPU, Memory int64
	// Ports and PortsUDP are the host ports actually assigned, static and
	// dynamic.
	Ports, PortsUDP []uint16
	GPUIDs          []string
}
