package logsapi_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/logsapi"
	"github.com/berth-io/berth/internal/logsapi/logsapitest"
	"github.com/berth-io/berth/internal/sigv4"
)

// get sends GET Path with query q, signed with secret ("" for unsigned).
func get(t *testing.T, env *logsapitest.Env, method string, q url.Values, secret string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, env.URL+logsapi.Path+"?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if secret != "" {
		sigv4.Sign(req, nil, logsapitest.AccessKeyID, secret, logsapitest.Region, "ecs", time.Now())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET logs: %v", err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// query builds the query of a logs request; empty values are left out.
func query(cluster, task, container, follow string) url.Values {
	q := url.Values{}
	for k, v := range map[string]string{
		logsapi.ParamCluster: cluster, logsapi.ParamTask: task, logsapi.ParamContainer: container, logsapi.ParamFollow: follow,
	} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// ecsError decodes an ECS error response.
func ecsError(t *testing.T, resp *http.Response) (code, message string) {
	t.Helper()
	var body struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("decode error body: %v", err)
	}
	if h := resp.Header.Get("X-Amzn-ErrorType"); h != body.Type {
		t.Fatalf("X-Amzn-ErrorType: got %q, want %q as in the body", h, body.Type)
	}
	return body.Type, body.Message
}

func TestLogsRequests(t *testing.T) {
	env := logsapitest.Start(t)
	// Both tasks write and exit, so their whole output is there once they
	// have stopped; the logs stay readable after that.
	env.RunTask(t, "one", logsapitest.Writers(t, logsapitest.Output{Name: "app", Stdout: "hello from app\n", Stderr: "app warns\n"})...)
	env.WaitStopped(t, "one")
	env.RunTask(t, "two", logsapitest.Writers(t,
		logsapitest.Output{Name: "a", Stdout: "from a\n"},
		logsapitest.Output{Name: "b", Stdout: "from b\n"})...)
	env.WaitStopped(t, "two")

	tests := []struct {
		name       string
		method     string
		q          url.Values
		secret     string
		wantStatus int
		wantBody   string
		wantCode   string
		wantInMsg  string
	}{
		{name: "only container by task id", q: query("", "one", "", ""),
			wantStatus: 200, wantBody: "hello from app\napp warns\n"},
		{name: "cluster and task by ARN, container named", q: query(logsapitest.ClusterArn, logsapitest.TaskArn("one"), "app", "false"),
			wantStatus: 200, wantBody: "hello from app\napp warns\n"},
		{name: "one of several containers", q: query("default", "two", "b", ""), wantStatus: 200, wantBody: "from b\n"},
		{name: "several containers, none named", q: query("", "two", "", ""),
			wantStatus: 400, wantCode: ecs.CodeInvalidParameter, wantInMsg: "2 containers (a, b)"},
		{name: "unknown task", q: query("", "nope", "", ""), wantStatus: 404, wantCode: ecs.CodeResourceNotFound},
		{name: "unknown cluster", q: query("other", "one", "", ""), wantStatus: 404, wantCode: ecs.CodeClusterNotFound},
		{name: "unknown container", q: query("", "one", "db", ""),
			wantStatus: 404, wantCode: ecs.CodeResourceNotFound, wantInMsg: `no container named "db"`},
		{name: "no task", q: query("", "", "", ""), wantStatus: 400, wantCode: ecs.CodeInvalidParameter, wantInMsg: "task is required"},
		{name: "bad follow", q: query("", "one", "", "sometimes"), wantStatus: 400, wantCode: ecs.CodeInvalidParameter, wantInMsg: "follow"},
		{name: "wrong signature", q: query("", "one", "", ""), secret: "not-the-secret",
			wantStatus: 400, wantCode: sigv4.CodeInvalidSignature},
		{name: "unsigned", q: query("", "one", "", ""), secret: "-",
			wantStatus: 400, wantCode: sigv4.CodeMissingAuthenticationToken},
		{name: "POST", method: http.MethodPost, q: query("", "one", "", ""), wantStatus: 405, wantCode: ecs.CodeClient},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method, secret := tc.method, tc.secret
			if method == "" {
				method = http.MethodGet
			}
			switch secret {
			case "":
				secret = logsapitest.SecretAccessKey
			case "-":
				secret = ""
			}
			resp := get(t, env, method, tc.q, secret)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status: got %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			if tc.wantCode != "" {
				code, msg := ecsError(t, resp)
				if code != tc.wantCode || !strings.Contains(msg, tc.wantInMsg) {
					t.Fatalf("error: got %s %q, want %s containing %q", code, msg, tc.wantCode, tc.wantInMsg)
				}
				return
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil || string(body) != tc.wantBody {
				t.Fatalf("body: got %q, %v; want %q", body, err, tc.wantBody)
			}
			if e := resp.Trailer.Get(logsapi.TrailerError); e != "" {
				t.Fatalf("trailer %s: got %q, want none", logsapi.TrailerError, e)
			}
		})
	}
}

