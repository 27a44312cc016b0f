package agentrpc

import (
	"math"
	"reflect"
)

// The member readers of the value kinds the agent's messages carry. Each
// takes the JSON name and the field it fills.

func stringMember[T any, S ~string](name string, field func(*T) *S) member[T] {
	return member[T]{name: name, read: func(r *jsonReader, v *T) bool {
		if r.peek() != '"' {
			return false
		}
		*field(v) = S(r.str())
		return true
	}}
}

// isNumberStart reports whether c may start a JSON number.
func isNumberStart(c byte) bool { return c == '-' || (c >= '0' && c <= '9') }

func intMember[T any, N int32 | int64](name string, field func(*T) *N) member[T] {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if reflect.TypeFor[N]().Kind() == reflect.Int32 {
		lo, hi = math.MinInt32, math.MaxInt32
	}
	return member[T]{name: name, read: func(r *jsonReader, v *T) bool {
		if !isNumberStart(r.peek()) {
			return false
		}
		*field(v) = N(r.integer(lo, hi))
		return true
	}}
}

func optionalInt32Member[T any](name string, field func(*T) **int32) member[T] {
	return member[T]{name: name, read: func(r *jsonReader, v *T) bool {
		if !isNumberStart(r.peek()) {
			return false
		}
		n := int32(r.integer(math.MinInt32, math.MaxInt32))
		*field(v) = &n
		return true
	}}
}

func boolMember[T any](name string, field func(*T) *bool) member[T] {
	return member[T]{name: name, read: func(r *jsonReader, v *T) bool {
		if c := r.peek(); c != 't' && c != 'f' {
			return false
		}
		*field(v) = r.boolean()
		return true
	}}
}

func optionalBoolMember[T any](name string, field func(*T) **bool) member[T] {
	return member[T]{name: name, read: func(r *jsonReader, v *T) bool {
		if c := r.peek(); c != 't' && c != 'f' {
			return false
		}
		b := r.boolean()
		*field(v) = &b
		return true
	}}
}

func stringsMember[T any](name string, field func(*T) *[]string) member[T] {
	return member[T]{name: name, read: func(r *jsonReader, v *T) bool {
		if r.peek() != '[' {
			return false
		}
		out := []string{} // [] decodes to an empty list, not nil
		r.list(func() { out = append(out, r.str()) })
		*field(v) = out
		return true
	}}
}

func objectsMember[T, E any](name string, field func(*T) *[]E, elem *objectReader[E]) member[T] {
	return member[T]{name: name, read: func(r *jsonReader, v *T) bool {
		if r.peek() != '[' {
			return false
		}
		out := []E{} // [] decodes to an empty list, not nil
		r.list(func() {
			var e E
			out = append(out, e)
			elem.read(r, &out[len(out)-1])
		})
		*field(v) = out
		return true
	}}
}

// emptyListMember reads only an empty list ([]); encoding/json decodes
// any other value.
func emptyListMember[T, E any](name string, field func(*T) *[]E) member[T] {
	return member[T]{name: name, read: func(r *jsonReader, v *T) bool {
		at := r.pos
		if !r.accept('[') || !r.accept(']') {
			r.pos = at
			return false
		}
		*field(v) = []E{}
		return true
	}}
}

func objectMember[T, E any](name string, field func(*T) **E, elem *objectReader[E]) member[T] {
	return member[T]{name: name, read: func(r *jsonReader, v *T) bool {
		if r.peek() != '{' {
			return false
		}
		e := new(E)
		elem.read(r, e)
		*field(v) = e
		return true
	}}
}
