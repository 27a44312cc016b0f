package cli

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestEndToEndRunTask(t *testing.T) {
	isolateEnv(t)
	f := newFakeECS(t, answers(map[string]string{"RunTask": runTaskResponse}))
	res := runCLI(t, f, "run-task", "--cluster", "default", "--task-definition", "sleep360:1", "--count", "1")
	if res.code != 0 {
		t.Fatalf("exit code: got %d, want 0 (stderr %q)", res.code, res.stderr)
	}
	calls := f.recorded()
	if len(calls) != 1 || calls[0].Operation != "RunTask" {
		t.Fatalf("requests: got %+v, want one RunTask", calls)
	}
	body := calls[0].Body
	token, _ := body["clientToken"].(string)
	if !uuidPattern.MatchString(token) {
		t.Errorf("clientToken: got %q, want a UUID", token)
	}
	delete(body, "clientToken")
	if got, want := mustJSON(t, body), `{"cluster":"default","count":1,"taskDefinition":"sleep360:1"}`; got != want {
		t.Errorf("request body: got %s, want %s", got, want)
	}
	for _, want := range []string{
		"{\n    \"tasks\": [\n        {\n            \"clusterArn\": \"arn:aws:ecs:us-east-1:123:cluster/default\",",
		"\"createdAt\": \"2016-01-22T12:19:13.893000+00:00\",",
		"    \"failures\": []\n}\n",
	} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("stdout: got\n%s\nwant it to contain %q", res.stdout, want)
		}
	}
	if strings.Contains(res.stdout, "unknownMember") {
		t.Errorf("stdout shows a member the model does not know:\n%s", res.stdout)
	}
}

func TestEndToEndStartTaskQueryText(t *testing.T) {
	isolateEnv(t)
	f := newFakeECS(t, answers(map[string]string{"StartTask": runTaskResponse}))
	res := runCLI(t, f, "start-task", "--task-definition", "web", "--container-instances", "ci-1", "ci-2",
		"--network-configuration", "awsvpcConfiguration={subnets=[a,b],assignPublicIp=DISABLED}",
		"--overrides", `{"containerOverrides":[{"name":"web","environment":[{"name":"K","value":"V"}]}]}`,
		"--output", "text", "--query", "tasks[].[taskArn,lastStatus]")
	if res.code != 0 {
		t.Fatalf("exit code: got %d, want 0 (stderr %q)", res.code, res.stderr)
	}
	if got, want := res.stdout, "arn:aws:ecs:us-east-1:123:task/default/abc\tPENDING\n"; got != want {
		t.Errorf("stdout: got %q, want %q", got, want)
	}
	calls := f.recorded()
	if len(calls) != 1 {
		t.Fatalf("requests: got %d, want 1", len(calls))
	}
	want := `{"containerInstances":["ci-1","ci-2"],"networkConfiguration":{"awsvpcConfiguration":{"assignPublicIp":"DISABLED","subnets":["a","b"]}},"overrides":{"containerOverrides":[{"environment":[{"name":"K","value":"V"}],"name":"web"}]},"taskDefinition":"web"}`
	if got := mustJSON(t, calls[0].Body); got != want {
		t.Errorf("request body: got %s, want %s", got, want)
	}
}

func TestEndToEndServiceError(t *testing.T) {
	isolateEnv(t)
	f := newFakeECS(t, func(string, map[string]any, int) (int, string) {
		return http.StatusBadRequest, errorBody("ClusterNotFoundException", "Cluster not found.")
	})
	res := runCLI(t, f, "list-tasks", "--cluster", "nope")
	if res.code != exitService {
		t.Errorf("exit code: got %d, want %d", res.code, exitService)
	}
	if got, want := res.stderr, "An error occurred (ClusterNotFoundException) when calling the ListTasks operation: Cluster not found.\n"; got != want {
		t.Errorf("stderr: got %q, want %q", got, want)
	}
	if res.stdout != "" {
		t.Errorf("stdout: got %q, want nothing", res.stdout)
	}
}

func TestEndToEndNamespacedErrorCode(t *testing.T) {
	isolateEnv(t)
	f := newFakeECS(t, func(string, map[string]any, int) (int, string) {
		return http.StatusBadRequest, errorBody("com.amazonaws.ecs#ClientException:extra", "TaskDefinition not found.")
	})
	res := runCLI(t, f, "run-task", "--task-definition", "missing:1")
	if want := "An error occurred (ClientException) when calling the RunTask operation: TaskDefinition not found.\n"; res.stderr != want || res.code != exitService {
		t.Errorf("got %d %q, want %d %q", res.code, res.stderr, exitService, want)
	}
}

