package logscli

import (
	"errors"
	"fmt"
	"strings"
)

// options is a parsed command line.
type options struct {
	task        string
	cluster     string
	container   string
	follow      bool
	endpointURL string
	region      string
	profile     string
	caBundle    string
	noVerifySSL bool
}

// errHelp asks for the usage text.
var errHelp = errors.New("help requested")

// takesValue lists the long options and whether each takes a value.
var takesValue = map[string]bool{
	"cluster": true, "container": true, "endpoint-url": true, "region": true,
	"profile": true, "ca-bundle": true, "follow": false, "no-verify-ssl": false, "help": false,
}

// parseArgs reads options (anywhere on the line, "--name value" or
// "--name=value") and the one TASK; "--" ends the options.
func parseArgs(args []string) (options, error) {
	var o options
	var positional []string
	for i := 0; i < len(args); i++ {
		word := args[i]
		switch {
		case word == "--":
			positional = append(positional, args[i+1:]...)
			i = len(args)
			continue
		case word == "-f":
			o.follow = true
			continue
		case word == "-h":
			return o, errHelp
		case !strings.HasPrefix(word, "--"):
			positional = append(positional, word)
			continue
		}
		name, value, inline := strings.Cut(word[2:], "=")
		wants, known := takesValue[name]
		switch {
		case !known:
			return o, fmt.Errorf("unknown option --%s", name)
		case wants && !inline:
			if i+1 >= len(args) || strings.HasPrefix(args[i+1], "--") {
				return o, fmt.Errorf("option --%s needs a value", name)
			}
			i++
			value = args[i]
		case !wants && inline:
			return o, fmt.Errorf("option --%s takes no value", name)
		}
		if name == "help" {
			return o, errHelp
		}
		o.set(name, value)
	}
	switch len(positional) {
	case 0:
		return o, errors.New("the task (ID or ARN) is required")
	case 1:
		o.task = positional[0]
	default:
		return o, fmt.Errorf("one task only, got %d: %s", len(positional), strings.Join(positional, " "))
	}
	return o, nil
}

func (o *options) set(name, value string) {
	switch name {
	case "cluster":
		o.cluster = value
	case "container":
		o.container = value
	case "follow":
		o.follow = true
	case "endpoint-url":
		o.endpointURL = value
	case "region":
		o.region = value
	case "profile":
		o.profile = value
	case "ca-bundle":
		o.caBundle = value
	case "no-verify-ssl":
		o.noVerifySSL = true
	}
}
