package cli

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// The table output, modelled on the aws CLI's: a title row with the
// operation name, then one section per nested object or list, indented
// by a "|" on each side per level. An object's scalar members make one
// row under a header of their keys (a single scalar member makes a
// "key | value" row); a list of objects makes one row per object, and an
// object that holds lists or objects of its own opens a new section for
// each. When a section is wider than the terminal, every section is shown
// vertically instead: one "key | value" row per member.

type tableSection struct {
	title   string
	indent  int
	headers []string
	rows    [][]string
}

type tableBuilder struct {
	sections []*tableSection
}

func (t *tableBuilder) current() *tableSection { return t.sections[len(t.sections)-1] }

func (t *tableBuilder) newSection(title string, indent int) {
	t.sections = append(t.sections, &tableSection{title: title, indent: indent})
}

// formatTable renders v under title within width columns.
func formatTable(title string, v any, width int) []byte {
	t := &tableBuilder{}
	t.newSection(title, 0)
	if !t.build("", v, 0) {
		return nil
	}
	if t.width() > width {
		for _, s := range t.sections {
			s.vertical()
		}
	}
	return t.render()
}

// build adds v's rows; it reports false when v is empty and adds nothing.
func (t *tableBuilder) build(title string, v any, indent int) bool {
	if isEmptyValue(v) {
		return false
	}
	if title != "" {
		t.newSection(title, indent)
	}
	switch x := v.(type) {
	case []any:
		if _, ok := x[0].(map[string]any); ok {
			t.fromObjects(x, title, indent)
			break
		}
		for _, item := range x {
			switch y := item.(type) {
			case []any:
				if allScalars(y) {
					t.current().addRow(cellsOf(y))
				} else {
					t.build("", y, indent)
				}
			case map[string]any:
				t.fromObject(y, indent)
			default:
				t.current().addRow([]string{pyStr(y)})
			}
		}
	case map[string]any:
		t.fromObject(x, indent)
	default:
		t.current().addRow([]string{pyStr(x)})
	}
	return true
}

func (t *tableBuilder) fromObject(m map[string]any, indent int) {
	scalars, nested := splitKeys(m)
	switch {
	case len(scalars) == 1:
		t.current().addRow([]string{scalars[0], pyStr(m[scalars[0]])})
	case len(scalars) > 1:
		row := make([]string, len(scalars))
		for i, k := range scalars {
			row[i] = pyStr(m[k])
		}
		t.current().headers = scalars
		t.current().addRow(row)
	}
	for _, k := range nested {
		t.build(k, m[k], indent+1)
	}
}

// fromObjects renders a list of objects as rows under one header; an
// element with nested values starts a new section for the next one.
func (t *tableBuilder) fromObjects(items []any, title string, indent int) {
	headers := scalarColumns(items)
	var nested []string
	seen := make(map[string]bool)
	for _, item := range items {
		m, _ := item.(map[string]any)
		_, n := splitKeys(m)
		for _, k := range n {
			if !seen[k] {
				seen[k] = true
				nested = append(nested, k)
			}
		}
	}
	t.current().headers = headers
	for i, item := range items {
		m, _ := item.(map[string]any)
		if i > 0 && len(nested) > 0 {
			t.newSection(title, indent)
			t.current().headers = headers
		}
		row := make([]string, len(headers))
		for j, h := range headers {
			if v, ok := m[h]; ok && !isCollection(v) {
				row[j] = pyStr(v)
			}
		}
		t.current().addRow(row)
		for _, k := range sortedStrings(nested) {
			if v, ok := m[k]; ok {
				t.build(k, v, indent+1)
			}
		}
	}
}

func (s *tableSection) addRow(row []string) { s.rows = append(s.rows, row) }

// vertical turns a headed section into key/value rows.
func (s *tableSection) vertical() {
	if len(s.headers) == 0 {
		return
	}
	var rows [][]string
	for _, row := range s.rows {
		for i, h := range s.headers {
			cell := ""
			if i < len(row) {
				cell = row[i]
			}
			rows = append(rows, []string{h, cell})
		}
	}
	s.headers, s.rows = nil, rows
}

// columnWidths returns the natural width of each column: the longest cell
// or header plus two spaces on either side.
func (s *tableSection) columnWidths() []int {
	n := len(s.headers)
	for _, r := range s.rows {
		n = max(n, len(r))
	}
	widths := make([]int, n)
	for i, h := range s.headers {
		widths[i] = max(widths[i], textWidth(h))
	}
	for _, r := range s.rows {
		for i, c := range r {
			widths[i] = max(widths[i], textWidth(c))
		}
	}
	for i := range widths {
		widths[i] += 4
	}
	return widths
}

