package expr

import (
	"regexp"
	"strconv"
	"strings"
)

func (p *parser) parseOr(depth int) (node, error) {
	x, err := p.parseAnd(depth)
	if err != nil {
		return nil, err
	}
	xs := orNode{x}
	for {
		p.skipSpace()
		switch {
		case p.hasPrefix("||"):
			p.pos += 2
		case p.keyword("or"):
			p.pos += 2
		default:
			if len(xs) == 1 {
				return x, nil
			}
			return xs, nil
		}
		y, err := p.parseAnd(depth)
		if err != nil {
			return nil, err
		}
		xs = append(xs, y)
	}
}

func (p *parser) parseAnd(depth int) (node, error) {
	x, err := p.parseUnary(depth)
	if err != nil {
		return nil, err
	}
	xs := andNode{x}
	for {
		p.skipSpace()
		switch {
		case p.hasPrefix("&&"):
			p.pos += 2
		case p.keyword("and"):
			p.pos += 3
		default:
			if len(xs) == 1 {
				return x, nil
			}
			return xs, nil
		}
		y, err := p.parseUnary(depth)
		if err != nil {
			return nil, err
		}
		xs = append(xs, y)
	}
}

func (p *parser) parseUnary(depth int) (node, error) {
	p.skipSpace()
	if depth >= maxDepth {
		return nil, p.errf(p.pos, "expression is nested too deeply")
	}
	switch {
	case p.eof():
		return nil, p.errf(p.pos, "expected expression")
	case p.peek() == '(':
		open := p.pos
		p.pos++
		x, err := p.parseOr(depth + 1)
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.peek() != ')' {
			if p.eof() {
				return nil, p.errf(open, "unclosed '('")
			}
			return nil, p.errf(p.pos, "expected ')'")
		}
		p.pos++
		return x, nil
	case p.peek() == '!':
		p.pos++
		x, err := p.parseUnary(depth + 1)
		if err != nil {
			return nil, err
		}
		return notNode{x}, nil
	case p.keyword("not"):
		p.pos += 3
		x, err := p.parseUnary(depth + 1)
		if err != nil {
			return nil, err
		}
		return notNode{x}, nil
	}
	return p.parseTerm()
}

// subjects maps fixed subject names to their kind.
var subjects = map[string]subject{
	"agentConnected":    subjAgentConnected,
	"agentVersion":      subjAgentVersion,
	"ec2InstanceId":     subjEC2InstanceID,
	"registeredAt":      subjRegisteredAt,
	"runningTasksCount": subjRunningTasksCount,
	"task:group":        subjTaskGroup,
}

func (p *parser) parseTerm() (node, error) {
	start := p.pos
	name := p.scanName()
	x := &term{}
	switch s, ok := subjects[name]; {
	case ok:
		x.subj = s
		p.tasks = p.tasks || s == subjRunningTasksCount || s == subjTaskGroup
	case strings.HasPrefix(name, "attribute:"):
		x.subj, x.attr = subjAttribute, name[len("attribute:"):]
		if err := checkAttrName(x.attr); err != "" {
			return nil, p.errf(start+len("attribute:"), "%s", err)
		}
		p.attrs[x.attr] = struct{}{}
	case name == "":
		return nil, p.errf(start, "expected subject, found %q", p.rest(12))
	default:
		return nil, p.errf(start, "unknown subject %q", name)
	}
	p.skipSpace()
	opPos := p.pos
	op, neg, text, err := p.scanOp()
	if err != nil {
		return nil, err
	}
	if !allowed(x.subj, op) {
		return nil, p.errf(opPos, "operator %s is not supported for %s", text, name)
	}
	x.op, x.neg = op, neg
	if err := p.parseArgument(x); err != nil {
		return nil, err
	}
	return x, nil
}

// checkAttrName returns why an attribute name is invalid, or "".
func checkAttrName(name string) string {
	if name == "" {
		return "missing attribute name"
	}
	if len(name) > 128 {
		return "attribute name is longer than 128 characters"
	}
	if strings.IndexByte(name, ':') >= 0 {
		return "attribute name must not contain ':'"
	}
	return ""
}

// wordOps maps the word operators to their positive form and negation.
var wordOps = map[string]struct {
	op  op
	neg bool
}{
	"equals": {opEq, false}, "not_equals": {opEq, true},
	"greater_than": {opGt, false}, "greater_than_equal": {opGe, false},
	"less_than": {opLt, false}, "less_than_equal": {opLe, false},
	"exists": {opExists, false}, "not_exists": {opExists, true},
	"in": {opIn, false}, "not_in": {opIn, true},
	"matches": {opMatches, false}, "not_matches": {opMatches, true},
}

