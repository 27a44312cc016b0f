package agentrpc

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// member is one member an objectReader knows.
type member[T any] struct {
	name string
	// read reads the member's value into v and reports true, or reports
	// false, having read nothing, when the value is not one it decodes
	// (then encoding/json decodes it). Nil always leaves the value to
	// encoding/json.
	read func(r *jsonReader, v *T) bool
}

// objectReader reads JSON objects into a T. It knows the members of T
// that encoding/json would decode (its exported fields by JSON name),
// reads some of them itself and leaves the others to encoding/json.
type objectReader[T any] struct {
	members []member[T]
	index   map[string]int
}

// newObjectReader returns the reader of T that reads the given members
// itself. It panics when one of them is not a member of T.
func newObjectReader[T any](read ...member[T]) *objectReader[T] {
	t := reflect.TypeFor[T]()
	native := make(map[string]member[T], len(read))
	for _, m := range read {
		if _, dup := native[m.name]; dup {
			panic(fmt.Sprintf("agentrpc: member %q of %v listed twice", m.name, t))
		}
		native[m.name] = m
	}
	o := &objectReader[T]{index: make(map[string]int)}
	for _, name := range jsonNames(t) {
		if _, dup := o.index[name]; dup {
			panic(fmt.Sprintf("agentrpc: %v has two fields named %q", t, name))
		}
		m, ok := native[name]
		if !ok {
			m = member[T]{name: name}
		}
		delete(native, name)
		o.index[name] = len(o.members)
		o.members = append(o.members, m)
	}
	for name := range native {
		panic(fmt.Sprintf("agentrpc: %v has no member %q", t, name))
	}
	if len(o.members) > 64 {
		panic(fmt.Sprintf("agentrpc: %v has more than 64 members", t))
	}
	return o
}

// find returns the index of the member called name. It looks first at
// the members that follow the last one found, as encoding/json writes
// them in the order of the fields.
func (o *objectReader[T]) find(name []byte, last int) (int, bool) {
	for i := last + 1; i < len(o.members); i++ {
		if o.members[i].name == string(name) {
			return i, true
		}
	}
	i, ok := o.index[string(name)]
	return i, ok
}

// jsonNames returns the member names encoding/json uses for the exported
// fields of struct type t, those of embedded structs included.
func jsonNames(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" && f.Anonymous && f.Type.Kind() == reflect.Struct {
			names = append(names, jsonNames(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}

// read reads an object into v. The members its own readers leave go to
// encoding/json together, as one object, once the others are read; as
// every member names a different field, the order does not matter.
func (o *objectReader[T]) read(r *jsonReader, v *T) {
	r.expect('{')
	if r.failed || r.accept('}') {
		return
	}
	var seen uint64
	var rest []byte // the members left to encoding/json: an object without its closing brace
	last := -1
	for !r.failed {
		name := r.key()
		i, ok := o.find(name, last)
		if !ok || seen&(1<<i) != 0 {
			r.fail() // unknown, repeated, or spelled otherwise than the field's name
			return
		}
		seen |= 1 << i
		last = i
		at := r.pos
		if m := o.members[i]; m.read == nil || !m.read(r, v) {
			if r.failed {
				return
			}
			r.pos = at
			value := r.skipValue()
			if rest == nil {
				rest = append(rest, '{')
			} else {
				rest = append(rest, ',')
			}
			rest = append(rest, '"')
			rest = append(rest, name...)
			rest = append(rest, '"', ':')
			rest = append(rest, value...)
		}
		if !r.accept(',') {
			r.expect('}')
			break
		}
	}
	if rest != nil && !r.failed && json.Unmarshal(append(rest, '}'), v) != nil {
		r.fail()
	}
}

// readDocument reads data, a whole document holding one object, into v,
// and reports whether it could; when it could not, v may hold part of the
// document.
func readDocument[T any](o *objectReader[T], data []byte, v *T) bool {
	r := jsonReader{data: data}
	o.read(&r, v)
	r.skipSpace()
	return !r.failed && r.pos == len(r.data)
}