// innerWidth is the section's natural width between its indentation bars.
func (s *tableSection) innerWidth() int {
	w := textWidth(s.title) + 2
	cols := s.columnWidths()
	if len(cols) > 0 {
		sum := len(cols) + 1
		for _, c := range cols {
			sum += c
		}
		w = max(w, sum)
	}
	return w
}

func (t *tableBuilder) width() int {
	w := 0
	for _, s := range t.sections {
		w = max(w, s.innerWidth()+2*s.indent)
	}
	return w
}

func (t *tableBuilder) render() []byte {
	var b bytes.Buffer
	total := t.width()
	b.WriteString(strings.Repeat("-", total) + "\n")
	for i, s := range t.sections {
		s.render(&b, total-2*s.indent, i == 0)
	}
	return b.Bytes()
}

func (s *tableSection) render(b *bytes.Buffer, inner int, top bool) {
	bars := strings.Repeat("|", s.indent)
	line := func(text string) { b.WriteString(bars + text + bars + "\n") }
	widths := spread(s.columnWidths(), inner)
	if s.title != "" {
		line(centered(s.title, inner))
		if top || len(s.headers) > 0 || len(s.rows) > 0 {
			line(separator(widths, inner))
		}
	}
	if len(s.headers) > 0 {
		cells := make([]string, len(widths))
		for i := range widths {
			h := ""
			if i < len(s.headers) {
				h = s.headers[i]
			}
			cells[i] = centerCell(h, widths[i])
		}
		line("|" + strings.Join(cells, "|") + "|")
		line(separator(widths, inner))
	}
	for _, r := range s.rows {
		cells := make([]string, len(widths))
		for i, w := range widths {
			c := ""
			if i < len(r) {
				c = r[i]
			}
			cells[i] = "  " + c + strings.Repeat(" ", max(0, w-2-textWidth(c)))
		}
		line("|" + strings.Join(cells, "|") + "|")
	}
	if len(s.rows) > 0 {
		line(separator(widths, inner))
	}
}

// spread widens natural column widths in proportion to fill inner
// (which counts the separators).
func spread(natural []int, inner int) []int {
	if len(natural) == 0 {
		return nil
	}
	avail := inner - (len(natural) + 1)
	sum := 0
	for _, w := range natural {
		sum += w
	}
	if sum >= avail {
		return natural
	}
	out := make([]int, len(natural))
	used := 0
	for i, w := range natural {
		out[i] = w * avail / sum
		used += out[i]
	}
	for i := len(out) - 1; used < avail; i-- {
		out[i]++
		used++
		if i == 0 {
			i = len(out)
		}
	}
	return out
}

func separator(widths []int, inner int) string {
	if len(widths) == 0 {
		return "+" + strings.Repeat("-", max(0, inner-2)) + "+"
	}
	parts := make([]string, len(widths))
	for i, w := range widths {
		parts[i] = strings.Repeat("-", w)
	}
	return "+" + strings.Join(parts, "+") + "+"
}

// centered puts text in the middle of a line of width inner that starts
// and ends with "|", leaning left as the aws CLI's titles do.
func centered(text string, inner int) string {
	n := textWidth(text)
	left := max(0, inner/2-n/2-1)
	right := max(0, inner-2-left-n)
	return "|" + strings.Repeat(" ", left) + text + strings.Repeat(" ", right) + "|"
}

// centerCell centres a header within a column of width w.
func centerCell(text string, w int) string {
	n := textWidth(text)
	left := max(0, (w+1)/2-n/2-1)
	right := max(0, w-left-n)
	return strings.Repeat(" ", left) + text + strings.Repeat(" ", right)
}

func splitKeys(m map[string]any) (scalars, nested []string) {
	for _, k := range sortedKeys(m) {
		if isCollection(m[k]) {
			nested = append(nested, k)
		} else {
			scalars = append(scalars, k)
		}
	}
	return scalars, nested
}

func allScalars(items []any) bool {
	for _, item := range items {
		if isCollection(item) {
			return false
		}
	}
	return true
}

func cellsOf(items []any) []string {
	out := make([]string, len(items))
	for i, item := range items {
		out[i] = pyStr(item)
	}
	return out
}

// isEmptyValue is Python's falsiness, which the aws CLI's table uses to skip values.
func isEmptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	case string:
		return x == ""
	case bool:
		return !x
	}
	return false
}

func sortedStrings(s []string) []string {
	m := make(map[string]any, len(s))
	for _, k := range s {
		m[k] = nil
	}
	return sortedKeys(m)
}

func textWidth(s string) int { return utf8.RuneCountInString(s) }
