package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// buildFor parses a command line as `berth ecs <command> args...` would and
// returns the request body it would send, decoded, without clientToken
// (random) after checking that it is a UUID when the operation has one.
func buildFor(t *testing.T, command string, args ...string) (map[string]any, error) {
	t.Helper()
	op := newOperationTable()[command]
	if op == nil {
		t.Fatalf("no command %s", command)
	}
	a, err := parseOpArgs(op, args, false)
	if err != nil {
		return nil, err
	}
	if missing := missingRequired(op, a); len(missing) > 0 && !a.hasInputJSON {
		return nil, usagef("missing %v", missing)
	}
	body, err := buildRequest(op, a)
	if err != nil {
		return nil, err
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("request body %s: %v", body, err)
	}
	if tok, ok := got["clientToken"]; ok && command == "run-task" && !strings.Contains(strings.Join(args, " "), "client-token") {
		if !uuidPattern.MatchString(tok.(string)) {
			t.Errorf("clientToken: got %q, want a random UUID", tok)
		}
		delete(got, "clientToken")
	}
	return got, nil
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func decodeWant(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("want %s: %v", s, err)
	}
	return m
}

func TestBuildRequestSeedCommands(t *testing.T) {
	overridesFile := filepath.Join(t.TempDir(), "overrides.json")
	if err := os.WriteFile(overridesFile, []byte(`{"containerOverrides":[{"name":"sleep","command":["sleep","60"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		command string
		args    []string
		want    string
	}{
		{"run-task seed", "run-task", []string{"--cluster", "default", "--task-definition", "sleep360:1", "--count", "1"},
			`{"cluster":"default","taskDefinition":"sleep360:1","count":1}`},
		{"flag=value form", "run-task", []string{"--cluster=default", "--task-definition=sleep360:1"},
			`{"cluster":"default","taskDefinition":"sleep360:1"}`},
		{"start-task with container instances", "start-task", []string{"--cluster", "default", "--task-definition", "sleep360:1", "--container-instances", "ci-1", "ci-2", "--started-by", "me", "--group", "g"},
			`{"cluster":"default","taskDefinition":"sleep360:1","containerInstances":["ci-1","ci-2"],"startedBy":"me","group":"g"}`},
		{"network configuration shorthand", "start-task", []string{"--task-definition", "web", "--container-instances", "ci-1",
			"--network-configuration", "awsvpcConfiguration={subnets=[subnet-a,subnet-b],securityGroups=[sg-1],assignPublicIp=ENABLED}"},
			`{"taskDefinition":"web","containerInstances":["ci-1"],"networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-a","subnet-b"],"securityGroups":["sg-1"],"assignPublicIp":"ENABLED"}}}`},
		{"network configuration JSON", "start-task", []string{"--task-definition", "web", "--container-instances", "ci-1",
			"--network-configuration", `{"awsvpcConfiguration":{"subnets":["s"]}}`},
			`{"taskDefinition":"web","containerInstances":["ci-1"],"networkConfiguration":{"awsvpcConfiguration":{"subnets":["s"]}}}`},
		{"placement strategy shorthand, two words", "run-task", []string{"--task-definition", "web",
			"--placement-strategy", "type=spread,field=attribute:ecs.availability-zone", "type=binpack,field=memory"},
			`{"taskDefinition":"web","placementStrategy":[{"type":"spread","field":"attribute:ecs.availability-zone"},{"type":"binpack","field":"memory"}]}`},
		{"placement strategy JSON array", "run-task", []string{"--task-definition", "web",
			"--placement-strategy", `[{"type":"random"}]`},
			`{"taskDefinition":"web","placementStrategy":[{"type":"random"}]}`},
		{"list element as JSON object", "run-task", []string{"--task-definition", "web", "--tags", `{"key":"a","value":"b"}`},
			`{"taskDefinition":"web","tags":[{"key":"a","value":"b"}]}`},
		{"tags shorthand", "run-task", []string{"--task-definition", "web", "--tags", "key=k,value=v", "key=k2,value=v2"},
			`{"taskDefinition":"web","tags":[{"key":"k","value":"v"},{"key":"k2","value":"v2"}]}`},
		{"overrides JSON", "run-task", []string{"--task-definition", "web", "--overrides",
			`{"containerOverrides":[{"name":"sleep","command":["sleep","60"],"cpu":128,"environment":[{"name":"A","value":"1"}]}],"taskRoleArn":"arn:aws:iam::1:role/r"}`},
			`{"taskDefinition":"web","overrides":{"containerOverrides":[{"name":"sleep","command":["sleep","60"],"cpu":128,"environment":[{"name":"A","value":"1"}]}],"taskRoleArn":"arn:aws:iam::1:role/r"}}`},
		{"overrides shorthand types numbers by the model", "run-task", []string{"--task-definition", "web", "--overrides",
			"containerOverrides=[{name=a,cpu=256,memory=512}],cpu=1024"},
			`{"taskDefinition":"web","overrides":{"containerOverrides":[{"name":"a","cpu":256,"memory":512}],"cpu":"1024"}}`},
		{"overrides from a file", "run-task", []string{"--task-definition", "web", "--overrides", "file://" + overridesFile},
			`{"taskDefinition":"web","overrides":{"containerOverrides":[{"name":"sleep","command":["sleep","60"]}]}}`},
		{"booleans", "run-task", []string{"--task-definition", "web", "--enable-ecs-managed-tags", "--no-enable-execute-command"},
			`{"taskDefinition":"web","enableECSManagedTags":true,"enableExecuteCommand":false}`},
		{"last boolean wins", "run-task", []string{"--task-definition", "web", "--enable-ecs-managed-tags", "--no-enable-ecs-managed-tags"},
			`{"taskDefinition":"web","enableECSManagedTags":false}`},
		{"list of scalars keeps commas", "describe-tasks", []string{"--tasks", "a,b", "c"},
			`{"tasks":["a,b","c"]}`},
		{"list of scalars as JSON", "describe-tasks", []string{"--tasks", `["a","b"]`, "--include", "TAGS"},
			`{"tasks":["a","b"],"include":["TAGS"]}`},
		{"explicit client token", "run-task", []string{"--task-definition", "web", "--client-token", "tok-1"},
			`{"taskDefinition":"web","clientToken":"tok-1"}`},
		{"cli-input-json with a flag on top", "run-task", []string{"--cli-input-json", `{"cluster":"a","taskDefinition":"t","count":2}`, "--count", "3"},
			`{"cluster":"a","taskDefinition":"t","count":3}`},
		{"capacity provider strategy", "run-task", []string{"--task-definition", "web", "--capacity-provider-strategy", "capacityProvider=cp,weight=1,base=2"},
			`{"taskDefinition":"web","capacityProviderStrategy":[{"capacityProvider":"cp","weight":1,"base":2}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := buildFor(t, tt.command, tt.args...)
			if err != nil {
				t.Fatalf("got error %v, want %s", err, tt.want)
			}
			if g, w := mustJSON(t, got), mustJSON(t, decodeWant(t, tt.want)); g != w {
				t.Errorf("got %s, want %s", g, w)
			}
		})
	}
}

