package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"
)

// shaper reads a response the way botocore parses one before the aws CLI
// prints it: members in model order, members the model does not know and
// null members left out, timestamps (epoch seconds on the wire) turned
// into ISO 8601 text in the local time zone ("2016-01-22T12:19:13.893000+00:00").
type shaper struct {
	loc   *time.Location
	order keyOrder
}

func newShaper(loc *time.Location) *shaper {
	if loc == nil {
		loc = time.Local
	}
	return &shaper{loc: loc, order: make(keyOrder)}
}

// shape converts v, decoded from the wire with json.Number numbers,
// against the named shape.
func (s *shaper) shape(shapeName string, v any) any {
	sh := shapeOf(shapeName)
	switch sh.Type {
	case "structure":
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := make(map[string]any, len(m))
		var keys []string
		for _, member := range sh.Members {
			val, present := m[member.Name]
			if !present || val == nil {
				continue
			}
			out[member.Name] = s.shape(member.Shape, val)
			keys = append(keys, member.Name)
		}
		s.order.record(out, keys)
		return out
	case "list":
		items, ok := v.([]any)
		if !ok {
			return v
		}
		out := make([]any, len(items))
		for i, item := range items {
			out[i] = s.shape(sh.Member, item)
		}
		return out
	case "map":
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := make(map[string]any, len(m))
		for k, item := range m {
			out[k] = s.shape(sh.Value, item)
		}
		return out
	case "timestamp":
		if t, ok := wireTime(v); ok {
			return isoTime(t.In(s.loc))
		}
	}
	return v
}

// wireTime reads a timestamp as it comes from the wire: epoch seconds, or
// (from hand-written servers) RFC 3339 text.
func wireTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return time.Time{}, false
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(frac*1e6))*int64(time.Microsecond)), true
	case float64:
		return wireTime(json.Number(strconv.FormatFloat(x, 'f', -1, 64)))
	case string:
		t, err := time.Parse(time.RFC3339Nano, x)
		return t, err == nil
	}
	return time.Time{}, false
}

// isoTime formats t as Python's datetime.isoformat: microseconds only when
// non-zero, and the zone offset as ±HH:MM.
func isoTime(t time.Time) string {
	s := t.Format("2006-01-02T15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	return s + t.Format("-07:00")
}

// numbersToFloat replaces json.Number values by float64, in place, so that
// JMESPath comparisons and functions see numbers. Map identity (and so the
// recorded key order) is kept.
func numbersToFloat(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, item := range x {
			x[k] = numbersToFloat(item)
		}
	case []any:
		for i, item := range x {
			x[i] = numbersToFloat(item)
		}
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return f
		}
	}
	return v
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
