package control

import (
	"strings"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/placement"
	"github.com/berth-io/berth/internal/placement/expr"
)

// placementConstraints parses the constraints of a request together with
// those of the task definition (memberOf only): at most 10 in all;
// distinctInstance takes no expression, memberOf needs one in the cluster
// query language, whose syntax errors name the position.
func placementConstraints(req []ecsmodel.PlacementConstraint, def []ecsmodel.TaskDefinitionPlacementConstraint) ([]placement.Constraint, error) {
	if n := len(req) + len(def); n > maxPlacementConstr {
		return nil, ecs.InvalidParameter("A task can have at most %d placement constraints, including those of its task definition; it has %d.", maxPlacementConstr, n)
	}
	all := make([]ecsmodel.PlacementConstraint, 0, len(req)+len(def))
	for _, c := range def {
		all = append(all, ecsmodel.PlacementConstraint{Type: ecsmodel.PlacementConstraintType(c.Type), Expression: c.Expression})
	}
	all = append(all, req...)
	var out []placement.Constraint
	for _, c := range all {
		switch c.Type {
		case ecsmodel.PlacementConstraintTypeDistinctinstance:
			if c.Expression != "" {
				return nil, ecs.InvalidParameter("A distinctInstance placement constraint cannot have an expression.")
			}
			out = append(out, placement.Constraint{Type: placement.DistinctInstance})
		case ecsmodel.PlacementConstraintTypeMemberof:
			if strings.TrimSpace(c.Expression) == "" {
				return nil, ecs.InvalidParameter("A memberOf placement constraint needs an expression.")
			}
			e, err := expr.Parse(c.Expression)
			if err != nil {
				return nil, ecs.InvalidParameter("Invalid memberOf expression %q: %v.", c.Expression, err)
			}
			out = append(out, placement.Constraint{Type: placement.MemberOf, Expr: e})
		default:
			return nil, ecs.InvalidParameter("Invalid placement constraint type %q: use distinctInstance or memberOf.", c.Type)
		}
	}
	return out, nil
}

// placementStrategies parses up to 5 strategy rules: random (no field),
// spread over instanceId, host or attribute:<name>, binpack over cpu or
// memory.
func placementStrategies(req []ecsmodel.PlacementStrategy) ([]placement.Strategy, error) {
	if len(req) > placement.MaxStrategies {
		return nil, ecs.InvalidParameter("A task can have at most %d placement strategies.", placement.MaxStrategies)
	}
	out := make([]placement.Strategy, 0, len(req))
	for _, s := range req {
		ok := false
		switch s.Type {
		case ecsmodel.PlacementStrategyTypeRandom:
			ok = s.Field == ""
		case ecsmodel.PlacementStrategyTypeSpread:
			ok = strings.EqualFold(s.Field, "instanceId") || strings.EqualFold(s.Field, "host") ||
				strings.HasPrefix(s.Field, "attribute:") && len(s.Field) > len("attribute:")
		case ecsmodel.PlacementStrategyTypeBinpack:
			ok = strings.EqualFold(s.Field, "cpu") || strings.EqualFold(s.Field, "memory")
		default:
			return nil, ecs.InvalidParameter("Invalid placement strategy type %q: use random, spread or binpack.", s.Type)
		}
		if !ok {
			return nil, ecs.InvalidParameter("Invalid field %q for placement strategy %s.", s.Field, s.Type)
		}
		out = append(out, placement.Strategy{Type: placement.StrategyType(s.Type), Field: s.Field})
	}
	return out, nil
}

// fargateStrategy is how berth places Fargate tasks: spread over zones, as
// Fargate does; request strategies do not apply.
var fargateStrategy = []placement.Strategy{{Type: placement.Spread, Field: "attribute:" + attrAvailabilityZone}}
