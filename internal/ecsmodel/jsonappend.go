package ecsmodel

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// The helpers below are the runtime of the generated AppendJSON methods
// (zz_generated_json.go). Each writes exactly what encoding/json writes for
// the same value through an Encoder with SetEscapeHTML(false).

// hexDigits are the digits of \u escapes, lower case as encoding/json writes them.
const hexDigits = "0123456789abcdef"

// plainASCII[c] reports whether the ASCII byte c is written as it is inside a
// JSON string: everything from space up, except the quote and the backslash.
var plainASCII = func() (t [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// JSONAppender is a value that writes its own JSON: every shape of the
// model, and records built on them. AppendJSON appends byte for byte what
// encoding/json writes for the value with HTML escaping off.
type JSONAppender interface {
	AppendJSON(b []byte) []byte
}

// AppendOmitEmptyString appends member (`,"name":`) and s unless s is
// empty, as encoding/json writes a string field tagged omitempty.
func AppendOmitEmptyString(b []byte, member, s string) []byte {
	if s == "" {
		return b
	}
	return AppendString(append(b, member...), s)
}

// AppendString appends s as a JSON string, as encoding/json writes it with
// HTML escaping off: the quote and the backslash are escaped, control
// characters are written as \b, \f, \n, \r, \t or \u00XX, each byte that is
// not part of valid UTF-8 becomes \ufffd, and U+2028 and U+2029 are escaped
// (JavaScript reads them as line ends). Everything else is copied.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	done := 0 // s[:done] has been written
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plainASCII[c] {
				i++
				continue
			}
			b = append(b, s[done:i]...)
			b = appendEscapedASCII(b, c)
			i++
			done = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[done:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[done:i]...)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		done = i
	}
	b = append(b, s[done:]...)
	return append(b, '"')
}

// AppendArray appends xs as a JSON array whose elements appendElem
// writes, and a nil xs as null, as encoding/json writes a nil slice.
// appendElem may be a method expression, such as
// (*NetworkBinding).AppendJSON.
func AppendArray[T any](b []byte, xs []T, appendElem func(*T, []byte) []byte) []byte {
	if xs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendElem(&xs[i], b)
	}
	return append(b, ']')
}

// AppendStrings appends ss as a JSON array of strings (AppendArray).
func AppendStrings(b []byte, ss []string) []byte {
	return AppendArray(b, ss, appendStringAt)
}

func appendStringAt(s *string, b []byte) []byte { return AppendString(b, *s) }

// appendEscapedASCII appends the escape of an ASCII byte that is not plain.
func appendEscapedASCII(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}

// appendFloat appends f as encoding/json writes a float64: the shortest
// decimal that reads back as f, in exponent form below 1e-6 and from 1e21 up
// (with one-digit negative exponents not padded: 1e-7, not 1e-07), and -0 as
// -0. encoding/json refuses NaN and the infinities, which no decoded value
// holds; they are written as null here.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		b = strconv.AppendFloat(b, f, 'e', -1, 64)
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
		return b
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// appendRawJSON appends a document member: nil as null, anything else
// compacted as encoding/json compacts a RawMessage. encoding/json fails on
// a RawMessage that is not valid JSON (which no decoded value is); it is
// written as null here.
func appendRawJSON(b []byte, raw json.RawMessage) []byte {
	if raw == nil {
		return append(b, "null"...)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return append(b, "null"...)
	}
	return append(b, buf.Bytes()...)
}

// sortedKeys returns the keys of m in the order encoding/json writes them.
func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// closeObject finishes an object whose members were appended after start,
// each preceded by a comma: the first comma becomes the opening brace, or
// the object is {} when no member was written.
func closeObject(b []byte, start int) []byte {
	if len(b) == start {
		return append(b, '{', '}')
	}
	b[start] = '{'
	return append(b, '}')
}
