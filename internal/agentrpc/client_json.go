package agentrpc

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// The agent decodes the messages it gets for every task (payloads, state
// change acks; client_decode.go) with objectReaders (client_json_object.go)
// over the jsonReader below instead of encoding/json, which scans each
// message twice and reflects on every member. A reader
// takes only input that it decodes exactly as encoding/json would: any
// other (a member name it does not know or that repeats, one written with
// escapes or in another case, a number that is not a plain integer,
// invalid JSON) makes it give up, and the caller decodes the message
// with encoding/json instead. Members whose values it does not decode
// itself (null, rare nested shapes) are handed to encoding/json as a
// small object of their own.

// jsonReader reads one JSON document. Its failure is sticky: once failed,
// every read returns a zero value.
type jsonReader struct {
	data   []byte
	pos    int
	failed bool
}

// fail gives up on the document.
func (r *jsonReader) fail() {
	r.failed = true
	r.pos = len(r.data)
}

// skipSpace moves past white space.
func (r *jsonReader) skipSpace() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, or 0 at the end.
func (r *jsonReader) peek() byte {
	r.skipSpace()
	if r.pos < len(r.data) {
		return r.data[r.pos]
	}
	return 0
}

// accept moves past c if it is the next byte after white space.
func (r *jsonReader) accept(c byte) bool {
	if r.peek() == c {
		r.pos++
		return true
	}
	return false
}

// expect moves past c, or fails when something else comes next.
func (r *jsonReader) expect(c byte) {
	if !r.accept(c) {
		r.fail()
	}
}

// plainByte reports whether c stands for itself inside a JSON string
// that is its own decoding: printable ASCII other than the backslash.
func plainByte(c byte) bool { return c >= 0x20 && c < utf8.RuneSelf && c != '\\' }

// str reads a string. One with escapes or other than printable ASCII is
// decoded by encoding/json.
func (r *jsonReader) str() string {
	if plain, ok := r.plainString(); ok {
		return string(plain)
	}
	return r.escapedString()
}

// plainString reads a string that is its own decoding (see plainByte)
// and returns its bytes. It reports false, having read nothing, for a
// string with other bytes (for escapedString to read), and false after
// failing the document when no string comes next.
func (r *jsonReader) plainString() ([]byte, bool) {
	if r.peek() != '"' {
		r.fail()
		return nil, false
	}
	start := r.pos + 1
	for i := start; i < len(r.data); i++ {
		switch c := r.data[i]; {
		case c == '"':
			r.pos = i + 1
			return r.data[start:i], true
		case !plainByte(c):
			return nil, false
		}
	}
	r.fail()
	return nil, false
}

// escapedString decodes the string that starts at r.pos with
// encoding/json.
func (r *jsonReader) escapedString() string {
	if r.failed {
		return ""
	}
	end := stringEnd(r.data, r.pos)
	var s string
	if end < 0 || json.Unmarshal(r.data[r.pos:end], &s) != nil {
		r.fail()
		return ""
	}
	r.pos = end
	return s
}

// stringEnd returns the index just past the string token that starts
// with the quote at data[at], or -1 when it does not end.
func stringEnd(data []byte, at int) int {
	for i := at + 1; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// key reads a member name and the colon after it. Only a name of plain
// bytes is taken as written; any other fails the document, as the
// object readers look names up as they are written.
func (r *jsonReader) key() []byte {
	if r.peek() != '"' {
		r.fail()
		return nil
	}
	start := r.pos + 1
	for i := start; i < len(r.data); i++ {
		c := r.data[i]
		if c == '"' {
			r.pos = i + 1
			r.expect(':')
			return r.data[start:i]
		}
		if !plainByte(c) {
			break
		}
	}
	r.fail()
	return nil
}

// integer reads a number written as an integer (no fraction, no
// exponent, as encoding/json requires for an integer) within [lo, hi].
func (r *jsonReader) integer(lo, hi int64) int64 {
	r.skipSpace()
	i := r.pos
	neg := i < len(r.data) && r.data[i] == '-'
	if neg {
		i++
	}
	start := i
	var n int64
	for ; i < len(r.data) && r.data[i] >= '0' && r.data[i] <= '9'; i++ {
		n = n*10 + int64(r.data[i]-'0')
	}
	digits := i - start
	// 18 digits cannot overflow; longer numbers are left to encoding/json.
	if digits == 0 || digits > 18 || (digits > 1 && r.data[start] == '0') {
		r.fail()
		return 0
	}
	if i < len(r.data) && (r.data[i] == '.' || r.data[i] == 'e' || r.data[i] == 'E') {
		r.fail()
		return 0
	}
	if neg {
		n = -n
	}
	if n < lo || n > hi {
		r.fail()
		return 0
	}
	r.pos = i
	return n
}

// boolean reads true or false.
func (r *jsonReader) boolean() bool {
	r.skipSpace()
	rest := r.data[r.pos:]
	switch {
	case bytes.HasPrefix(rest, []byte("true")):
		r.pos += 4
		return true
	case bytes.HasPrefix(rest, []byte("false")):
		r.pos += 5
		return false
	}
	r.fail()
	return false
}

// list reads an array, calling elem to read each element.
func (r *jsonReader) list(elem func()) {
	r.expect('[')
	if r.failed || r.accept(']') {
		return
	}
	for !r.failed {
		elem()
		if !r.accept(',') {
			r.expect(']')
			return
		}
	}
}

// skipValue moves past one value without decoding it and returns its
// text. It only finds where the value ends (the comma or closing bracket
// after it at its own depth); encoding/json checks the text when it
// decodes it.
func (r *jsonReader) skipValue() []byte {
	r.skipSpace()
	start, depth := r.pos, 0
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case '"':
			end := stringEnd(r.data, r.pos)
			if end < 0 {
				r.fail()
				return nil
			}
			r.pos = end
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return r.data[start:r.pos]
			}
			depth--
		case ',':
			if depth == 0 {
				return r.data[start:r.pos]
			}
		}
		r.pos++
	}
	r.fail()
	return nil
}
