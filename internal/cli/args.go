package cli

import (
	"strconv"
	"strings"
)

// globalOptions are the options every command takes, anywhere on the
// command line, named as the aws CLI names them.
type globalOptions struct {
	output         string // json (default), text or table
	query          string // JMESPath applied to the response
	region         string
	profile        string
	endpointURL    string
	caBundle       string
	readTimeout    string // seconds; 0 means none
	connectTimeout string // seconds; 0 means none
	debug          bool
	noVerifySSL    bool
	noSignRequest  bool
	noPaginate     bool
}

// globalTakesValue lists the global options and whether each takes a value.
// --no-cli-pager, --color and --cli-binary-format are accepted and ignored.
var globalTakesValue = map[string]bool{
	"output": true, "query": true, "region": true, "profile": true,
	"endpoint-url": true, "ca-bundle": true, "cli-read-timeout": true,
	"cli-connect-timeout": true, "color": true, "cli-binary-format": true,
	"debug": false, "no-verify-ssl": false, "no-sign-request": false,
	"no-paginate": false, "no-cli-pager": false,
}

// splitGlobals takes the global options out of args and returns them with
// the remaining words in order.
func splitGlobals(args []string) (globalOptions, []string, error) {
	var g globalOptions
	var rest []string
	for i := 0; i < len(args); i++ {
		name, inline, hasInline := splitFlag(args[i])
		takesValue, global := globalTakesValue[name]
		if !global {
			rest = append(rest, args[i])
			continue
		}
		value := ""
		if takesValue {
			switch {
			case hasInline:
				value = inline
			case i+1 < len(args) && !strings.HasPrefix(args[i+1], "--"):
				i++
				value = args[i]
			default:
				return g, nil, usagef("argument --%s: expected one argument", name)
			}
		} else if hasInline {
			return g, nil, usagef("argument --%s: ignored explicit argument '%s'", name, inline)
		}
		if err := g.set(name, value); err != nil {
			return g, nil, err
		}
	}
	return g, rest, nil
}

func (g *globalOptions) set(name, value string) error {
	switch name {
	case "output":
		switch value {
		case "json", "text", "table":
		default:
			return usagef("argument --output: Invalid choice, valid choices are:\n\njson                                     | text\ntable")
		}
		g.output = value
	case "query":
		g.query = value
	case "region":
		g.region = value
	case "profile":
		g.profile = value
	case "endpoint-url":
		g.endpointURL = value
	case "ca-bundle":
		g.caBundle = value
	case "cli-read-timeout", "cli-connect-timeout":
		if _, err := strconv.ParseFloat(value, 64); err != nil {
			return usagef("argument --%s: invalid int value: '%s'", name, value)
		}
		if name == "cli-read-timeout" {
			g.readTimeout = value
		} else {
			g.connectTimeout = value
		}
	case "debug":
		g.debug = true
	case "no-verify-ssl":
		g.noVerifySSL = true
	case "no-sign-request":
		g.noSignRequest = true
	case "no-paginate":
		g.noPaginate = true
	}
	return nil
}

// splitFlag splits "--name=value" into name, value; ok is false when there
// is no "=". A word that is not a flag gives an empty name.
func splitFlag(word string) (name, value string, ok bool) {
	rest, isFlag := strings.CutPrefix(word, "--")
	if !isFlag || rest == "" {
		return "", "", false
	}
	name, value, ok = strings.Cut(rest, "=")
	return name, value, ok
}

// opArgs is a parsed operation command line.
type opArgs struct {
	values       map[string][]string // words given to each non-boolean flag
	bools        map[string]bool     // boolean flags: --x true, --no-x false
	cliInputJSON string
	hasInputJSON bool
	skeleton     string // "", "input" or "output"
	help         bool
	paging       pagingArgs
}

// pagingArgs are the pagination flags of paginated operations.
type pagingArgs struct {
	startingToken string
	pageSize      int
	maxItems      int
}

// parseOpArgs reads the words after the command name. paginated adds the
// --starting-token, --page-size and --max-items flags.
func parseOpArgs(op *operation, words []string, paginated bool) (*opArgs, error) {
	a := &opArgs{values: make(map[string][]string), bools: make(map[string]bool)}
	var unknown []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if i == 0 && w == "help" {
			a.help = true
			return a, nil
		}
		name, inline, hasInline := splitFlag(w)
		if name == "" {
			unknown = append(unknown, w)
			continue
		}
		// one returns the flag's single value.
		one := func() (string, error) {
			if hasInline {
				return inline, nil
			}
			if i+1 < len(words) && !strings.HasPrefix(words[i+1], "--") {
				i++
				return words[i], nil
			}
			return "", usagef("argument --%s: expected one argument", name)
		}
		switch {
		case name == "cli-input-json":
			v, err := one()
			if err != nil {
				return nil, err
			}
			a.cliInputJSON, a.hasInputJSON = v, true
			continue
		case name == "generate-cli-skeleton":
			v := "input"
			if hasInline {
				v = inline
			} else if i+1 < len(words) && !strings.HasPrefix(words[i+1], "--") {
				i++
				v = words[i]
			}
			if v != "input" && v != "output" {
				return nil, usagef("argument --generate-cli-skeleton: invalid choice: '%s' (choose from 'input', 'output')", v)
			}
			a.skeleton = v
			continue
		case paginated && (name == "starting-token" || name == "page-size" || name == "max-items"):
			v, err := one()
			if err != nil {
				return nil, err
			}
			if err := a.paging.set(name, v); err != nil {
				return nil, err
			}
			continue
		}
		if p, ok := op.param(name); ok && p.Shape.Type == "boolean" {
			if hasInline {
				return nil, usagef("argument --%s: ignored explicit argument '%s'", name, inline)
			}
			a.bools[name] = true
			continue
		}
		if base, ok := strings.CutPrefix(name, "no-"); ok {
			if p, ok := op.param(base); ok && p.Shape.Type == "boolean" && !hasInline {
				a.bools[base] = false
				continue
			}
		}
		p, ok := op.param(name)
		if !ok {
			unknown = append(unknown, w)
			continue
		}
		if p.Shape.Type == "list" {
			var vals []string
			if hasInline {
				vals = append(vals, inline)
			}
			for i+1 < len(words) && !strings.HasPrefix(words[i+1], "--") {
				i++
				vals = append(vals, words[i])
			}
			if len(vals) == 0 {
				return nil, usagef("argument --%s: expected at least one argument", name)
			}
			a.values[name] = vals
			continue
		}
		v, err := one()
		if err != nil {
			return nil, err
		}
		a.values[name] = []string{v}
	}
	if len(unknown) > 0 {
		return nil, usagef("Unknown options: %s", strings.Join(unknown, ", "))
	}
	return a, nil
}

func (p *pagingArgs) set(name, value string) error {
	if name == "starting-token" {
		p.startingToken = value
		return nil
	}
	n, err := strconv.Atoi(value)
	if err != nil || n <= 0 {
		return usagef("argument --%s: invalid int value: '%s'", name, value)
	}
	if name == "page-size" {
		p.pageSize = n
	} else {
		p.maxItems = n
	}
	return nil
}

// missingRequired returns the required flags a command line lacks, in
// model order, as argparse reports them.
func missingRequired(op *operation, a *opArgs) []string {
	var missing []string
	for _, p := range op.Params {
		if !p.Member.Required {
			continue
		}
		_, given := a.values[p.Flag]
		_, givenBool := a.bools[p.Flag]
		if !given && !givenBool {
			missing = append(missing, "--"+p.Flag)
		}
	}
	return missing
}
