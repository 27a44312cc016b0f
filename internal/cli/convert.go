package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// converter turns parameter values into the JSON the request carries,
// guided by the model. Values come from two sources that it treats
// differently:
//
//   - JSON (a JSON flag value, --cli-input-json): types must already be
//     right, as botocore's parameter validation demands; a number where a
//     string belongs is an error.
//   - shorthand and plain flag text: everything is text, converted to the
//     member's type ("1" becomes 1 for an integer, stays "1" for a string),
//     and a single value where a list belongs becomes a one-element list.
//
// Timestamps become epoch seconds, the awsJson wire form. Problems are
// collected, botocore-style, with the path of the offending value.
type converter struct {
	problems []string
}

func (c *converter) addf(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// err returns the collected problems as one parameter-validation error.
func (c *converter) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &usageError{msg: "Parameter validation failed:\n" + strings.Join(c.problems, "\n")}
}

// convert checks and converts v against the named shape. path names v in
// messages ("overrides.containerOverrides[0].cpu"); text is true for
// shorthand and flag text.
func (c *converter) convert(shapeName string, v any, path string, text bool) any {
	s := shapeOf(shapeName)
	switch s.Type {
	case "structure":
		return c.structure(s, v, path, text)
	case "list":
		items, ok := v.([]any)
		if !ok {
			if !text {
				c.invalidType(path, v, "list")
				return nil
			}
			items = []any{v}
		}
		out := make([]any, len(items))
		for i, item := range items {
			out[i] = c.convert(s.Member, item, fmt.Sprintf("%s[%d]", path, i), text)
		}
		return out
	case "map":
		m, ok := v.(map[string]any)
		if !ok {
			c.invalidType(path, v, "map")
			return nil
		}
		out := make(map[string]any, len(m))
		for k, item := range m {
			out[k] = c.convert(s.Value, item, path+"."+k, text)
		}
		return out
	case "document":
		return v
	}
	return c.scalar(s, v, path, text)
}

func (c *converter) structure(s ecsmodel.CLIShape, v any, path string, text bool) any {
	m, ok := v.(map[string]any)
	if !ok {
		c.invalidType(path, v, "structure")
		return nil
	}
	out := make(map[string]any, len(m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		member, found := memberOf(s, k)
		if !found {
			c.addf("Unknown parameter in %s: %q, must be one of: %s", inputPath(path), k, strings.Join(memberNames(s), ", "))
			continue
		}
		out[k] = c.convert(member.Shape, m[k], joinPath(path, k), text)
	}
	return out
}

func (c *converter) scalar(s ecsmodel.CLIShape, v any, path string, text bool) any {
	if list, ok := v.([]any); ok && text && len(list) == 1 {
		v = list[0] // key=[x] where x is wanted
	}
	str, isText := v.(string)
	switch s.Type {
	case "string", "enum":
		if !isText {
			c.invalidType(path, v, "string")
			return nil
		}
		return str
	case "boolean":
		if b, ok := v.(bool); ok {
			return b
		}
		if isText && text {
			switch strings.ToLower(str) {
			case "true":
				return true
			case "false":
				return false
			}
		}
		c.invalidType(path, v, "boolean")
		return nil
	case "integer", "long":
		return c.integer(s.Type, v, path, text)
	case "double":
		if n, ok := v.(json.Number); ok {
			if _, err := n.Float64(); err == nil {
				return n
			}
		}
		if isText && text {
			if f, err := strconv.ParseFloat(strings.TrimSpace(str), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
				return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
			}
		}
		c.invalidType(path, v, "double")
		return nil
	case "timestamp":
		if n, ok := v.(json.Number); ok {
			if f, err := n.Float64(); err == nil {
				return json.Number(strconv.FormatFloat(f, 'f', -1, 64))
			}
		}
		if isText {
			if t, err := parseTimestamp(str); err == nil {
				return epochNumber(t)
			}
			c.addf("Invalid timestamp for parameter %s, value: %q: expected epoch seconds or ISO 8601 (2006-01-02T15:04:05Z)", path, str)
			return nil
		}
		c.invalidType(path, v, "timestamp")
		return nil
	}
	c.addf("Parameter %s has a model type the CLI does not know: %s", path, s.Type)
	return nil
}

func (c *converter) integer(typ string, v any, path string, text bool) any {
	bits := 32
	if typ == "long" {
		bits = 64
	}
	var literal string
	switch x := v.(type) {
	case json.Number:
		literal = x.String()
	case string:
		if !text {
			c.invalidType(path, v, typ)
			return nil
		}
		literal = strings.TrimSpace(x)
	default:
		c.invalidType(path, v, typ)
		return nil
	}
	n, err := strconv.ParseInt(literal, 10, bits)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			c.addf("Invalid range for parameter %s, value: %s, valid range: %d-%d", path, literal, int64(-1)<<(bits-1), int64(1)<<(bits-1)-1)
			return nil
		}
		c.invalidType(path, v, typ)
		return nil
	}
	return json.Number(strconv.FormatInt(n, 10))
}

func (c *converter) invalidType(path string, v any, want string) {
	c.addf("Invalid type for parameter %s, value: %s, type: %s, valid types: %s", path, describeValue(v), jsonType(v), want)
}

// describeValue prints a value briefly for messages.
func describeValue(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case nil:
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "list"
	case map[string]any:
		return "structure"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func memberOf(s ecsmodel.CLIShape, name string) (ecsmodel.CLIMember, bool) {
	for _, m := range s.Members {
		if m.Name == name {
			return m, true
		}
	}
	return ecsmodel.CLIMember{}, false
}

func memberNames(s ecsmodel.CLIShape) []string {
	names := make([]string, len(s.Members))
	for i, m := range s.Members {
		names[i] = m.Name
	}
	return names
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// inputPath names the top level "input", as botocore does.
func inputPath(path string) string {
	if path == "" {
		return "input"
	}
	return path
}

// checkRequired reports members the model requires that v lacks, walking
// into nested structures and lists.
func (c *converter) checkRequired(shapeName string, v any, path string) {
	s := shapeOf(shapeName)
	switch s.Type {
	case "structure":
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		for _, member := range s.Members {
			val, present := m[member.Name]
			if !present || val == nil {
				if member.Required {
					c.addf("Missing required parameter in %s: %q", inputPath(path), member.Name)
				}
				continue
			}
			c.checkRequired(member.Shape, val, joinPath(path, member.Name))
		}
	case "list":
		items, _ := v.([]any)
		for i, item := range items {
			c.checkRequired(s.Member, item, fmt.Sprintf("%s[%d]", path, i))
		}
	case "map":
		m, _ := v.(map[string]any)
		for k, item := range m {
			c.checkRequired(s.Value, item, path+"."+k)
		}
	}
}

// timestampLayouts are the text forms a timestamp parameter accepts,
// besides epoch seconds. Forms without a zone are UTC.
var timestampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
}

func parseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC(), nil
	}
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised timestamp %q", s)
}

// epochNumber writes t as epoch seconds with up to millisecond precision.
func epochNumber(t time.Time) json.Number {
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		return json.Number(strconv.FormatInt(ms/1000, 10))
	}
	return json.Number(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64))
}
