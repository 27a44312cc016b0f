package cli

import (
	"fmt"
	"strings"

	"github.com/berth-io/berth/internal/ecsmodel"
)

const helpHint = `To see help text, you can run:

  berth ecs help
  berth ecs <command> help
  berth ecs wait <waiter-name> help
`

// topHelp lists the commands.
func topHelp(t operationTable) string {
	var b strings.Builder
	b.WriteString("usage: berth ecs <command> [parameters]\n\n")
	b.WriteString("Calls the Amazon ECS API of a berth server (or of AWS) like `aws ecs` does.\n")
	b.WriteString("Global options: --endpoint-url, --region, --profile, --output json|text|table,\n")
	b.WriteString("--query <JMESPath>, --no-paginate, --no-sign-request, --no-verify-ssl, --ca-bundle,\n")
	b.WriteString("--cli-read-timeout, --cli-connect-timeout, --debug.\n\nCommands:\n")
	for _, name := range t.commands() {
		b.WriteString("  " + name + "\n")
	}
	b.WriteString("  wait\n\n" + helpHint)
	return b.String()
}

// waitHelp lists the waiters.
func waitHelp() string {
	var b strings.Builder
	b.WriteString("usage: berth ecs wait <waiter-name> [parameters]\n\nWaiters:\n")
	for _, w := range waiters {
		fmt.Fprintf(&b, "  %-32s polls %s every %s, at most %d times\n", kebab(w.name), w.operation, w.delay, w.maxAttempts)
	}
	return b.String()
}

// opHelp describes one command: synopsis, then each option with its type
// and, for structures and lists, the shorthand and JSON syntax.
func opHelp(op *operation, command string, paginated bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "NAME\n    %s (%s)\n\nSYNOPSIS\n    %s\n", command, op.Name, command)
	hidden := pagingMembers(op, paginated)
	for _, p := range op.Params {
		if p.Member.Deprecated || hidden[p.Member.Name] {
			continue
		}
		flag := "--" + p.Flag + " <value>"
		if p.Shape.Type == "boolean" {
			flag = "--" + p.Flag + " | --no-" + p.Flag
		}
		if p.Member.Required {
			fmt.Fprintf(&b, "  %s\n", flag)
		} else {
			fmt.Fprintf(&b, "  [%s]\n", flag)
		}
	}
	b.WriteString("  [--cli-input-json <value>]\n  [--generate-cli-skeleton <value>]\n")
	if paginated {
		b.WriteString("  [--starting-token <value>]\n  [--page-size <value>]\n  [--max-items <value>]\n")
	}
	b.WriteString("\nOPTIONS\n")
	for _, p := range op.Params {
		if p.Member.Deprecated || hidden[p.Member.Name] {
			continue
		}
		fmt.Fprintf(&b, "\n--%s (%s)\n", p.Flag, displayType(p.Shape))
		optionSyntax(&b, p)
	}
	b.WriteString("\n--cli-input-json (string) the request as JSON, as --generate-cli-skeleton prints it;\n    flags given as well override its members. file://path reads it from a file.\n")
	b.WriteString("\n--generate-cli-skeleton (string) input (the default) prints a JSON skeleton of the request;\n    output validates the command line and prints a skeleton of the response.\n")
	return b.String()
}

func pagingMembers(op *operation, paginated bool) map[string]bool {
	hidden := make(map[string]bool)
	if p, ok := paginators[op.Name]; ok && paginated {
		hidden[p.inputToken] = true
		hidden[p.limitKey] = true
	}
	return hidden
}

func displayType(s ecsmodel.CLIShape) string {
	if s.Type == "enum" {
		return "string"
	}
	return s.Type
}

