package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"sort"
	"strconv"
	"strings"
)

// writeCLI emits the command-line description of the model: CLIShapes, every
// shape reachable from an operation's input or output reduced to its kind,
// members (in model order, which is the order the aws CLI prints and lists
// them in), element, key and value shapes, and enum values; and NewInput,
// which returns a fresh request value by operation name.
func writeCLI(m *model) []byte {
	order := modelMemberOrder()
	reach := make(map[string]bool)
	for _, name := range m.sortedOperationNames() {
		op := m.Operations[name]
		m.reachShapes(op.Input.Shape, reach)
		m.reachShapes(op.Output.Shape, reach)
	}
	names := make([]string, 0, len(reach))
	for n := range reach {
		names = append(names, n)
	}
	sort.Strings(names)

	var b bytes.Buffer
	header(&b)
	b.WriteString(`// CLIShape describes a shape of the model for command-line clients.
// Type is one of string, enum, integer, long, boolean, double, timestamp,
// list, map, structure and document (any JSON value).
type CLIShape struct {
	Type    string
	Members []CLIMember // structure members, in model order
	Member  string      // list element shape
	Key     string      // map key shape
	Value   string      // map value shape
	Enum    []string    // enum values
}

// CLIMember is one member of a structure shape.
type CLIMember struct {
	Name             string
	Shape            string
	Required         bool
	IdempotencyToken bool // filled with a random UUID when the caller leaves it out
	Deprecated       bool
}

// CLIShapes holds every shape reachable from an operation's input or output.
var CLIShapes = map[string]CLIShape{
`)
	for _, name := range names {
		s := m.Shapes[name]
		fmt.Fprintf(&b, "\t%q: {Type: %q", name, cliType(s))
		switch {
		case s.isEnum():
			b.WriteString(", Enum: []string{" + quotedList(s.Enum) + "}")
		case s.Type == "list":
			fmt.Fprintf(&b, ", Member: %q", s.Member.Shape)
		case s.Type == "map":
			fmt.Fprintf(&b, ", Key: %q, Value: %q", s.Key.Shape, s.Value.Shape)
		case s.Type == "structure" && !s.Document:
			b.WriteString(", Members: []CLIMember{")
			required := make(map[string]bool)
			for _, r := range s.Required {
				required[r] = true
			}
			for i, mn := range membersInOrder(s, order[name]) {
				ref := s.Members[mn]
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "{Name: %q, Shape: %q", mn, ref.Shape)
				if required[mn] {
					b.WriteString(", Required: true")
				}
				if ref.IdempotencyToken {
					b.WriteString(", IdempotencyToken: true")
				}
				if ref.Deprecated {
					b.WriteString(", Deprecated: true")
				}
				b.WriteString("}")
			}
			b.WriteString("}")
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n\n")

	b.WriteString("// NewInput returns a pointer to a new request value of the named operation, or nil when the model has no such operation.\nfunc NewInput(operation string) any {\n\tswitch operation {\n")
	for _, name := range m.sortedOperationNames() {
		fmt.Fprintf(&b, "\tcase %q:\n\t\treturn new(%s)\n", name, m.Operations[name].Input.Shape)
	}
	b.WriteString("\t}\n\treturn nil\n}\n")
	return b.Bytes()
}

func cliType(s shape) string {
	switch {
	case s.isEnum():
		return "enum"
	case s.Type == "structure" && s.Document:
		return "document"
	case s.Type == "float":
		return "double"
	}
	return s.Type
}

func quotedList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// reachShapes adds name and every shape it refers to, transitively, to seen.
func (m *model) reachShapes(name string, seen map[string]bool) {
	if seen[name] {
		return
	}
	seen[name] = true
	s := m.Shapes[name]
	for _, ref := range []*shapeRef{s.Member, s.Key, s.Value} {
		if ref != nil {
			m.reachShapes(ref.Shape, seen)
		}
	}
	for _, ref := range s.Members {
		m.reachShapes(ref.Shape, seen)
	}
}

// membersInOrder returns the member names of s in model order; names the
// order lacks (which should not happen) follow sorted.
func membersInOrder(s shape, order []string) []string {
	out := make([]string, 0, len(s.Members))
	done := make(map[string]bool)
	for _, n := range order {
		if _, ok := s.Members[n]; ok && !done[n] {
			out = append(out, n)
			done[n] = true
		}
	}
	for _, n := range s.sortedMembers() {
		if !done[n] {
			out = append(out, n)
		}
	}
	return out
}

// modelMemberOrder reads the model file a second time, because the decoded
// model keeps members in maps, and returns each structure's member names in
// the order the file lists them. The file is the one main loaded: the -model
// flag, else botocore's.
func modelMemberOrder() map[string][]string {
	path := ""
	if f := flag.Lookup("model"); f != nil {
		path = f.Value.String()
	}
	if path == "" {
		var err error
		if path, err = findBotocoreModel(); err != nil {
			log.Fatalf("gen: %v", err)
		}
	}
	raw, err := readModelFile(path)
	if err != nil {
		log.Fatalf("gen: %v", err)
	}
	var doc struct {
		Shapes map[string]struct {
			Members orderedKeys `json:"members"`
		} `json:"shapes"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		log.Fatalf("gen: member order of %s: %v", path, err)
	}
	order := make(map[string][]string, len(doc.Shapes))
	for name, s := range doc.Shapes {
		order[name] = s.Members
	}
	return order
}

func readModelFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		r = gz
	}
	return io.ReadAll(r)
}

// orderedKeys decodes a JSON object into the list of its keys, in order.
type orderedKeys []string

func (k *orderedKeys) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("object key is %T", tok)
		}
		*k = append(*k, key)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	return nil
}