func TestEndToEndWrongSecretIsRejectedByTheServer(t *testing.T) {
	isolateEnv(t)
	t.Setenv(envSecretKey, "not-the-secret")
	f := newFakeECS(t, answers(map[string]string{"ListClusters": `{"clusterArns":[]}`}))
	res := runCLI(t, f, "list-clusters")
	if res.code != exitService || !strings.Contains(res.stderr, "(InvalidSignatureException)") {
		t.Errorf("got %d %q, want %d and InvalidSignatureException", res.code, res.stderr, exitService)
	}
}

func TestEndToEndBadInputMakesNoRequest(t *testing.T) {
	isolateEnv(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad shorthand", []string{"start-task", "--task-definition", "t", "--container-instances", "c", "--network-configuration", "awsvpcConfiguration={subnets=[a,b]"}, "Error parsing parameter '--network-configuration'"},
		{"unknown shorthand key", []string{"run-task", "--task-definition", "t", "--placement-strategy", "type=spread,feild=memory"}, `Unknown parameter in placementStrategy[0]: "feild"`},
		{"missing required flag", []string{"run-task", "--cluster", "c"}, "the following arguments are required: --task-definition"},
		{"invalid enum", []string{"run-task", "--task-definition", "t", "--launch-type", "SPACESHIP"}, "Member must satisfy enum value set"},
		{"unknown command", []string{"run-tasks"}, "Invalid choice 'run-tasks'"},
		{"bad output", []string{"list-clusters", "--output", "yaml"}, "argument --output: Invalid choice"},
		{"bad query", []string{"list-clusters", "--query", "clusterArns["}, "Bad value for --query"},
		{"bad integer", []string{"run-task", "--task-definition", "t", "--count", "ten"}, "expected an integer, received: 'ten'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeECS(t, answers(nil))
			res := runCLI(t, f, tt.args...)
			if res.code != exitUsage {
				t.Errorf("exit code: got %d, want %d", res.code, exitUsage)
			}
			if !strings.Contains(res.stderr, tt.want) {
				t.Errorf("stderr: got %q, want it to contain %q", res.stderr, tt.want)
			}
			if calls := f.recorded(); len(calls) != 0 {
				t.Errorf("requests: got %+v, want none", calls)
			}
		})
	}
}

