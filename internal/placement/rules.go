package placement

import (
	"fmt"
	"strings"
)

// ruleKind is a compiled strategy rule.
type ruleKind uint8

const (
	ruleRandom ruleKind = iota
	ruleBinpack
	ruleSpreadInstance
	ruleSpreadAttr
)

// rule is a compiled strategy rule with the indexes it uses.
type rule struct {
	kind ruleKind
	res  resource // binpack
	attr string   // spread attribute:<name>

	values  *valueCounts  // spread attribute: tasks of the group per value
	sets    *attrSets     // spread attribute: instances per value
	buckets *countBuckets // spread instanceId (first rule only)
	ordered *orderedIndex // binpack (first rule, or after a spread attribute)
}

// compileRule checks and translates one strategy.
func compileRule(s Strategy) (rule, error) {
	switch s.Type {
	case Random:
		return rule{kind: ruleRandom}, nil
	case Binpack:
		switch {
		case strings.EqualFold(s.Field, "cpu"):
			return rule{kind: ruleBinpack, res: resCPU}, nil
		case strings.EqualFold(s.Field, "memory"):
			return rule{kind: ruleBinpack, res: resMemory}, nil
		}
	case Spread:
		switch {
		case strings.EqualFold(s.Field, "instanceId"), strings.EqualFold(s.Field, "host"):
			return rule{kind: ruleSpreadInstance}, nil
		case strings.HasPrefix(s.Field, "attribute:") && len(s.Field) > len("attribute:"):
			return rule{kind: ruleSpreadAttr, attr: s.Field[len("attribute:"):]}, nil
		}
	default:
		return rule{}, fmt.Errorf("%w: placement strategy type %q", ErrInvalid, s.Type)
	}
	return rule{}, fmt.Errorf("%w: field %q for placement strategy %s", ErrInvalid, s.Field, s.Type)
}
