package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// The AppendJSON methods write, byte for byte, what encoding/json writes for
// the shapes with HTML escaping off: members in struct order (the sorted
// member names), omitzero members skipped when zero, unboxed numbers and
// booleans always written. Each member is written with a leading comma and
// closeObject turns the first comma into the opening brace. The runtime
// (AppendString, appendFloat, appendRawJSON, sortedKeys, closeObject) is the
// hand-written jsonappend.go.

// jsonName matches the member names the generator writes into Go raw strings
// unescaped (every name of the ECS model does).
var jsonName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// writeJSON emits the AppendJSON method of every struct shape.
func writeJSON(m *model) []byte {
	var b bytes.Buffer
	header(&b)
	b.WriteString("import \"strconv\"\n\n")
	for _, name := range m.sortedShapeNames() {
		s := m.Shapes[name]
		if !s.isStruct() {
			continue
		}
		fmt.Fprintf(&b, "// AppendJSON appends s as JSON, byte for byte what encoding/json writes with\n"+
			"// HTML escaping off; a nil s is null.\nfunc (s *%s) AppendJSON(b []byte) []byte {\n", name)
		b.WriteString("if s == nil {\nreturn append(b, \"null\"...)\n}\nstart := len(b)\n")
		for _, mn := range s.sortedMembers() {
			b.WriteString(m.jsonMember(mn, s.Members[mn]))
		}
		b.WriteString("return closeObject(b, start)\n}\n\n")
	}
	return b.Bytes()
}

// writeJSONShapes emits, into a test file, a new zero value of every struct
// shape, so that the tests can reach every AppendJSON by reflection.
func writeJSONShapes(m *model) []byte {
	var b bytes.Buffer
	header(&b)
	b.WriteString("// jsonShapes holds a new zero value of every struct shape of the model.\n")
	b.WriteString("var jsonShapes = []interface{ AppendJSON([]byte) []byte }{\n")
	for _, name := range m.sortedShapeNames() {
		if m.Shapes[name].isStruct() {
			fmt.Fprintf(&b, "new(%s),\n", name)
		}
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// jsonMember returns the statements writing member name of s, with its
// zero check when the member is omitted when zero.
func (m *model) jsonMember(name string, ref shapeRef) string {
	if !jsonName.MatchString(name) {
		panic(fmt.Sprintf("member name %q needs escaping in JSON", name))
	}
	expr := "s." + exported(name)
	_, omit := m.goType(ref)
	body := "b = append(b, `,\"" + name + "\":`...)\n" + m.jsonValue(ref, expr, false, 0)
	if !omit {
		return body
	}
	return "if " + m.jsonPresent(ref, expr) + " {\n" + body + "}\n"
}

// jsonPresent is the condition under which an omitzero member is written:
// the negation of reflect.Value.IsZero, or of IsZero for timestamps.
func (m *model) jsonPresent(ref shapeRef, expr string) string {
	switch m.Shapes[ref.Shape].Type {
	case "string":
		return expr + ` != ""`
	case "timestamp":
		return "!" + expr + ".IsZero()"
	}
	return expr + " != nil" // pointers, lists, maps and documents
}

// jsonValue returns the statements appending expr, a value of the shape of
// ref, to b. elem is true for list elements and map values, where
// structures are values and boxed numbers may be nil; depth names the loop
// variables of nested lists and maps.
func (m *model) jsonValue(ref shapeRef, expr string, elem bool, depth int) string {
	s := m.Shapes[ref.Shape]
	typ, _ := m.goType(ref)
	if elem {
		typ, _ = m.goElemType(ref)
	}
	ptr := strings.HasPrefix(typ, "*")
	val := expr
	if ptr {
		val = "*" + expr
	}
	if scalar, ok := jsonScalar(s, val); ok {
		if ptr && elem {
			return fmt.Sprintf("if %s == nil {\nb = append(b, \"null\"...)\n} else {\n%s}\n", expr, scalar)
		}
		return scalar // a member pointer is known to be set
	}
	switch s.Type {
	case "timestamp", "structure":
		if s.Document {
			return "b = appendRawJSON(b, " + expr + ")\n"
		}
		return "b = " + expr + ".AppendJSON(b)\n"
	case "list":
		i := fmt.Sprintf("i%d", depth)
		return fmt.Sprintf("b = append(b, '[')\nfor %s := range %s {\nif %s > 0 {\nb = append(b, ',')\n}\n%s}\nb = append(b, ']')\n",
			i, expr, i, m.jsonValue(*s.Member, expr+"["+i+"]", true, depth+1))
	case "map":
		i, k, v := fmt.Sprintf("i%d", depth), fmt.Sprintf("k%d", depth), fmt.Sprintf("v%d", depth)
		key := k
		if m.Shapes[s.Key.Shape].isEnum() {
			key = "string(" + k + ")"
		}
		return fmt.Sprintf("b = append(b, '{')\nfor %s, %s := range sortedKeys(%s) {\nif %s > 0 {\nb = append(b, ',')\n}\n"+
			"b = AppendString(b, %s)\nb = append(b, ':')\n%s := %s[%s]\n%s}\nb = append(b, '}')\n",
			i, k, expr, i, key, v, expr, k, m.jsonValue(*s.Value, v, true, depth+1))
	}
	panic(fmt.Sprintf("no JSON encoding for shape %s of type %q", ref.Shape, s.Type))
}

// jsonScalar returns the statement appending val when the shape is a
// string, number or boolean.
func jsonScalar(s shape, val string) (string, bool) {
	switch s.Type {
	case "string":
		if s.isEnum() {
			return "b = AppendString(b, string(" + val + "))\n", true
		}
		return "b = AppendString(b, " + val + ")\n", true
	case "integer", "long":
		return "b = strconv.AppendInt(b, int64(" + val + "), 10)\n", true
	case "double":
		return "b = appendFloat(b, " + val + ")\n", true
	case "boolean":
		return "b = strconv.AppendBool(b, " + val + ")\n", true
	}
	return "", false
}