func TestBuildRequestErrors(t *testing.T) {
	tests := []struct {
		name    string
		command string
		args    []string
		want    string // a substring of the message
	}{
		{"bad shorthand", "start-task", []string{"--task-definition", "t", "--container-instances", "c", "--network-configuration", "awsvpcConfiguration={subnets=[a,b]"},
			"Error parsing parameter '--network-configuration': Expected: '}', received: 'EOF'"},
		{"unknown shorthand key", "run-task", []string{"--task-definition", "t", "--tags", "key=a,valu=b"},
			`Unknown parameter in tags[0]: "valu", must be one of: key, value`},
		{"integer flag", "run-task", []string{"--task-definition", "t", "--count", "abc"},
			"Error parsing parameter '--count': expected an integer, received: 'abc'"},
		{"integer out of range", "run-task", []string{"--task-definition", "t", "--overrides", `{"containerOverrides":[{"cpu":99999999999}]}`},
			"Invalid range for parameter overrides.containerOverrides[0].cpu"},
		{"JSON string where an integer belongs", "run-task", []string{"--task-definition", "t", "--overrides", `{"containerOverrides":[{"name":"a","cpu":"1"}]}`},
			`Invalid type for parameter overrides.containerOverrides[0].cpu, value: "1", type: string, valid types: integer`},
		{"bad JSON", "run-task", []string{"--task-definition", "t", "--overrides", "{bad json"},
			"Error parsing parameter '--overrides': Invalid JSON:"},
		{"enum checked by Validate", "run-task", []string{"--task-definition", "t", "--launch-type", "FOO"},
			"Value 'FOO' at 'launchType' failed to satisfy constraint: Member must satisfy enum value set"},
		{"model range checked by Validate", "run-task", []string{"--task-definition", "t", "--capacity-provider-strategy", "capacityProvider=cp,weight=5000"},
			"Member must have value less than or equal to 1000"},
		{"nested required member", "run-task", []string{"--task-definition", "t", "--network-configuration", "awsvpcConfiguration={assignPublicIp=ENABLED}"},
			`Missing required parameter in networkConfiguration.awsvpcConfiguration: "subnets"`},
		{"required member missing from cli-input-json", "run-task", []string{"--cli-input-json", `{"cluster":"a"}`},
			`Missing required parameter in input: "taskDefinition"`},
		{"unknown member in cli-input-json", "run-task", []string{"--cli-input-json", `{"taskDefinition":"t","bogus":1}`},
			`Unknown parameter in input: "bogus"`},
		{"missing paramfile", "run-task", []string{"--task-definition", "t", "--overrides", "file:///nonexistent/x.json"},
			"Unable to load paramfile file:///nonexistent/x.json"},
		{"unknown option", "run-task", []string{"--task-definition", "t", "--bogus", "x"},
			"Unknown options: --bogus, x"},
		{"flag without its value", "run-task", []string{"--started-by", "--task-definition", "t"},
			"argument --started-by: expected one argument"},
		{"boolean with a value", "run-task", []string{"--task-definition", "t", "--enable-ecs-managed-tags=yes"},
			"ignored explicit argument 'yes'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := buildFor(t, tt.command, tt.args...)
			if err == nil {
				t.Fatalf("got request %v, want error containing %q", got, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %q, want it to contain %q", err.Error(), tt.want)
			}
			if code := exitCode(err); code != exitUsage {
				t.Errorf("exit code: got %d, want %d", code, exitUsage)
			}
		})
	}
}

func TestMissingRequiredFlags(t *testing.T) {
	op := newOperationTable()["start-task"]
	a, err := parseOpArgs(op, []string{"--cluster", "c"}, false)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(missingRequired(op, a), ", ")
	if want := "--container-instances, --task-definition"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
