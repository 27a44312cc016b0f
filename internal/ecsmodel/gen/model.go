package main

import (
	"sort"
	"strings"
	"unicode"
)

// model is the subset of a botocore service-2.json that the generator reads.
type model struct {
	Metadata   map[string]any       `json:"metadata"`
	Operations map[string]operation `json:"operations"`
	Shapes     map[string]shape     `json:"shapes"`
}

type operation struct {
	Name   string     `json:"name"`
	Input  *shapeRef  `json:"input"`
	Output *shapeRef  `json:"output"`
	Errors []shapeRef `json:"errors"`
}

type shapeRef struct {
	Shape            string `json:"shape"`
	Box              bool   `json:"box"`
	IdempotencyToken bool   `json:"idempotencyToken"`
	Deprecated       bool   `json:"deprecated"`
}

type shape struct {
	Type      string              `json:"type"`
	Members   map[string]shapeRef `json:"members"`
	Required  []string            `json:"required"`
	Member    *shapeRef           `json:"member"`
	Key       *shapeRef           `json:"key"`
	Value     *shapeRef           `json:"value"`
	Enum      []string            `json:"enum"`
	Min       *float64            `json:"min"`
	Max       *float64            `json:"max"`
	Pattern   string              `json:"pattern"`
	Box       bool                `json:"box"`
	Exception bool                `json:"exception"`
	Fault     bool                `json:"fault"`
	Document  bool                `json:"document"`
}

func (m *model) sortedShapeNames() []string {
	names := make([]string, 0, len(m.Shapes))
	for n := range m.Shapes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (m *model) sortedOperationNames() []string {
	names := make([]string, 0, len(m.Operations))
	for n := range m.Operations {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (s shape) isEnum() bool { return s.Type == "string" && len(s.Enum) > 0 }

// isStruct reports whether the shape becomes a Go struct (exceptions do not).
func (s shape) isStruct() bool { return s.Type == "structure" && !s.Exception && !s.Document }

// sortedMembers returns member names in a stable order.
func (s shape) sortedMembers() []string {
	names := make([]string, 0, len(s.Members))
	for n := range s.Members {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// exported turns a model member name into a Go field name (taskArn -> TaskArn).
func exported(name string) string {
	if name == "" {
		return name
	}
	r := []rune(name)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// enumConst names an enum constant: LaunchType + "FARGATE_SPOT" -> LaunchTypeFargateSpot.
func enumConst(typeName, value string) string {
	var b strings.Builder
	b.WriteString(typeName)
	upperNext := true
	for _, r := range value {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upperNext = true
			continue
		}
		if upperNext {
			b.WriteRune(unicode.ToUpper(r))
			upperNext = false
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
