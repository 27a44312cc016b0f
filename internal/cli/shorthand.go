package cli

import (
	"fmt"
	"strings"
)

// The aws CLI shorthand syntax, as its documentation describes it:
//
//	parameter  = keyval *("," keyval)
//	keyval     = key "=" [values]
//	values     = csv-value / explicit-list / hash-literal
//	csv-value  = value *("," value)          ; top level only: a list when more than one
//	explicit-list = "[" [item *("," item)] "]"
//	item       = explicit-list / hash-literal / value
//	hash-literal  = "{" keyval *("," keyval) "}"   ; values here are single
//	value      = quoted / unquoted
//
// A key is letters, digits and -_.#/: characters. An unquoted value runs to
// the next separator of its context (a comma, and "]" or "}" inside
// brackets) and is trimmed of surrounding blanks; "\," puts a comma in it.
// A quoted value ('...' or "...") is taken literally, with \ escaping the
// quote character and itself. At the top level, a comma followed by text
// that is not "key=" continues a list: subnets=a,b,assignPublicIp=ENABLED.
//
// parseShorthand returns a tree of map[string]any, []any and string; the
// shape of the parameter gives the strings their types later.

// shorthandError is a syntax error, shown with a caret under its position.
type shorthandError struct {
	input    string
	pos      int
	expected string
	received string
}

func (e *shorthandError) Error() string {
	return fmt.Sprintf("Expected: '%s', received: '%s' for input:\n%s\n%s^", e.expected, e.received, e.input, strings.Repeat(" ", e.pos))
}

type shorthandParser struct {
	in  string
	pos int
}

// parseShorthand parses one shorthand argument.
func parseShorthand(s string) (map[string]any, error) {
	p := &shorthandParser{in: s}
	out, err := p.keyvals(0)
	if err != nil {
		return nil, err
	}
	p.skipBlanks()
	if !p.eof() {
		return nil, p.fail(",")
	}
	return out, nil
}

func (p *shorthandParser) eof() bool { return p.pos >= len(p.in) }

func (p *shorthandParser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.in[p.pos]
}

func (p *shorthandParser) skipBlanks() {
	for !p.eof() && isBlank(p.in[p.pos]) {
		p.pos++
	}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.#/:", c) >= 0
}

func (p *shorthandParser) fail(expected string) error {
	received := "EOF"
	if !p.eof() {
		received = string(p.in[p.pos])
	}
	return &shorthandError{input: p.in, pos: p.pos, expected: expected, received: received}
}

func (p *shorthandParser) expect(c byte) error {
	p.skipBlanks()
	if p.peek() != c {
		return p.fail(string(c))
	}
	p.pos++
	return nil
}

// keyvals reads key=value pairs separated by commas until end of input
// (close == 0) or until close, which it leaves unread.
func (p *shorthandParser) keyvals(close byte) (map[string]any, error) {
	out := make(map[string]any)
	for {
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		if err := p.expect('='); err != nil {
			return nil, err
		}
		val, err := p.values(close)
		if err != nil {
			return nil, err
		}
		out[key] = val
		p.skipBlanks()
		if p.eof() || p.peek() == close {
			return out, nil
		}
		if err := p.expect(','); err != nil {
			return nil, err
		}
	}
}

func (p *shorthandParser) key() (string, error) {
	p.skipBlanks()
	start := p.pos
	for !p.eof() && isKeyChar(p.in[p.pos]) {
		p.pos++
	}
	if p.pos == start {
		return "", p.fail("key")
	}
	return p.in[start:p.pos], nil
}

// values reads what follows "key=": a list, a hash, or one value, which
// at the top level (close == 0) may continue as a comma-separated list.
func (p *shorthandParser) values(close byte) (any, error) {
	p.skipBlanks()
	switch p.peek() {
	case '[':
		return p.list()
	case '{':
		return p.hash()
	}
	stops := ","
	if close != 0 {
		stops += string(close)
	}
	first, err := p.value(stops)
	if err != nil {
		return nil, err
	}
	if close != 0 {
		return first, nil
	}
	var list []any
	for p.peek() == ',' && !p.nextIsKeyval() {
		p.pos++
		v, err := p.value(stops)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	if list == nil {
		return first, nil
	}
	return append([]any{first}, list...), nil
}

// nextIsKeyval reports whether the comma at the current position is
// followed by "key=" (a new pair) rather than another list value.
func (p *shorthandParser) nextIsKeyval() bool {
	i := p.pos + 1
	for i < len(p.in) && isBlank(p.in[i]) {
		i++
	}
	if i >= len(p.in) {
		return true // a trailing comma: let keyvals report the missing key
	}
	start := i
	for i < len(p.in) && isKeyChar(p.in[i]) {
		i++
	}
	if i == start {
		return false
	}
	for i < len(p.in) && isBlank(p.in[i]) {
		i++
	}
	return i < len(p.in) && p.in[i] == '='
}

func (p *shorthandParser) list() ([]any, error) {
	p.pos++ // [
	out := []any{}
	p.skipBlanks()
	if p.peek() == ']' {
		p.pos++
		return out, nil
	}
	for {
		p.skipBlanks()
		var (
			v   any
			err error
		)
		switch p.peek() {
		case '[':
			v, err = p.list()
		case '{':
			v, err = p.hash()
		default:
			v, err = p.value(",]")
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		p.skipBlanks()
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return out, nil
		default:
			return nil, p.fail("]")
		}
	}
}

func (p *shorthandParser) hash() (map[string]any, error) {
	p.pos++ // {
	p.skipBlanks()
	if p.peek() == '}' {
		p.pos++
		return map[string]any{}, nil
	}
	out, err := p.keyvals('}')
	if err != nil {
		return nil, err
	}
	if err := p.expect('}'); err != nil {
		return nil, err
	}
	return out, nil
}

// value reads one quoted or unquoted value; stops lists the characters
// that end an unquoted one.
func (p *shorthandParser) value(stops string) (string, error) {
	p.skipBlanks()
	if q := p.peek(); q == '\'' || q == '"' {
		return p.quoted(q)
	}
	var b strings.Builder
	for !p.eof() {
		c := p.in[p.pos]
		if c == '\\' && p.pos+1 < len(p.in) && p.in[p.pos+1] == ',' {
			b.WriteByte(',')
			p.pos += 2
			continue
		}
		if strings.IndexByte(stops, c) >= 0 {
			break
		}
		b.WriteByte(c)
		p.pos++
	}
	return strings.TrimRight(b.String(), " \t\r\n"), nil
}

func (p *shorthandParser) quoted(q byte) (string, error) {
	p.pos++
	var b strings.Builder
	for {
		if p.eof() {
			return "", p.fail(string(q))
		}
		c := p.in[p.pos]
		if c == '\\' && p.pos+1 < len(p.in) && (p.in[p.pos+1] == q || p.in[p.pos+1] == '\\') {
			b.WriteByte(p.in[p.pos+1])
			p.pos += 2
			continue
		}
		p.pos++
		if c == q {
			break
		}
		b.WriteByte(c)
	}
	p.skipBlanks()
	return b.String(), nil
}