// followTask runs a task that writes "first", waits for marker, writes
// "second" and keeps running, and opens a followed stream of it.
func followTask(t *testing.T, env *logsapitest.Env, id, marker string) (*http.Response, *bufio.Reader) {
	t.Helper()
	script := `echo first; while [ ! -e "$0" ]; do sleep 0.01; done; echo second; exec sleep 1000`
	env.RunTask(t, id, logsapitest.Container{Name: "app", Command: []string{"sh", "-c", script, marker}})
	resp := get(t, env, http.MethodGet, query("", id, "", "true"), logsapitest.SecretAccessKey)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status: got %d, want 200", resp.StatusCode)
	}
	if !slices.Contains(resp.TransferEncoding, "chunked") {
		t.Fatalf("transfer encoding: got %v, want chunked", resp.TransferEncoding)
	}
	return resp, bufio.NewReader(resp.Body)
}

func readLine(t *testing.T, r *bufio.Reader, want string) {
	t.Helper()
	got, err := r.ReadString('\n')
	if err != nil || got != want {
		t.Fatalf("line: got %q, %v; want %q", got, err, want)
	}
}

func TestLogsFollow(t *testing.T) {
	env := logsapitest.Start(t)
	marker := filepath.Join(t.TempDir(), "go-on")
	resp, body := followTask(t, env, "f1", marker)
	readLine(t, body, "first\n")
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	readLine(t, body, "second\n")

	// The container's exit ends the stream normally.
	env.StopTask(t, "f1")
	rest, err := io.ReadAll(body)
	if err != nil || len(rest) != 0 {
		t.Fatalf("rest after the stop: got %q, %v; want nothing", rest, err)
	}
	if e := resp.Trailer.Get(logsapi.TrailerError); e != "" {
		t.Fatalf("trailer %s: got %q, want none", logsapi.TrailerError, e)
	}
}

func TestLogsAgentDisconnect(t *testing.T) {
	env := logsapitest.Start(t)
	resp, body := followTask(t, env, "f1", filepath.Join(t.TempDir(), "never"))
	readLine(t, body, "first\n")

	// The agent goes away mid-stream: the body ends and the trailer says
	// why.
	env.Session.Close()
	if _, err := io.ReadAll(body); err != nil {
		t.Fatalf("rest of the body: %v", err)
	}
	if e := resp.Trailer.Get(logsapi.TrailerError); !strings.HasPrefix(e, agentrpc.CodeTargetNotConnected+": ") {
		t.Fatalf("trailer %s: got %q, want %s: ...", logsapi.TrailerError, e, agentrpc.CodeTargetNotConnected)
	}

	// Until it reconnects, requests are refused.
	resp = get(t, env, http.MethodGet, query("", "f1", "", ""), logsapitest.SecretAccessKey)
	if code, _ := ecsError(t, resp); resp.StatusCode != 400 || code != agentrpc.CodeTargetNotConnected {
		t.Fatalf("request without an agent: got %d %s, want 400 %s", resp.StatusCode, code, agentrpc.CodeTargetNotConnected)
	}
}
