package cli

import (
	"encoding/json"
	"slices"
)

// skeleton builds the --generate-cli-skeleton value of a shape: every
// member, in model order, with a placeholder by type: "" for strings, the
// first value of an enum (the aws CLI picks one at random), 0 for integers
// and longs, 0.0 for doubles, true for booleans, "1970-01-01T00:00:00" for
// timestamps, one element for lists, {"KeyName": ...} for maps and {} for
// documents. A shape already being expanded further up is left out, so
// recursive shapes end.
func skeleton(shapeName string, order keyOrder) any {
	return skeletonOf(shapeName, order, nil)
}

func skeletonOf(shapeName string, order keyOrder, stack []string) any {
	s := shapeOf(shapeName)
	stack = append(stack, shapeName)
	switch s.Type {
	case "structure":
		out := make(map[string]any, len(s.Members))
		var keys []string
		for _, m := range s.Members {
			if slices.Contains(stack, m.Shape) {
				continue
			}
			out[m.Name] = skeletonOf(m.Shape, order, stack)
			keys = append(keys, m.Name)
		}
		order.record(out, keys)
		return out
	case "list":
		if slices.Contains(stack, s.Member) {
			return []any{}
		}
		return []any{skeletonOf(s.Member, order, stack)}
	case "map":
		if slices.Contains(stack, s.Value) {
			return map[string]any{}
		}
		return map[string]any{"KeyName": skeletonOf(s.Value, order, stack)}
	case "document":
		return map[string]any{}
	case "enum":
		return s.Enum[0]
	case "integer", "long":
		return json.Number("0")
	case "double":
		return json.Number("0.0")
	case "boolean":
		return true
	case "timestamp":
		return "1970-01-01T00:00:00"
	}
	return ""
}
