package reliability

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/berth-io/berth/internal/ecsapi"
)

// captured is one signed request, kept so that the very same bytes can be
// sent again.
type captured struct {
	header http.Header
	body   []byte
}

// capture signs a request for op with body now.
func capture(t *testing.T, endpoint, op string, body []byte) captured {
	t.Helper()
	req, err := reqSpec{target: target(op), body: body}.build(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	return captured{header: req.Header.Clone(), body: body}
}

// replay sends a captured request and decodes a 200 answer into out; it
// returns the status and the raw body.
func (c captured) replay(t *testing.T, endpoint string, out any) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, endpoint+"/", bytes.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = c.header.Clone()
	// No keep-alive: the server is restarted on the same address, and a
	// pooled connection to the old one would fail the replay.
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK && out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
	}
	return resp.StatusCode, string(b)
}

type runTaskAnswer struct {
	Tasks []struct {
		TaskArn string `json:"taskArn"`
	} `json:"tasks"`
}

func (a runTaskAnswer) arns() []string {
	var out []string
	for _, t := range a.Tasks {
		out = append(out, t.TaskArn)
	}
	return out
}

// TestReplayedRequests sends the same signed requests twice. SigV4 has no
// nonce: a captured request verifies again for as long as its signing
// time is within the five-minute skew, at berth as at AWS. What keeps a
// replay harmless is idempotency: a RunTask with a clientToken (every SDK
// sends one) returns the first call's tasks, also after a restart of the
// server, and the same token with other parameters is a
// ConflictException. A RunTask replayed without a token launches again,
// as at AWS.
func TestReplayedRequests(t *testing.T) {
	dataDir := t.TempDir()
	srv := startServer(t, dataDir, "127.0.0.1:0")
	addr := strings.TrimPrefix(srv.URL, "http://")
	t.Cleanup(func() { _ = srv.Close() })
	admin := newClient(srv.URL)
	seedWorld(t, admin)
	ctx, cancel := callCtx()
	defer cancel()
	if _, err := admin.RegisterTaskDefinition(ctx, taskFamily("replay-app", ctr("app", 8, 8, 0))); err != nil {
		t.Fatal(err)
	}

	withToken := capture(t, srv.URL, "RunTask", []byte(`{"cluster":"bad","taskDefinition":"replay-app","clientToken":"replay-1"}`))
	var first, second runTaskAnswer
	if st, body := withToken.replay(t, srv.URL, &first); st != 200 || len(first.Tasks) != 1 {
		t.Fatalf("RunTask: got %d %s, want one task", st, body)
	}
	if st, body := withToken.replay(t, srv.URL, &second); st != 200 || !slices.Equal(second.arns(), first.arns()) {
		t.Errorf("replayed RunTask with a clientToken: got %d %s, want the first call's task %v", st, body, first.arns())
	}

	conflict := capture(t, srv.URL, "RunTask", []byte(`{"cluster":"bad","taskDefinition":"replay-app","clientToken":"replay-1","startedBy":"other"}`))
	st, body := conflict.replay(t, srv.URL, nil)
	var e struct {
		Type        string   `json:"__type"`
		ResourceIDs []string `json:"resourceIds"`
	}
	_ = json.Unmarshal([]byte(body), &e)
	if st != 400 || e.Type != "ConflictException" || !slices.Equal(e.ResourceIDs, first.arns()) {
		t.Errorf("the same token with other parameters: got %d %s, want ConflictException naming %v", st, body, first.arns())
	}

	noToken := capture(t, srv.URL, "RunTask", []byte(`{"cluster":"bad","taskDefinition":"replay-app","startedBy":"no-token"}`))
	var a, b runTaskAnswer
	noToken.replay(t, srv.URL, &a)
	noToken.replay(t, srv.URL, &b)
	if len(a.Tasks) != 1 || len(b.Tasks) != 1 || a.Tasks[0].TaskArn == b.Tasks[0].TaskArn {
		t.Errorf("replayed RunTask without a token: got %v and %v, want two different tasks (no nonce in SigV4)", a.arns(), b.arns())
	}

	stop := capture(t, srv.URL, "StopTask", []byte(`{"cluster":"bad","task":"`+a.Tasks[0].TaskArn+`"}`))
	var s1, s2 map[string]any
	st1, _ := stop.replay(t, srv.URL, &s1)
	st2, _ := stop.replay(t, srv.URL, &s2)
	if st1 != 200 || st2 != 200 || mustJSON(s1) != mustJSON(s2) {
		t.Errorf("replayed StopTask: got %d then %d with %v and %v, want the same stopped task twice", st1, st2, s1, s2)
	}

	// The token survives a restart on the same address and data dir.
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	srv = startServer(t, dataDir, addr)
	var third runTaskAnswer
	if st, body := withToken.replay(t, srv.URL, &third); st != 200 || !slices.Equal(third.arns(), first.arns()) {
		t.Errorf("RunTask replayed after a restart: got %d %s, want the first call's task %v", st, body, first.arns())
	}
	list, err := newClient(srv.URL).ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(badCluster), DesiredStatus: "RUNNING"})
	if err != nil {
		t.Fatal(err)
	}
	// The world's running task, replay-1's and the second no-token task.
	if len(list.TaskArns) != 3 {
		t.Errorf("running tasks: got %d, want 3 (the world's, replay-1's and one no-token task)", len(list.TaskArns))
	}
}

// TestBodyLimitBoundary checks the body cap at its edge: a body of exactly
// DefaultMaxBodyBytes is served, one byte more is a ClientException.
func TestBodyLimitBoundary(t *testing.T) {
	srv := startServer(t, t.TempDir(), "127.0.0.1:0")
	t.Cleanup(func() { _ = srv.Close() })
	hc := &http.Client{Timeout: time.Minute}
	for _, tc := range []struct {
		size       int
		wantStatus int
	}{{ecsapi.DefaultMaxBodyBytes - 1, 200}, {ecsapi.DefaultMaxBodyBytes, 200}, {ecsapi.DefaultMaxBodyBytes + 1, 400}} {
		body := append([]byte("{}"), bytes.Repeat([]byte(" "), tc.size-2)...)
		req, err := reqSpec{target: target("ListClusters"), body: body}.build(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		r, err := send(hc, "limit", req)
		if err != nil {
			t.Fatal(err)
		}
		if tc.wantStatus == 200 {
			if r.Status != 200 {
				t.Errorf("body of %d bytes: got %d %.200s, want 200", tc.size, r.Status, r.Body)
			}
			continue
		}
		if err := checkError(r, 400, "ClientException"); err != nil {
			t.Errorf("body of %d bytes: %v", tc.size, err)
		}
	}
}
