package cli

import (
	"bytes"
	"strings"
)

// formatText renders v as the aws CLI's text output does:
//
//   - an object prints its scalar members, sorted by key, on one
//     tab-separated line that starts with the object's own key in upper
//     case (nothing for the top level), then each of its lists and objects
//     under their keys;
//   - a list of objects prints one line per object with the columns being
//     the union of the objects' scalar keys, so the lines line up ("" for
//     a member an object lacks);
//   - a list of scalars prints one "KEY\tvalue" line per element, or one
//     tab-separated line when it has no key (a top-level --query result).
func formatText(v any) []byte {
	var b bytes.Buffer
	textValue(&b, v, "", nil)
	return b.Bytes()
}

func textValue(b *bytes.Buffer, v any, id string, columns []string) {
	switch x := v.(type) {
	case map[string]any:
		textObject(b, x, id, columns)
	case []any:
		textList(b, x, id)
	default:
		b.WriteString(pyStr(x))
		b.WriteByte('\n')
	}
}

func textList(b *bytes.Buffer, items []any, id string) {
	if len(items) == 0 {
		return
	}
	hasObject, hasList := false, false
	for _, item := range items {
		switch item.(type) {
		case map[string]any:
			hasObject = true
		case []any:
			hasList = true
		}
	}
	switch {
	case hasObject:
		columns := scalarColumns(items)
		for _, item := range items {
			textValue(b, item, id, columns)
		}
	case hasList:
		var scalars, nested []any
		for _, item := range items {
			if _, ok := item.([]any); ok {
				nested = append(nested, item)
			} else {
				scalars = append(scalars, item)
			}
		}
		if len(scalars) > 0 {
			textScalars(b, scalars, id)
		}
		for _, item := range nested {
			textValue(b, item, id, nil)
		}
	default:
		textScalars(b, items, id)
	}
}

func textScalars(b *bytes.Buffer, items []any, id string) {
	if id != "" {
		for _, item := range items {
			b.WriteString(strings.ToUpper(id) + "\t" + pyStr(item) + "\n")
		}
		return
	}
	cells := make([]string, len(items))
	for i, item := range items {
		cells[i] = pyStr(item)
	}
	b.WriteString(strings.Join(cells, "\t") + "\n")
}

// textObject prints m's scalars on one line (in the given columns, or all
// of its scalar keys sorted), then its nested values.
func textObject(b *bytes.Buffer, m map[string]any, id string, columns []string) {
	var cells []string
	var nestedKeys []string
	if columns == nil {
		for _, k := range sortedKeys(m) {
			if isCollection(m[k]) {
				nestedKeys = append(nestedKeys, k)
			} else {
				cells = append(cells, pyStr(m[k]))
			}
		}
	} else {
		inColumns := make(map[string]bool, len(columns))
		for _, k := range columns {
			inColumns[k] = true
			if v, ok := m[k]; ok && !isCollection(v) {
				cells = append(cells, pyStr(v))
			} else {
				cells = append(cells, "")
			}
		}
		for _, k := range sortedKeys(m) {
			if !inColumns[k] || isCollection(m[k]) {
				nestedKeys = append(nestedKeys, k)
			}
		}
	}
	if len(cells) > 0 {
		if id != "" {
			cells = append([]string{strings.ToUpper(id)}, cells...)
		}
		b.WriteString(strings.Join(cells, "\t") + "\n")
	}
	for _, k := range nestedKeys {
		textValue(b, m[k], k, nil)
	}
}

// scalarColumns is the sorted union of the scalar keys of the objects in items.
func scalarColumns(items []any) []string {
	seen := make(map[string]any)
	for _, item := range items {
		if m, ok := item.(map[string]any); ok {
			for k, v := range m {
				if !isCollection(v) {
					seen[k] = nil
				}
			}
		}
	}
	return sortedKeys(seen)
}

func isCollection(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// pyStr prints a scalar as Python's str() does, which is what the aws CLI's
// text and table output show: True/False, None, numbers as pyNumber.
func pyStr(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		if x {
			return "True"
		}
		return "False"
	case nil:
		return "None"
	case map[string]any, []any:
		return string(bytes.TrimSpace(formatJSON(x, nil)))
	}
	return pyNumber(v)
}
