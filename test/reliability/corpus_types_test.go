package reliability

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/berth-io/berth/internal/agentbridge"
	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecsapi"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// backendShape has the method set of the server's backend (control plane
// plus agent-facing operations), so that ecsmodel.Bind lists the
// operations berth implements and the request type of each. Its methods
// are never called.
type backendShape struct {
	*control.Service
	*agentbridge.API
}

// implementedOps returns berth's operations and their request types.
func implementedOps() map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for op, h := range ecsmodel.Bind(backendShape{}) {
		out[op] = reflect.TypeOf(h.NewInput()).Elem()
	}
	return out
}

// missingOps lists the model's operations berth does not implement.
func missingOps() []string { return ecsapi.MissingOperations(backendShape{}) }

var timeType = reflect.TypeFor[ecsmodel.Time]()

// step is one member on the way from the request to a nested member; wrap
// says how the member holds the next level (a list of them, a map of
// them, or directly).
type step struct {
	name string
	wrap string // "", "list" or "map"
}

// wrongValues are JSON values of the wrong type for a member of type t,
// the likeliest mistakes first.
func wrongValues(t reflect.Type) []any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return []any{"yesterday", true, []any{}}
	case t.Kind() == reflect.String:
		return []any{7, map[string]any{}, []any{"x"}}
	case t.Kind() == reflect.Bool:
		return []any{"true", 1, []any{}}
	case t.Kind() == reflect.Int64:
		return []any{"7", 1.5, 1e20, true}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int32:
		return []any{"7", 1.5, 3000000000, true}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return []any{"7.5", false}
	case t.Kind() == reflect.Slice:
		return []any{"x", map[string]any{}, 7}
	case t.Kind() == reflect.Map:
		return []any{[]any{}, "x", map[string]any{"k": []any{}}}
	case t.Kind() == reflect.Struct:
		return []any{"x", []any{}, 7}
	}
	return nil
}

// jsonName is a field's member name, or "" for fields JSON ignores.
func jsonName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" || name == "" {
		return ""
	}
	return name
}

// typeCases generates, for every member of op's request (nested members
// of structures, lists and maps down to depth levels), one case per
// wrong value (only the first with all false), merged into op's valid
// body so that the request would change state if it were accepted. Every
// one must fail with SerializationException.
func typeCases(op string, req reflect.Type, base map[string]any, depth int, all bool) []badCase {
	var cases []badCase
	var walk func(t reflect.Type, path []step, seen map[reflect.Type]bool)
	walk = func(t reflect.Type, path []step, seen map[reflect.Type]bool) {
		for i := range t.NumField() {
			f := t.Field(i)
			name := jsonName(f)
			if name == "" || f.Type == reflect.TypeFor[json.RawMessage]() {
				continue
			}
			values := wrongValues(f.Type)
			if !all && len(values) > 1 {
				values = values[:1]
			}
			for _, v := range values {
				body := nest(base, append(slices.Clone(path), step{name: name}), v)
				cases = append(cases, badCase{
					group:    "wrong types",
					name:     fmt.Sprintf("%s %s = %s", op, pathText(path, name), mustJSON(v)),
					spec:     reqSpec{target: target(op), body: body},
					wantCode: "SerializationException",
				})
			}
			inner, wrap := f.Type, ""
			for inner.Kind() == reflect.Pointer {
				inner = inner.Elem()
			}
			switch inner.Kind() {
			case reflect.Slice:
				inner, wrap = inner.Elem(), "list"
			case reflect.Map:
				inner, wrap = inner.Elem(), "map"
			}
			for inner.Kind() == reflect.Pointer {
				inner = inner.Elem()
			}
			if inner.Kind() != reflect.Struct || inner == timeType || seen[inner] || len(path)+1 >= depth {
				continue
			}
			next := maps.Clone(seen)
			next[inner] = true
			walk(inner, append(slices.Clone(path), step{name: name, wrap: wrap}), next)
		}
	}
	walk(req, nil, map[reflect.Type]bool{req: true})
	return cases
}

// nest builds base with the member at path set to v: each level is an
// object, and a level that holds a list (or map) of the next holds a
// one-element list (or a one-entry map).
func nest(base map[string]any, path []step, v any) []byte {
	inner := v
	for i := len(path) - 1; i >= 1; i-- {
		obj := map[string]any{path[i].name: inner}
		switch path[i-1].wrap {
		case "list":
			inner = []any{obj}
		case "map":
			inner = map[string]any{"k": obj}
		default:
			inner = obj
		}
	}
	doc := maps.Clone(base)
	if doc == nil {
		doc = map[string]any{}
	}
	doc[path[0].name] = inner
	return []byte(mustJSON(doc))
}

func pathText(path []step, leaf string) string {
	var parts []string
	for _, s := range path {
		switch s.wrap {
		case "list":
			parts = append(parts, s.name+"[0]")
		case "map":
			parts = append(parts, s.name+".k")
		default:
			parts = append(parts, s.name)
		}
	}
	return strings.Join(append(parts, leaf), ".")
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
