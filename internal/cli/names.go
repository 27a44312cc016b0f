package cli

import (
	"regexp"
	"strings"
)

var (
	// A capital followed by lower-case letters starts a word: "TaskDefinition".
	wordStart = regexp.MustCompile(`(.)([A-Z][a-z]+)`)
	// A lower-case letter or digit followed by a capital ends a word: "ecsA".
	wordEnd = regexp.MustCompile(`([a-z0-9])([A-Z])`)
	// A plural acronym at the end is one word: "taskARNs" -> "task-arns".
	pluralAcronym = regexp.MustCompile(`[A-Z]{2,}s$`)
)

// Splits the rules above make that the aws CLI undoes, so "ipv6Address"
// stays "ipv6-address" rather than "ipv-6-address".
var partialRenames = []struct{ from, to string }{
	{"ipv-4", "ipv4"},
	{"ipv-6", "ipv6"},
	{"ec-2", "ec2"},
	{"s-3", "s3"},
}

// kebab converts a model name to the name the aws CLI gives it:
// RunTask -> run-task, enableECSManagedTags -> enable-ecs-managed-tags.
func kebab(name string) string {
	if strings.Contains(name, "-") {
		return name
	}
	if m := pluralAcronym.FindString(name); m != "" {
		name = name[:len(name)-len(m)] + "-" + strings.ToLower(m)
	}
	s := wordStart.ReplaceAllString(name, "${1}-${2}")
	s = strings.ToLower(wordEnd.ReplaceAllString(s, "${1}-${2}"))
	for _, r := range partialRenames {
		s = strings.ReplaceAll(s, r.from, r.to)
	}
	return s
}
