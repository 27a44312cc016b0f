package main

import (
	"bytes"
	"fmt"
	"strconv"
)

// goType returns the Go type of a reference and whether the field is
// omitted from JSON when unset. Unboxed numbers and booleans are always
// written (ECS prints "cpu": 0 and "enableExecuteCommand": false); boxed ones
// are pointers. Everything else is omitted when zero (omitzero keeps an empty
// but non-nil list as []).
func (m *model) goType(ref shapeRef) (typ string, omit bool) {
	s := m.Shapes[ref.Shape]
	boxed := ref.Box || s.Box
	switch s.Type {
	case "string":
		if s.isEnum() {
			return ref.Shape, true
		}
		return "string", true
	case "integer":
		if boxed {
			return "*int32", true
		}
		return "int32", false
	case "long":
		if boxed {
			return "*int64", true
		}
		return "int64", false
	case "double":
		if boxed {
			return "*float64", true
		}
		return "float64", false
	case "boolean":
		if boxed {
			return "*bool", true
		}
		return "bool", false
	case "timestamp":
		return "Time", true
	case "list":
		elem, _ := m.goElemType(*s.Member)
		return "[]" + elem, true
	case "map":
		k, _ := m.goElemType(*s.Key)
		v, _ := m.goElemType(*s.Value)
		return "map[" + k + "]" + v, true
	case "structure":
		if s.Document {
			return "json.RawMessage", true
		}
		return "*" + ref.Shape, true
	}
	panic(fmt.Sprintf("unknown shape type %q for %s", s.Type, ref.Shape))
}

// goElemType is goType for list elements and map values: structures are
// values there, not pointers.
func (m *model) goElemType(ref shapeRef) (string, bool) {
	s := m.Shapes[ref.Shape]
	if s.Type == "structure" && !s.Document {
		return ref.Shape, true
	}
	return m.goType(ref)
}

func writeShapes(m *model) []byte {
	var b bytes.Buffer
	header(&b)
	b.WriteString("import \"encoding/json\"\n\nvar _ json.RawMessage\n\n")
	for _, name := range m.sortedShapeNames() {
		s := m.Shapes[name]
		if !s.isStruct() {
			continue
		}
		fmt.Fprintf(&b, "// %s is the %s shape of the ECS model.\ntype %s struct {\n", name, name, name)
		for _, mn := range s.sortedMembers() {
			ref := s.Members[mn]
			typ, omit := m.goType(ref)
			tag := mn
			if omit {
				tag += ",omitzero"
			}
			fmt.Fprintf(&b, "\t%s %s `json:%s`\n", exported(mn), typ, strconv.Quote(tag))
		}
		b.WriteString("}\n\n")
	}
	return b.Bytes()
}

func writeEnums(m *model) []byte {
	var b bytes.Buffer
	header(&b)
	for _, name := range m.sortedShapeNames() {
		s := m.Shapes[name]
		if !s.isEnum() {
			continue
		}
		fmt.Fprintf(&b, "// %s is an enumeration of the ECS model.\ntype %s string\n\n", name, name)
		b.WriteString("// Values of " + name + ".\nconst (\n")
		for _, v := range s.Enum {
			fmt.Fprintf(&b, "\t%s %s = %s\n", enumConst(name, v), name, strconv.Quote(v))
		}
		b.WriteString(")\n\n")
		fmt.Fprintf(&b, "// Values returns the values the model allows for %s.\nfunc (%s) Values() []string {\n\treturn []string{", name, name)
		for i, v := range s.Enum {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(v))
		}
		b.WriteString("}\n}\n\n")
	}
	return b.Bytes()
}

func writeOperations(m *model) []byte {
	var b bytes.Buffer
	header(&b)
	fmt.Fprintf(&b, "// TargetPrefix is the X-Amz-Target prefix of the service.\nconst TargetPrefix = %q\n\n", m.Metadata["targetPrefix"])
	fmt.Fprintf(&b, "// APIVersion is the model's API version.\nconst APIVersion = %q\n\n", m.Metadata["apiVersion"])
	b.WriteString("// Operations lists every operation of the model with its input and output shape names and modelled errors.\nvar Operations = []Operation{\n")
	for _, name := range m.sortedOperationNames() {
		op := m.Operations[name]
		in, out := "", ""
		if op.Input != nil {
			in = op.Input.Shape
		}
		if op.Output != nil {
			out = op.Output.Shape
		}
		fmt.Fprintf(&b, "\t{Name: %q, Input: %q, Output: %q, Errors: []string{", name, in, out)
		for i, e := range op.Errors {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(e.Shape))
		}
		b.WriteString("}},\n")
	}
	b.WriteString("}\n\n")
	b.WriteString("// Exceptions maps each modelled exception name to whether it is a server fault (HTTP 5xx).\nvar Exceptions = map[string]bool{\n")
	for _, name := range m.sortedShapeNames() {
		s := m.Shapes[name]
		if s.Exception {
			fmt.Fprintf(&b, "\t%q: %v,\n", name, s.Fault)
		}
	}
	b.WriteString("}\n")
	return b.Bytes()
}