func optionSyntax(b *strings.Builder, p param) {
	s := p.Shape
	switch s.Type {
	case "enum":
		fmt.Fprintf(b, "    Possible values: %s\n", strings.Join(s.Enum, ", "))
	case "list":
		elem := shapeOf(s.Member)
		if isScalar(elem) {
			fmt.Fprintf(b, "    Syntax:\n        %s %s ...\n", scalarSyntax(elem), scalarSyntax(elem))
			return
		}
		if sh := shorthandSyntax(elem, false); sh != "" {
			fmt.Fprintf(b, "    Shorthand Syntax:\n        %s ...\n", sh)
		}
		fmt.Fprintf(b, "    JSON Syntax:\n%s\n", indentText(jsonSyntax(p.Member.Shape, 0), "        "))
	case "structure", "map":
		if sh := shorthandSyntax(s, true); sh != "" {
			fmt.Fprintf(b, "    Shorthand Syntax:\n        %s\n", sh)
		}
		fmt.Fprintf(b, "    JSON Syntax:\n%s\n", indentText(jsonSyntax(p.Member.Shape, 0), "        "))
	case "timestamp":
		b.WriteString("    Epoch seconds or ISO 8601 (2006-01-02T15:04:05Z).\n")
	}
}

func scalarSyntax(s ecsmodel.CLIShape) string {
	switch s.Type {
	case "enum":
		return `"` + strings.Join(s.Enum, `"|"`) + `"`
	case "string", "timestamp":
		return `"string"`
	}
	return s.Type
}

// jsonSyntax writes a shape as the aws CLI documentation's "JSON Syntax".
func jsonSyntax(shapeName string, depth int) string {
	s := shapeOf(shapeName)
	pad := strings.Repeat("  ", depth)
	if depth > 12 {
		return "{...}"
	}
	switch s.Type {
	case "structure":
		lines := make([]string, 0, len(s.Members))
		for _, m := range s.Members {
			lines = append(lines, fmt.Sprintf("%s  %q: %s", pad, m.Name, jsonSyntax(m.Shape, depth+1)))
		}
		return "{\n" + strings.Join(lines, ",\n") + "\n" + pad + "}"
	case "list":
		elem := shapeOf(s.Member)
		if isScalar(elem) {
			return "[" + scalarSyntax(elem) + ", ...]"
		}
		return "[\n" + pad + "  " + jsonSyntax(s.Member, depth+1) + "\n" + pad + "  ...\n" + pad + "]"
	case "map":
		return fmt.Sprintf("{\"%s\": %s\n%s  ...}", shapeOf(s.Key).Type, jsonSyntax(s.Value, depth+1), pad)
	case "document":
		return "{...}"
	}
	return scalarSyntax(s)
}

// shorthandSyntax writes a structure (or map) in shorthand, or "" when it
// holds a document or is too deep to be worth it. top is true for the
// flag's own value, where a list of scalars needs no brackets.
func shorthandSyntax(s ecsmodel.CLIShape, top bool) string {
	out, ok := shorthandOf(s, top, 0)
	if !ok || len(out) > 400 {
		return ""
	}
	return out
}

func shorthandOf(s ecsmodel.CLIShape, top bool, depth int) (string, bool) {
	if depth > 3 {
		return "", false
	}
	switch s.Type {
	case "structure":
		parts := make([]string, 0, len(s.Members))
		for _, m := range s.Members {
			v, ok := shorthandValue(shapeOf(m.Shape), top, depth)
			if !ok {
				return "", false
			}
			parts = append(parts, m.Name+"="+v)
		}
		return strings.Join(parts, ","), true
	case "map":
		v, ok := shorthandValue(shapeOf(s.Value), false, depth)
		return "KeyName1=" + v + ",KeyName2=" + v, ok
	}
	return "", false
}

func shorthandValue(s ecsmodel.CLIShape, top bool, depth int) (string, bool) {
	switch s.Type {
	case "structure", "map":
		inner, ok := shorthandOf(s, false, depth+1)
		return "{" + inner + "}", ok
	case "list":
		elem := shapeOf(s.Member)
		if isScalar(elem) {
			if top {
				return displayType(elem) + "," + displayType(elem), true
			}
			return "[" + displayType(elem) + "," + displayType(elem) + "]", true
		}
		inner, ok := shorthandOf(elem, false, depth+1)
		return "[{" + inner + "},{" + inner + "}]", ok
	case "document":
		return "", false
	}
	return displayType(s), true
}

func indentText(text, pad string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n")
}
