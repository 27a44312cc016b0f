package reliability

import (
	"fmt"
	"slices"
	"strings"
)

// malformedDocs are bodies that are not one JSON object of the right
// shape: syntax errors, values that are not objects, numbers JSON or Go
// cannot hold, bad escapes and control characters, nesting past any
// sane depth.
var malformedDocs = []struct{ name, body string }{
	// {"count":1e999} is well-formed JSON: only RunTask, whose count is an
	// integer, must refuse it (the others ignore an unknown member).
	{"lone open brace", `{`},
	{"lone close brace", `}`},
	{"object as key", `{{}}`},
	{"key without value", `{"cluster"}`},
	{"colon without value", `{"cluster":}`},
	{"trailing comma", `{"cluster":"bad",}`},
	{"lone comma", `{,}`},
	{"single quotes", `{'cluster':'bad'}`},
	{"bare key", `{cluster:"bad"}`},
	{"extra close brace", `{"cluster":"bad"}}`},
	{"two objects", `{"cluster":"bad"} {}`},
	{"missing comma", `{"cluster":"bad" "count":1}`},
	{"leading zero", `{"count":01}`},
	{"plus sign", `{"count":+1}`},
	{"NaN", `{"count":NaN}`},
	{"Infinity", `{"count":Infinity}`},
	{"lone minus", `{"count":-}`},
	{"hex number", `{"count":0x1}`},
	{"invalid escape", `{"cluster":"\x41"}`},
	{"short unicode escape", `{"cluster":"\u12"}`},
	{"raw control character", "{\"cluster\":\"a\x01b\"}"},
	{"raw NUL", "{\"cluster\":\"a\x00b\"}"},
	{"raw newline in string", "{\"cluster\":\"a\nb\"}"},
	{"unterminated list", `{"tags":[{"key":"a"},}`},
	{"unterminated string", `{"cluster":"bad`},
	{"misspelled true", `{"enableExecuteCommand":tru}`},
	{"misspelled null", `{"cluster":nul}`},
	{"block comment", `{"cluster":"bad"/* c */}`},
	{"line comment", "// c\n{}"},
	{"byte order mark", "\xef\xbb\xbf{}"},
	{"array body", `[]`},
	{"array of object", `[{"cluster":"bad"}]`},
	{"string body", `"bad"`},
	{"number body", `42`},
	{"null body", `null`},
	{"true body", `true`},
	{"deep nesting", `{"tags":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`},
	{"deep object nesting", strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000)},
	{"form encoded", `cluster=bad&count=1`},
	{"xml", `<RunTask><cluster>bad</cluster></RunTask>`},
}

// malformedOps are the operations each malformed document is sent to.
var malformedOps = []string{"RunTask", "StartTask", "StopTask", "RegisterTaskDefinition", "CreateCluster", "RegisterContainerInstance"}

// malformedCases sends each malformed document to each operation, and
// every prefix of the valid bodies of truncateOps (a body cut off at each
// byte). All must fail with SerializationException.
func malformedCases(valid map[string]map[string]any, truncateOps []string) []badCase {
	var cases []badCase
	for _, op := range malformedOps {
		for _, d := range malformedDocs {
			cases = append(cases, badCase{
				group: "malformed JSON", name: fmt.Sprintf("%s: %s", op, d.name),
				spec: reqSpec{target: target(op), body: []byte(d.body)}, wantCode: "SerializationException",
			})
		}
	}
	cases = append(cases, badCase{group: "malformed JSON", name: "RunTask: count 1e999",
		spec: reqSpec{target: target("RunTask"), body: []byte(`{"taskDefinition":"bad-app","count":1e999}`)}, wantCode: "SerializationException"})
	for _, op := range truncateOps {
		body := mustJSON(valid[op])
		for n := 1; n < len(body); n++ {
			cases = append(cases, badCase{
				group: "truncated JSON", name: fmt.Sprintf("%s cut after %d of %d bytes: %q", op, n, len(body), body[:n]),
				spec: reqSpec{target: target(op), body: []byte(body[:n])}, wantCode: "SerializationException",
			})
		}
	}
	return cases
}

// sortedOps returns the keys of valid, sorted.
func sortedOps(valid map[string]map[string]any) []string {
	var ops []string
	for op := range valid {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	return ops
}
