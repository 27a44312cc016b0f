package expr

import (
	"slices"
	"unicode/utf8"
)

// MaxLength is the longest expression accepted, in characters.
const MaxLength = 2000

// maxDepth bounds the nesting of parentheses and negations.
const maxDepth = 100

// Expr is a parsed cluster query expression. It is immutable and safe for
// concurrent use.
type Expr struct {
	src   string
	root  node
	attrs []string
	tasks bool
}

// Parse parses a cluster query expression. Errors are *SyntaxError.
func Parse(s string) (*Expr, error) {
	if n := utf8.RuneCountInString(s); n > MaxLength {
		return nil, &SyntaxError{Pos: runeOffset(s, MaxLength), Msg: "expression is longer than 2000 characters"}
	}
	p := &parser{src: s, attrs: map[string]struct{}{}}
	p.skipSpace()
	if p.eof() {
		return nil, p.errf(p.pos, "empty expression")
	}
	root, err := p.parseOr(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if !p.eof() {
		return nil, p.errf(p.pos, "unexpected %q", p.rest(12))
	}
	e := &Expr{src: s, root: root, tasks: p.tasks}
	for name := range p.attrs {
		e.attrs = append(e.attrs, name)
	}
	slices.Sort(e.attrs)
	return e, nil
}

// Eval reports whether the target satisfies the expression.
func (e *Expr) Eval(t Target) bool { return e.root.eval(t) }

// String returns the expression as it was given to Parse.
func (e *Expr) String() string { return e.src }

// Attributes returns the sorted names of the attributes the expression
// reads (attribute:<name> subjects), each once.
func (e *Expr) Attributes() []string { return slices.Clone(e.attrs) }

// DependsOnTasks reports whether the result can change when tasks start or
// stop on an instance, i.e. whether the expression uses runningTasksCount or
// task:group. Other results change only when the instance itself changes
// (attributes, agent connection or version), so callers may cache them per
// instance until then.
func (e *Expr) DependsOnTasks() bool { return e.tasks }

// runeOffset returns the byte offset of the n-th rune (0-based) of s.
func runeOffset(s string, n int) int {
	i := 0
	for off := range s {
		if i == n {
			return off
		}
		i++
	}
	return len(s)
}
