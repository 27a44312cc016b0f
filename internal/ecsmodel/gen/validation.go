package main

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
)

// needsValidation reports whether a shape, or anything below it, carries a
// constraint the generated code checks.
func (m *model) needsValidation(name string, seen map[string]bool) bool {
	if v, ok := seen[name]; ok {
		return v
	}
	seen[name] = false // break cycles
	s := m.Shapes[name]
	result := false
	switch s.Type {
	case "structure":
		if !s.isStruct() {
			break
		}
		if len(s.Required) > 0 {
			result = true
		}
		for _, ref := range s.Members {
			ms := m.Shapes[ref.Shape]
			if ms.isEnum() || ms.Min != nil || ms.Max != nil || ms.Pattern != "" || m.needsValidation(ref.Shape, seen) {
				result = true
			}
		}
	case "list":
		result = m.needsValidation(s.Member.Shape, seen)
	}
	seen[name] = result
	return result
}

func writeValidation(m *model) []byte {
	var b bytes.Buffer
	header(&b)
	b.WriteString("import \"regexp\"\n\n")
	seen := map[string]bool{}
	patterns := map[string]string{}
	inputs := m.inputShapes()
	for _, name := range m.sortedShapeNames() {
		s := m.Shapes[name]
		if !s.isStruct() || !inputs[name] || !m.needsValidation(name, seen) {
			continue
		}
		fmt.Fprintf(&b, "func (s *%s) validate(v *validator, path string) {\n\tif s == nil {\n\t\treturn\n\t}\n", name)
		required := map[string]bool{}
		for _, r := range s.Required {
			required[r] = true
		}
		for _, mn := range s.sortedMembers() {
			m.writeMemberChecks(&b, s, mn, required[mn], patterns, seen)
		}
		b.WriteString("}\n\n")
		fmt.Fprintf(&b, "// Validate checks s against the constraints of the ECS model (required members, enums, lengths, ranges, patterns).\nfunc (s *%s) Validate() error {\n\tvar v validator\n\ts.validate(&v, \"\")\n\treturn v.err()\n}\n\n", name)
	}
	b.WriteString("var patterns = map[string]*regexp.Regexp{\n")
	keys := make([]string, 0, len(patterns))
	for k := range patterns {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "\t%s: regexp.MustCompile(%s),\n", strconv.Quote(k), strconv.Quote("^(?:"+k+")$"))
	}
	b.WriteString("}\n")
	return b.Bytes()
}

func (m *model) writeMemberChecks(b *bytes.Buffer, s shape, mn string, required bool, patterns map[string]string, seen map[string]bool) {
	ref := s.Members[mn]
	ms := m.Shapes[ref.Shape]
	field := "s." + exported(mn)
	p := strconv.Quote(mn)
	typ, _ := m.goType(ref)
	if required {
		switch {
		case typ == "string" || ms.isEnum():
			fmt.Fprintf(b, "\tv.required(path, %s, %s != \"\")\n", p, field)
		case typ[0] == '*' || typ[0] == '[' || typ[:3] == "map" || typ == "json.RawMessage":
			fmt.Fprintf(b, "\tv.required(path, %s, %s != nil)\n", p, field)
		case typ == "Time":
			fmt.Fprintf(b, "\tv.required(path, %s, !%s.IsZero())\n", p, field)
		}
	}
	switch ms.Type {
	case "string":
		if ms.isEnum() {
			fmt.Fprintf(b, "\tv.enum(path, %s, string(%s), %s(\"\").Values())\n", p, field, ref.Shape)
		}
		if ms.Min != nil || ms.Max != nil {
			fmt.Fprintf(b, "\tv.length(path, %s, %s, len([]rune(%s)), %s, %s)\n", p, field, field, bound(ms.Min), bound(ms.Max))
		}
		if ms.Pattern != "" {
			patterns[ms.Pattern] = ms.Pattern
			fmt.Fprintf(b, "\tv.pattern(path, %s, %s, %s)\n", p, field, strconv.Quote(ms.Pattern))
		}
	case "integer", "long", "double":
		if ms.Min != nil || ms.Max != nil {
			if typ[0] == '*' {
				fmt.Fprintf(b, "\tif %s != nil {\n\t\tv.rangeCheck(path, %s, float64(*%s), %s, %s)\n\t}\n", field, p, field, bound(ms.Min), bound(ms.Max))
			} else {
				fmt.Fprintf(b, "\tv.rangeCheck(path, %s, float64(%s), %s, %s)\n", p, field, bound(ms.Min), bound(ms.Max))
			}
		}
	case "structure":
		if m.needsValidation(ref.Shape, seen) {
			fmt.Fprintf(b, "\t%s.validate(v, join(path, %s))\n", field, p)
		}
	case "list":
		if ms.Min != nil || ms.Max != nil {
			fmt.Fprintf(b, "\tif %s != nil {\n\t\tv.listLength(path, %s, len(%s), %s, %s)\n\t}\n", field, p, field, bound(ms.Min), bound(ms.Max))
		}
		es := m.Shapes[ms.Member.Shape]
		switch {
		case es.isStruct() && m.needsValidation(ms.Member.Shape, seen):
			fmt.Fprintf(b, "\tfor i := range %s {\n\t\t%s[i].validate(v, member(path, %s, i))\n\t}\n", field, field, p)
		case es.isEnum():
			fmt.Fprintf(b, "\tfor i := range %s {\n\t\tv.enum(member(path, %s, i), \"\", string(%s[i]), %s(\"\").Values())\n\t}\n", field, p, field, ms.Member.Shape)
		case es.Type == "string" && es.Pattern != "":
			patterns[es.Pattern] = es.Pattern
			fmt.Fprintf(b, "\tfor i := range %s {\n\t\tv.pattern(member(path, %s, i), \"\", %s[i], %s)\n\t}\n", field, p, field, strconv.Quote(es.Pattern))
		}
	}
}

// inputShapes returns every shape reachable from an operation's input: only
// requests are validated.
func (m *model) inputShapes() map[string]bool {
	reach := map[string]bool{}
	var walk func(name string)
	walk = func(name string) {
		if reach[name] {
			return
		}
		reach[name] = true
		s := m.Shapes[name]
		for _, ref := range s.Members {
			walk(ref.Shape)
		}
		for _, ref := range []*shapeRef{s.Member, s.Key, s.Value} {
			if ref != nil {
				walk(ref.Shape)
			}
		}
	}
	for _, op := range m.Operations {
		if op.Input != nil {
			walk(op.Input.Shape)
		}
	}
	return reach
}

func bound(f *float64) string {
	if f == nil {
		return "noBound"
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}
