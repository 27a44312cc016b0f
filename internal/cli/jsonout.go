package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// keyOrder remembers the key order of the objects (map[string]any) of a
// value tree. Go maps have none, but the aws CLI prints a response's
// members in model order, so the code that builds an object from a model
// shape records it here. Objects made elsewhere (by a --query
// multi-select, say) print with sorted keys.
type keyOrder map[uintptr][]string

func mapID(m map[string]any) uintptr { return reflect.ValueOf(m).Pointer() }

// record sets the key order of m.
func (o keyOrder) record(m map[string]any, keys []string) { o[mapID(m)] = keys }

// keys returns m's keys: in recorded order, then any others sorted.
func (o keyOrder) keys(m map[string]any) []string {
	recorded := o[mapID(m)]
	out := make([]string, 0, len(m))
	seen := make(map[string]bool, len(m))
	for _, k := range recorded {
		if _, ok := m[k]; ok && !seen[k] {
			out = append(out, k)
			seen[k] = true
		}
	}
	if len(out) == len(m) {
		return out
	}
	var rest []string
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// formatJSON writes v as the aws CLI's JSON output does (Python's
// json.dumps with indent=4 and ensure_ascii=False), followed by a newline.
func formatJSON(v any, order keyOrder) []byte {
	var b bytes.Buffer
	writeJSONValue(&b, v, order, 0)
	b.WriteByte('\n')
	return b.Bytes()
}

func writeJSONValue(b *bytes.Buffer, v any, order keyOrder, depth int) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{")
		for i, k := range order.keys(x) {
			if i > 0 {
				b.WriteByte(',')
			}
			newline(b, depth+1)
			writeJSONString(b, k)
			b.WriteString(": ")
			writeJSONValue(b, x[k], order, depth+1)
		}
		newline(b, depth)
		b.WriteString("}")
	case []any:
		if len(x) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[")
		for i, item := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			newline(b, depth+1)
			writeJSONValue(b, item, order, depth+1)
		}
		newline(b, depth)
		b.WriteString("]")
	case string:
		writeJSONString(b, x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case nil:
		b.WriteString("null")
	case json.Number, float64, int, int64:
		b.WriteString(pyNumber(x))
	default:
		writeJSONString(b, fmt.Sprint(x))
	}
}

func newline(b *bytes.Buffer, depth int) {
	b.WriteByte('\n')
	b.WriteString(strings.Repeat("    ", depth))
}

// writeJSONString quotes s as Python's json.dumps(ensure_ascii=False)
// does: only the quote, the backslash and control characters are escaped.
func writeJSONString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b.WriteString(`\ufffd`)
			} else {
				b.WriteString(s[i : i+size])
			}
			i += size
			continue
		}
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if c < 0x20 {
				fmt.Fprintf(b, `\u%04x`, c)
			} else {
				b.WriteByte(c)
			}
		}
		i++
	}
	b.WriteByte('"')
}

// pyNumber prints a number as the aws CLI does: a JSON integer as its
// digits, anything else as Python prints a float ("0.0", "1e-05").
// float64 values (after a --query) that are whole print as integers, since
// a Go or Python server writes whole numbers without a fraction.
func pyNumber(v any) string {
	switch x := v.(type) {
	case json.Number:
		s := x.String()
		if !strings.ContainsAny(s, ".eE") {
			return s
		}
		f, err := x.Float64()
		if err != nil {
			return s
		}
		return pyFloat(f)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e21 {
			return strconv.FormatFloat(x, 'f', 0, 64)
		}
		return pyFloat(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return fmt.Sprint(v)
}

// pyFloat formats f as Python's repr(float): the shortest digits that
// read back as f, in positional notation when the decimal exponent is in
// [-4, 16) (always with a fraction: "2.0"), in scientific notation
// otherwise ("1e+16", "1.5e-07").
func pyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	sci := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±XX
	mant, expText, _ := strings.Cut(sci, "e")
	exp, _ := strconv.Atoi(expText)
	sign := ""
	if strings.HasPrefix(mant, "-") {
		sign, mant = "-", mant[1:]
	}
	digits := strings.Replace(mant, ".", "", 1)
	if exp < -4 || exp >= 16 {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		es := "+"
		if exp < 0 {
			es, exp = "-", -exp
		}
		return fmt.Sprintf("%s%se%s%02d", sign, m, es, exp)
	}
	if exp < 0 {
		return sign + "0." + strings.Repeat("0", -exp-1) + digits
	}
	if len(digits) <= exp+1 {
		return sign + digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
	}
	return sign + digits[:exp+1] + "." + digits[exp+1:]
}