// symbolOps lists the symbol operators, longer ones before their prefixes.
var symbolOps = []struct {
	text string
	op   op
	neg  bool
}{
	{"==", opEq, false}, {"!=", opEq, true}, {"=~", opMatches, false}, {"!~", opMatches, true},
	{">=", opGe, false}, {"<=", opLe, false}, {">", opGt, false}, {"<", opLt, false},
}

// scanOp reads an operator and returns it with its text as written.
func (p *parser) scanOp() (op, bool, string, error) {
	start := p.pos
	for _, s := range symbolOps {
		if p.hasPrefix(s.text) {
			p.pos += len(s.text)
			return s.op, s.neg, s.text, nil
		}
	}
	if p.peek() == '!' {
		p.pos++
		switch w := p.scanWord(); strings.ToLower(w) {
		case "exists":
			return opExists, true, "!exists", nil
		case "in":
			return opIn, true, "!in", nil
		}
		return 0, false, "", p.errf(start, "unknown operator %q", p.src[start:p.pos])
	}
	w := p.scanWord()
	if w == "" {
		if p.eof() {
			return 0, false, "", p.errf(start, "expected operator")
		}
		return 0, false, "", p.errf(start, "expected operator, found %q", p.rest(12))
	}
	if wo, ok := wordOps[strings.ToLower(w)]; ok && (p.eof() || !isNameByte(p.peek())) {
		return wo.op, wo.neg, w, nil
	}
	p.scanName()
	return 0, false, "", p.errf(start, "unknown operator %q", p.src[start:p.pos])
}

// allowed reports whether a subject accepts an operator.
func allowed(s subject, o op) bool {
	switch s {
	case subjAttribute:
		return true
	case subjAgentConnected, subjEC2InstanceID, subjTaskGroup:
		return o == opEq || o == opIn || o == opMatches
	default: // agentVersion, registeredAt, runningTasksCount
		return o <= opLe
	}
}

// parseArgument reads the operator's argument and converts it for the subject.
func (p *parser) parseArgument(x *term) error {
	switch x.op {
	case opExists:
		return nil
	case opIn:
		vals, offs, err := p.scanList()
		if err != nil {
			return err
		}
		for i, v := range vals {
			if v, err = p.convertString(x, v, offs[i]); err != nil {
				return err
			}
			x.list = append(x.list, v)
		}
		return nil
	}
	p.skipSpace()
	v, off, err := p.scanValue()
	if err != nil {
		return err
	}
	if x.op == opMatches {
		return p.compileRegexp(x, v, off)
	}
	switch x.subj {
	case subjAgentVersion:
		ver, ok := parseVersion(v)
		if !ok {
			return p.errf(off, "invalid agent version %q", v)
		}
		x.ver = ver
	case subjRegisteredAt:
		t, ok := parseDate(v)
		if !ok {
			return p.errf(off, "invalid date %q: use 2018-06-18T22:28:28+00:00, 2018-06-18T22:28:28Z, 2018-06-18T22:28:28 or 2018-06-18", v)
		}
		x.when = t
	case subjRunningTasksCount:
		n, err := strconv.Atoi(v)
		if err != nil {
			return p.errf(off, "runningTasksCount needs an integer, got %q", v)
		}
		x.n = n
	default:
		if v, err = p.convertString(x, v, off); err != nil {
			return err
		}
		x.str = v
		if x.isNum = isDecimal(v); x.isNum {
			x.num, _ = strconv.ParseFloat(v, 64)
		}
	}
	return nil
}

// convertString checks a string argument; agentConnected takes only
// true or false, normalised to lower case.
func (p *parser) convertString(x *term, v string, off int) (string, error) {
	if x.subj != subjAgentConnected {
		return v, nil
	}
	switch strings.ToLower(v) {
	case "true":
		return "true", nil
	case "false":
		return "false", nil
	}
	return "", p.errf(off, "agentConnected needs true or false, got %q", v)
}

// compileRegexp compiles a =~ / !~ argument for whole-value matching. The
// pattern is compiled alone first so that a pattern like "a)|(b" cannot
// escape the anchoring group.
func (p *parser) compileRegexp(x *term, v string, off int) error {
	if _, err := regexp.Compile(v); err != nil {
		return p.errf(off, "invalid regular expression: %s", regexpReason(err))
	}
	re, err := regexp.Compile("^(?:" + v + ")$")
	if err != nil {
		return p.errf(off, "invalid regular expression: %s", regexpReason(err))
	}
	x.re = re
	return nil
}

// regexpReason shortens a regexp error to its description.
func regexpReason(err error) string {
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}
