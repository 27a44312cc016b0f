package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// paramError is a flag value that could not be read, worded as the aws CLI
// words it: "Error parsing parameter '--overrides': Invalid JSON: ...".
func paramError(flag, format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf("Error parsing parameter '--%s': ", flag) + fmt.Sprintf(format, args...)}
}

// flagValue turns the words given to one flag into the JSON value of its
// member: text for scalars, one word per element (or one JSON array) for
// lists, JSON or shorthand for structures and maps. Syntax errors are
// returned; type problems go to c.
func (c *converter) flagValue(p param, words []string) (any, error) {
	for i, w := range words {
		loaded, err := loadParamFile(p.Flag, w)
		if err != nil {
			return nil, err
		}
		words[i] = loaded
	}
	name, path := p.Member.Shape, p.Member.Name
	if p.Shape.Type == "list" {
		if len(words) == 1 && strings.HasPrefix(strings.TrimSpace(words[0]), "[") {
			v, err := decodeJSONParam(p.Flag, words[0])
			if err != nil {
				return nil, err
			}
			return c.convert(name, v, path, false), nil
		}
		out := make([]any, 0, len(words))
		for _, w := range words {
			v, err := c.element(p, w, fmt.Sprintf("%s[%d]", path, len(out)))
			if err != nil {
				return nil, err
			}
			if list, ok := v.([]any); ok {
				out = append(out, list...) // a JSON object given for a list element
				continue
			}
			out = append(out, v)
		}
		return out, nil
	}
	if len(words) != 1 {
		return nil, paramError(p.Flag, "expected one value, received %d", len(words))
	}
	switch p.Shape.Type {
	case "structure", "map":
		v, text, err := structValue(p.Flag, words[0])
		if err != nil {
			return nil, err
		}
		return c.convert(name, v, path, text), nil
	case "document":
		return decodeJSONParam(p.Flag, words[0])
	}
	// A scalar flag: report a bad value against the flag, not the member.
	var own converter
	v := own.convert(name, words[0], path, true)
	if len(own.problems) > 0 {
		return nil, paramError(p.Flag, "expected %s, received: '%s'", article(p.Shape), words[0])
	}
	return v, nil
}

// article names what a scalar flag expects in an error message.
func article(s ecsmodel.CLIShape) string {
	switch s.Type {
	case "integer", "long":
		return "an integer"
	case "double":
		return "a number"
	case "boolean":
		return "true or false"
	case "timestamp":
		return "a timestamp (epoch seconds or ISO 8601, e.g. 2006-01-02T15:04:05Z)"
	}
	return "a " + s.Type
}

// element converts one word of a list flag: text for lists of scalars,
// JSON or shorthand for lists of structures.
func (c *converter) element(p param, word, path string) (any, error) {
	elemName := p.Shape.Member
	if isScalar(shapeOf(elemName)) {
		return c.convert(elemName, word, path, true), nil
	}
	v, text, err := structValue(p.Flag, word)
	if err != nil {
		return nil, err
	}
	if _, isList := v.([]any); isList {
		return c.convert(p.Member.Shape, v, p.Member.Name, text), nil
	}
	return c.convert(elemName, v, path, text), nil
}

// structValue reads a structure or map from JSON (when the text starts
// with "{" or "[") or from shorthand; text reports shorthand.
func structValue(flag, word string) (v any, text bool, err error) {
	trimmed := strings.TrimSpace(word)
	if strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") {
		v, err := decodeJSONParam(flag, word)
		return v, false, err
	}
	m, err := parseShorthand(word)
	if err != nil {
		return nil, false, paramError(flag, "%v", err)
	}
	return m, true, nil
}

// decodeJSONParam decodes a JSON flag value, keeping numbers exact.
func decodeJSONParam(flag, text string) (any, error) {
	v, err := decodeJSON([]byte(text))
	if err != nil {
		return nil, paramError(flag, "Invalid JSON: %v\nJSON received: %s", err, text)
	}
	return v, nil
}

// decodeJSON decodes one JSON value with json.Number numbers and nothing after it.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("unexpected data after the JSON value")
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}

// loadParamFile replaces a file://path value by the file's contents, as the
// aws CLI does for every parameter.
func loadParamFile(flag, value string) (string, error) {
	path, ok := strings.CutPrefix(value, "file://")
	if !ok {
		return value, nil
	}
	b, err := os.ReadFile(expandHome(path))
	if err != nil {
		return "", paramError(flag, "Unable to load paramfile %s: %v", value, err)
	}
	return string(b), nil
}

func expandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return home + "/" + rest
		}
	}
	return path
}
