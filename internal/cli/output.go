package cli

import (
	"fmt"
	"os"
	"strconv"

	jmespath "github.com/jmespath-community/go-jmespath"
)

// outputOptions says how to print a result.
type outputOptions struct {
	format string            // json, text or table
	query  jmespath.JMESPath // nil without --query
	title  string            // the operation name, the table's title
	width  int               // terminal width for tables
}

// compileQuery checks --query before any request is made.
func compileQuery(expr string) (jmespath.JMESPath, error) {
	if expr == "" {
		return nil, nil
	}
	q, err := jmespath.Compile(expr)
	if err != nil {
		return nil, usagef("Bad value for --query %s: %v", expr, err)
	}
	return q, nil
}

// outputFormat is --output, else AWS_DEFAULT_OUTPUT, else json.
func outputFormat(g globalOptions) string {
	if g.output != "" {
		return g.output
	}
	switch f := os.Getenv("AWS_DEFAULT_OUTPUT"); f {
	case "json", "text", "table":
		return f
	}
	return "json"
}

// terminalWidth is COLUMNS when set, else 80, as the aws CLI falls back to.
func terminalWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 80
}

// render formats a shaped result. An empty response prints nothing, as in
// the aws CLI; a --query result prints whatever it is, null included.
func render(o outputOptions, value any, order keyOrder) ([]byte, error) {
	if o.query != nil {
		result, err := o.query.Search(numbersToFloat(value))
		if err != nil {
			return nil, fmt.Errorf("query: %w", err)
		}
		value = result
	} else if m, ok := value.(map[string]any); ok && len(m) == 0 {
		return nil, nil
	}
	switch o.format {
	case "text":
		return formatText(value), nil
	case "table":
		return formatTable(o.title, value, o.width), nil
	}
	return formatJSON(value, order), nil
}
