package expr

import (
	"fmt"
	"strings"
)

// parser reads an expression left to right; pos is the next byte to read.
type parser struct {
	src   string
	pos   int
	attrs map[string]struct{}
	tasks bool
}

func (p *parser) errf(pos int, format string, args ...any) error {
	return &SyntaxError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) eof() bool { return p.pos >= len(p.src) }

// peek returns the next byte, or 0 at the end.
func (p *parser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.src[p.pos]
}

func (p *parser) hasPrefix(s string) bool { return strings.HasPrefix(p.src[p.pos:], s) }

// rest returns up to n bytes from pos, for messages.
func (p *parser) rest(n int) string {
	r := p.src[p.pos:]
	if len(r) > n {
		r = r[:n] + "..."
	}
	return r
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func (p *parser) skipSpace() {
	for !p.eof() && isSpace(p.src[p.pos]) {
		p.pos++
	}
}

// isNameByte reports bytes that can appear in subjects and attribute names
// (plus ':' which separates "attribute" and "task" from the rest).
func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '/' || c == '\\' || c == ':'
}

// keyword reports whether the word kw (any case) starts at pos and is not
// the beginning of a longer word.
func (p *parser) keyword(kw string) bool {
	end := p.pos + len(kw)
	if end > len(p.src) || !strings.EqualFold(p.src[p.pos:end], kw) {
		return false
	}
	return end == len(p.src) || !isNameByte(p.src[end])
}

// scanName reads a run of name bytes.
func (p *parser) scanName() string {
	start := p.pos
	for !p.eof() && isNameByte(p.src[p.pos]) {
		p.pos++
	}
	return p.src[start:p.pos]
}

// scanWord reads a run of letters and underscores (a word operator).
func (p *parser) scanWord() string {
	start := p.pos
	for !p.eof() {
		c := p.src[p.pos]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_') {
			break
		}
		p.pos++
	}
	return p.src[start:p.pos]
}

// endsUnquoted reports bytes that end an unquoted value. An unquoted value
// also may not start with = < > or ~, which would be a mistyped operator.
func endsUnquoted(c byte) bool {
	return isSpace(c) || strings.IndexByte("()[],'\"", c) >= 0
}

// scanValue reads a quoted or unquoted value and returns it with its offset.
func (p *parser) scanValue() (string, int, error) {
	start := p.pos
	if p.eof() {
		return "", start, p.errf(start, "expected value")
	}
	if q := p.peek(); q == '\'' || q == '"' {
		end := strings.IndexByte(p.src[start+1:], q)
		if end < 0 {
			return "", start, p.errf(start, "unterminated quoted value")
		}
		p.pos = start + 1 + end + 1
		return p.src[start+1 : start+1+end], start, nil
	}
	if strings.IndexByte("=<>~", p.peek()) >= 0 {
		return "", start, p.errf(start, "expected value, found %q", p.rest(12))
	}
	for !p.eof() && !endsUnquoted(p.src[p.pos]) && !p.hasPrefix("&&") && !p.hasPrefix("||") {
		p.pos++
	}
	if p.pos == start {
		return "", start, p.errf(start, "expected value")
	}
	return p.src[start:p.pos], start, nil
}

// scanList reads "[v, v, ...]" and returns the values and their offsets.
func (p *parser) scanList() ([]string, []int, error) {
	p.skipSpace()
	open := p.pos
	if p.peek() != '[' {
		return nil, nil, p.errf(p.pos, "expected '[' to start a list")
	}
	p.pos++
	var vals []string
	var offs []int
	for {
		p.skipSpace()
		if p.peek() == ']' && len(vals) == 0 {
			return nil, nil, p.errf(open, "empty list")
		}
		v, off, err := p.scanValue()
		if err != nil {
			return nil, nil, err
		}
		vals, offs = append(vals, v), append(offs, off)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return vals, offs, nil
		default:
			if p.eof() {
				return nil, nil, p.errf(p.pos, "unterminated list")
			}
			return nil, nil, p.errf(p.pos, "expected ',' or ']' in list")
		}
	}
}
