package placement

import (
	"fmt"

	"github.com/berth-io/berth/internal/placement/expr"
)

// MaxStrategies is the most placement strategy rules ECS accepts.
const MaxStrategies = 5

// Demand is what one task needs from an instance, and how to choose among
// the instances that can give it.
type Demand struct {
	// CPU units and Memory (MiB) the task reserves.
	CPU, Memory int64
	// Ports are the task's host port needs, one per port mapping.
	Ports []PortMapping
	// GPUs is the number of GPUs the task needs.
	GPUs int
	// RequiredAttributes come from the task definition's requiresAttributes
	// and required capabilities; an instance lacking one is rejected with
	// ReasonAttribute.
	RequiredAttributes []Attribute
	// Constraints are binding: those of the request and the task definition.
	Constraints []Constraint
	// Strategies are best effort, applied in order; none means random.
	Strategies []Strategy
	// Group is the task group, e.g. "family:web" or "service:api". Spread
	// and distinctInstance are relative to tasks of this group.
	Group string
	// CapacityProvider selects the instances Place considers: those whose
	// CapacityProvider equals it ("" = instances without a provider), or
	// all ACTIVE instances when it is AnyCapacityProvider.
	CapacityProvider string
}

// AnyCapacityProvider as Demand.CapacityProvider lets Place use every
// ACTIVE instance whatever its capacity provider (launchType EC2).
const AnyCapacityProvider = "*"

// Protocol is a port mapping protocol.
type Protocol string

// Port mapping protocols; "" means TCP.
const (
	TCP Protocol = "tcp"
	UDP Protocol = "udp"
)

// PortMapping is one host port need.
type PortMapping struct {
	// ContainerPort is copied into the result's binding.
	ContainerPort uint16
	// HostPort is the static host port, or 0 for a dynamic one taken from
	// the ephemeral range EphemeralPortLow..EphemeralPortHigh.
	HostPort uint16
	// Protocol is TCP (or "") or UDP.
	Protocol Protocol
}

// Attribute is a required attribute. An empty Value requires only that the
// instance has the attribute; otherwise the values must be equal.
type Attribute struct {
	Name, Value string
}

// ConstraintType names a placement constraint type.
type ConstraintType string

// Placement constraint types.
const (
	DistinctInstance ConstraintType = "distinctInstance"
	MemberOf         ConstraintType = "memberOf"
)

// Constraint is a binding placement constraint.
type Constraint struct {
	Type ConstraintType
	// Expr is the parsed expression of a memberOf constraint; nil for
	// distinctInstance.
	Expr *expr.Expr
}

// StrategyType names a placement strategy type.
type StrategyType string

// Placement strategy types.
const (
	Random  StrategyType = "random"
	Spread  StrategyType = "spread"
	Binpack StrategyType = "binpack"
)

// Strategy is one placement strategy rule.
type Strategy struct {
	Type StrategyType
	// Field is, for spread, "instanceId", "host" (the same) or
	// "attribute:<name>"; for binpack "cpu" or "memory"; unused for random.
	// The keywords are matched case-insensitively.
	Field string
}

// Validate reports a demand Place cannot honour as the caller meant it:
// negative amounts, unknown or malformed strategies and constraints, more
// than MaxStrategies rules, or one static host port asked for twice.
func (d *Demand) Validate() error {
	if d.CPU < 0 || d.Memory < 0 || d.GPUs < 0 {
		return fmt.Errorf("%w: negative cpu, memory or gpu count", ErrInvalid)
	}
	if len(d.Strategies) > MaxStrategies {
		return fmt.Errorf("%w: %d placement strategies, at most %d", ErrInvalid, len(d.Strategies), MaxStrategies)
	}
	for _, s := range d.Strategies {
		if _, err := compileRule(s); err != nil {
			return err
		}
	}
	for _, c := range d.Constraints {
		switch {
		case c.Type == DistinctInstance && c.Expr == nil, c.Type == MemberOf && c.Expr != nil:
		default:
			return fmt.Errorf("%w: constraint %q with expression %v", ErrInvalid, c.Type, c.Expr)
		}
	}
	for i, p := range d.Ports {
		if p.Protocol != "" && p.Protocol != TCP && p.Protocol != UDP {
			return fmt.Errorf("%w: protocol %q", ErrInvalid, p.Protocol)
		}
		for _, q := range d.Ports[:i] {
			if p.HostPort != 0 && p.HostPort == q.HostPort && protoIndex(p.Protocol) == protoIndex(q.Protocol) {
				return fmt.Errorf("%w: host port %d/%s asked for twice", ErrInvalid, p.HostPort, protoNames[protoIndex(p.Protocol)])
			}
		}
	}
	return nil
}