func TestEndToEndPagination(t *testing.T) {
	isolateEnv(t)
	pages := map[string]string{
		"":   `{"taskArns":["t1","t2"],"nextToken":"p2"}`,
		"p2": `{"taskArns":["t3","t4"],"nextToken":"p3"}`,
		"p3": `{"taskArns":["t5"]}`,
	}
	answer := func(op string, body map[string]any, _ int) (int, string) {
		tok, _ := body["nextToken"].(string)
		return http.StatusOK, pages[tok]
	}
	tests := []struct {
		name      string
		args      []string
		wantOut   string
		wantCalls int
	}{
		{"all pages", []string{"list-tasks", "--output", "text"}, "TASKARNS\tt1\nTASKARNS\tt2\nTASKARNS\tt3\nTASKARNS\tt4\nTASKARNS\tt5\n", 3},
		{"no paginate", []string{"list-tasks", "--no-paginate", "--query", "nextToken"}, "\"p2\"\n", 1},
		{"explicit next token turns paging off", []string{"list-tasks", "--next-token", "p3", "--query", "taskArns", "--output", "text"}, "t5\n", 1},
		{"max items mid page", []string{"list-tasks", "--max-items", "3", "--query", "[taskArns, NextToken]", "--output", "json"},
			"[\n    [\n        \"t1\",\n        \"t2\",\n        \"t3\"\n    ],\n    \"" + pageToken{NextToken: "p2", TruncateAmount: 1}.encode() + "\"\n]\n", 2},
		{"resume from a starting token", []string{"list-tasks", "--starting-token", pageToken{NextToken: "p2", TruncateAmount: 1}.encode(), "--query", "taskArns", "--output", "text"}, "t4\tt5\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeECS(t, answer)
			res := runCLI(t, f, tt.args...)
			if res.code != 0 {
				t.Fatalf("exit code: got %d, want 0 (stderr %q)", res.code, res.stderr)
			}
			if res.stdout != tt.wantOut {
				t.Errorf("stdout: got %q, want %q", res.stdout, tt.wantOut)
			}
			if got := len(f.recorded()); got != tt.wantCalls {
				t.Errorf("requests: got %d, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestEndToEndPageSize(t *testing.T) {
	isolateEnv(t)
	f := newFakeECS(t, answers(map[string]string{"ListClusters": `{"clusterArns":["c1"]}`}))
	res := runCLI(t, f, "list-clusters", "--page-size", "7")
	if res.code != 0 {
		t.Fatalf("exit code: got %d (stderr %q)", res.code, res.stderr)
	}
	if got := f.recorded()[0].Body["maxResults"]; got != float64(7) {
		t.Errorf("maxResults: got %v, want 7", got)
	}
}

func TestEndToEndRetriesServerErrors(t *testing.T) {
	isolateEnv(t)
	t.Setenv("AWS_MAX_ATTEMPTS", "2")
	tests := []struct {
		name      string
		failures  int
		wantCode  int
		wantErr   string
		wantCalls int
	}{
		{"recovers", 1, 0, "", 2},
		{"gives up", 5, exitService, "An error occurred (ServerException) when calling the ListClusters operation (reached max retries: 1): internal\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeECS(t, func(_ string, _ map[string]any, n int) (int, string) {
				if n < tt.failures {
					return http.StatusInternalServerError, errorBody("ServerException", "internal")
				}
				return http.StatusOK, `{"clusterArns":[]}`
			})
			res := runCLI(t, f, "list-clusters")
			if res.code != tt.wantCode || res.stderr != tt.wantErr {
				t.Errorf("got %d %q, want %d %q", res.code, res.stderr, tt.wantCode, tt.wantErr)
			}
			if got := len(f.recorded()); got != tt.wantCalls {
				t.Errorf("requests: got %d, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestEndToEndEmptyResponsePrintsNothing(t *testing.T) {
	isolateEnv(t)
	f := newFakeECS(t, answers(map[string]string{"TagResource": `{}`}))
	res := runCLI(t, f, "tag-resource", "--resource-arn", "arn:aws:ecs:us-east-1:1:cluster/a", "--tags", "key=a,value=b")
	if res.code != 0 || res.stdout != "" {
		t.Errorf("got %d %q, want 0 and no output", res.code, res.stdout)
	}
}

func TestEndToEndConfiguration(t *testing.T) {
	t.Run("no region", func(t *testing.T) {
		isolateEnv(t)
		t.Setenv("AWS_REGION", "")
		f := newFakeECS(t, answers(nil))
		res := runCLI(t, f, "list-clusters")
		if res.code != exitConfig || !strings.Contains(res.stderr, "You must specify a region") {
			t.Errorf("got %d %q, want %d and a region message", res.code, res.stderr, exitConfig)
		}
	})
	t.Run("AWS_DEFAULT_REGION", func(t *testing.T) {
		isolateEnv(t)
		t.Setenv("AWS_REGION", "")
		t.Setenv("AWS_DEFAULT_REGION", testRegion)
		f := newFakeECS(t, answers(map[string]string{"ListClusters": `{"clusterArns":[]}`}))
		if res := runCLI(t, f, "list-clusters"); res.code != 0 {
			t.Errorf("got %d %q, want 0", res.code, res.stderr)
		}
	})
	t.Run("wrong region is refused by the signature check", func(t *testing.T) {
		isolateEnv(t)
		f := newFakeECS(t, answers(map[string]string{"ListClusters": `{"clusterArns":[]}`}))
		res := runCLI(t, f, "list-clusters", "--region", "eu-west-1")
		if res.code != exitService || !strings.Contains(res.stderr, "InvalidSignatureException") {
			t.Errorf("got %d %q, want %d InvalidSignatureException", res.code, res.stderr, exitService)
		}
	})
	t.Run("BERTH_ENDPOINT", func(t *testing.T) {
		isolateEnv(t)
		f := newFakeECS(t, answers(map[string]string{"ListClusters": `{"clusterArns":["c"]}`}))
		t.Setenv(envEndpoint, f.srv.URL)
		res := runCLI(t, nil, "list-clusters", "--output", "text")
		if res.code != 0 || res.stdout != "CLUSTERARNS\tc\n" {
			t.Errorf("got %d %q %q, want 0 and the cluster", res.code, res.stdout, res.stderr)
		}
	})
	t.Run("AWS_ENDPOINT_URL_ECS and AWS credentials from the environment", func(t *testing.T) {
		isolateEnv(t)
		f := newFakeECS(t, answers(map[string]string{"ListClusters": `{"clusterArns":["c"]}`}))
		t.Setenv("AWS_ENDPOINT_URL_ECS", f.srv.URL)
		t.Setenv(envAccessKey, "")
		t.Setenv(envSecretKey, "")
		t.Setenv("AWS_ACCESS_KEY_ID", testAccessKey)
		t.Setenv("AWS_SECRET_ACCESS_KEY", testSecret)
		if res := runCLI(t, nil, "list-clusters"); res.code != 0 {
			t.Errorf("got %d %q, want 0", res.code, res.stderr)
		}
	})
	t.Run("unreachable endpoint", func(t *testing.T) {
		isolateEnv(t)
		t.Setenv("AWS_MAX_ATTEMPTS", "1")
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		res := runCLI(t, nil, "list-clusters", "--endpoint-url", "http://"+addr)
		if res.code != exitOther || !strings.Contains(res.stderr, fmt.Sprintf("Could not connect to the endpoint URL: \"http://%s/\"", addr)) {
			t.Errorf("got %d %q, want %d and a connection message", res.code, res.stderr, exitOther)
		}
	})
}

func TestEndToEndSkeletonsMakeNoRequest(t *testing.T) {
	isolateEnv(t)
	f := newFakeECS(t, answers(nil))
	in := runCLI(t, f, "run-task", "--generate-cli-skeleton")
	if in.code != 0 || !strings.HasPrefix(in.stdout, "{\n    \"capacityProviderStrategy\": [\n") {
		t.Errorf("input skeleton: got %d %q", in.code, in.stdout[:min(80, len(in.stdout))])
	}
	out := runCLI(t, f, "start-task", "--generate-cli-skeleton", "output", "--task-definition", "t", "--container-instances", "c")
	if out.code != 0 || !strings.Contains(out.stdout, "\"failures\": [\n        {\n            \"arn\": \"\",") {
		t.Errorf("output skeleton: got %d %q", out.code, out.stdout)
	}
	missing := runCLI(t, f, "start-task", "--generate-cli-skeleton", "output", "--task-definition", "t")
	if missing.code != exitUsage || !strings.Contains(missing.stderr, "--container-instances") {
		t.Errorf("output skeleton without required flags: got %d %q, want %d", missing.code, missing.stderr, exitUsage)
	}
	if calls := f.recorded(); len(calls) != 0 {
		t.Errorf("requests: got %d, want none", len(calls))
	}
	// The input skeleton goes back in as --cli-input-json; its empty
	// strings then fail the model's validation, before any request.
	if !strings.Contains(in.stdout, `"launchType": "EC2"`) {
		t.Fatalf("skeleton launchType: want the first enum value EC2 in %s", in.stdout)
	}
	filled := strings.Replace(in.stdout, `"taskDefinition": ""`, `"taskDefinition": "t:1"`, 1)
	res := runCLI(t, f, "run-task", "--cli-input-json", filled)
	if res.code != exitUsage || !strings.Contains(res.stderr, "Parameter validation failed") {
		t.Errorf("skeleton with empty strings: got %d %q, want the model's validation errors", res.code, res.stderr)
	}
	if calls := f.recorded(); len(calls) != 0 {
		t.Errorf("requests: got %d, want none", len(calls))
	}
}

func TestMainHelp(t *testing.T) {
	isolateEnv(t)
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), []string{"help"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("help: got %d, want 0", code)
	}
	if !strings.Contains(stdout.String(), "  run-task\n") || !strings.Contains(stdout.String(), "  wait\n") {
		t.Errorf("help: got %q, want the command list", stdout.String())
	}
	stdout.Reset()
	if code := Main(context.Background(), []string{"start-task", "help"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("start-task help: got %d, want 0", code)
	}
	for _, want := range []string{
		"  --task-definition <value>\n",
		"  [--enable-ecs-managed-tags | --no-enable-ecs-managed-tags]\n",
		"awsvpcConfiguration={subnets=[string,string],securityGroups=[string,string],assignPublicIp=string}",
		"\"assignPublicIp\": \"ENABLED\"|\"DISABLED\"",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("start-task help lacks %q:\n%s", want, stdout.String())
		}
	}
	if code := Main(context.Background(), nil, strings.NewReader(""), &stdout, &stderr); code != exitUsage {
		t.Errorf("no command: got %d, want %d", code, exitUsage)
	}
}
