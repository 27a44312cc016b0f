package expr

import (
	"cmp"
	"regexp"
	"slices"
	"time"
)

// node is one element of a parsed expression.
type node interface {
	eval(t Target) bool
}

// orNode holds when any operand holds.
type orNode []node

func (n orNode) eval(t Target) bool {
	for _, x := range n {
		if x.eval(t) {
			return true
		}
	}
	return false
}

// andNode holds when every operand holds.
type andNode []node

func (n andNode) eval(t Target) bool {
	for _, x := range n {
		if !x.eval(t) {
			return false
		}
	}
	return true
}

// notNode negates its operand.
type notNode struct{ x node }

func (n notNode) eval(t Target) bool { return !n.x.eval(t) }

// subject is the left-hand side of a term.
type subject uint8

const (
	subjAttribute subject = iota
	subjAgentConnected
	subjAgentVersion
	subjEC2InstanceID
	subjRegisteredAt
	subjRunningTasksCount
	subjTaskGroup
)

// op is a positive operator; negative operators set term.neg.
type op uint8

const (
	opEq op = iota
	opGt
	opGe
	opLt
	opLe
	opExists
	opIn
	opMatches
)

// term is "subject operator [argument]" with its argument already converted
// to the subject's type.
type term struct {
	subj subject
	attr string // attribute name for subjAttribute
	op   op
	neg  bool // the operator was the negative form of op

	str   string         // == and ordering argument as text
	num   float64        // str as a number when isNum
	isNum bool           // str is a decimal number
	list  []string       // in/!in items
	re    *regexp.Regexp // =~ / !~, anchored at both ends
	ver   version        // agentVersion argument
	when  time.Time      // registeredAt argument
	n     int            // runningTasksCount argument
}

func (x *term) eval(t Target) bool { return x.holds(t) != x.neg }

// holds evaluates the positive operator.
func (x *term) holds(t Target) bool {
	switch x.subj {
	case subjAttribute:
		v, ok := t.Attribute(x.attr)
		if x.op == opExists || !ok {
			return ok
		}
		if x.op >= opGt && x.op <= opLe {
			return x.ordered(compareAttr(v, x))
		}
		return x.matchString(v)
	case subjAgentConnected:
		if t.AgentConnected() {
			return x.matchString("true")
		}
		return x.matchString("false")
	case subjEC2InstanceID:
		return x.matchString(t.EC2InstanceID())
	case subjTaskGroup:
		return x.matchGroups(t)
	case subjAgentVersion:
		v, ok := parseVersion(t.AgentVersion())
		return ok && x.ordered(v.compare(x.ver))
	case subjRegisteredAt:
		return x.ordered(t.RegisteredAt().Truncate(time.Second).Compare(x.when))
	case subjRunningTasksCount:
		return x.ordered(cmp.Compare(t.RunningTasksCount(), x.n))
	}
	return false
}

// matchString applies ==, in or =~ to a string value.
func (x *term) matchString(v string) bool {
	switch x.op {
	case opEq:
		return v == x.str
	case opIn:
		return slices.Contains(x.list, v)
	case opMatches:
		return x.re.MatchString(v)
	}
	return false
}

// matchGroups applies ==, in or =~ to the target's task groups.
func (x *term) matchGroups(t Target) bool {
	switch x.op {
	case opEq:
		return t.HasTaskGroup(x.str)
	case opIn:
		for _, g := range x.list {
			if t.HasTaskGroup(g) {
				return true
			}
		}
	case opMatches:
		for g := range t.TaskGroups() {
			if x.re.MatchString(g) {
				return true
			}
		}
	}
	return false
}

// ordered turns a three-way comparison into the operator's answer.
func (x *term) ordered(c int) bool {
	switch x.op {
	case opEq:
		return c == 0
	case opGt:
		return c > 0
	case opGe:
		return c >= 0
	case opLt:
		return c < 0
	case opLe:
		return c <= 0
	}
	return false
}
