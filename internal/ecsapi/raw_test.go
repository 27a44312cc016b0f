package ecsapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/ecsmodel"
)

func target(op string) string { return ecsmodel.TargetPrefix + "." + op }

// TestRawRequests drives the edge with hand-made HTTP requests, mostly bad
// ones the SDK would never send, and checks status, headers, body and that
// the backend is reached only by requests that pass every check.
func TestRawRequests(t *testing.T) {
	tests := []struct {
		name        string
		req         rawRequest
		wantStatus  int
		wantCode    string // "" for success
		wantMessage string // prefix of the error message
		wantBody    string // exact body of a success
		wantBackend bool
	}{
		{name: "list clusters", req: rawRequest{body: "{}"}, wantStatus: 200,
			wantBody: `{"clusterArns":["` + clusterARN("default") + `"]}`, wantBackend: true},
		{name: "empty body means {}", req: rawRequest{}, wantStatus: 200,
			wantBody: `{"clusterArns":["` + clusterARN("default") + `"]}`, wantBackend: true},
		{name: "application/json accepted", req: rawRequest{contentType: "application/json; charset=utf-8", body: "{}"},
			wantStatus: 200, wantBackend: true},
		{name: "unknown members ignored",
			req:        rawRequest{target: target("DescribeClusters"), body: `{"clusters":["a"],"bogus":{"x":[1,2]},"other":null}`},
			wantStatus: 200, wantBackend: true},
		{name: "timestamp is epoch seconds",
			req:        rawRequest{target: target("RunTask"), body: `{"taskDefinition":"web:1"}`},
			wantStatus: 200, wantBackend: true,
			wantBody: `{"tasks":[{"createdAt":1453465153.893,"enableExecuteCommand":false,"lastStatus":"PROVISIONING",` +
				`"taskArn":"` + taskARN("t1") + `","taskDefinitionArn":"web:1","version":0}]}`},
		{name: "nil response is {}",
			req:        rawRequest{target: target("RunTask"), body: `{"taskDefinition":"web:1","cluster":"nil"}`},
			wantStatus: 200, wantBody: `{}`, wantBackend: true},
		{name: "wrong method", req: rawRequest{method: http.MethodGet},
			wantStatus: 405, wantCode: "UnknownOperationException", wantMessage: "Method GET is not allowed"},
		{name: "wrong path", req: rawRequest{path: "/v1/clusters"},
			wantStatus: 404, wantCode: "UnknownOperationException", wantMessage: `No operation is served at path "/v1/clusters"`},
		{name: "no content type", req: rawRequest{contentType: "-", body: "{}"},
			wantStatus: 400, wantCode: "SerializationException", wantMessage: "The request has no Content-Type"},
		{name: "wrong content type", req: rawRequest{contentType: "text/plain", body: "{}"},
			wantStatus: 400, wantCode: "SerializationException", wantMessage: `Unsupported Content-Type "text/plain"`},
		{name: "unsigned", req: rawRequest{unsigned: true, body: "{}"},
			wantStatus: 400, wantCode: "MissingAuthenticationTokenException", wantMessage: "Missing Authentication Token"},
		{name: "signature expired", req: rawRequest{signedAt: -10 * time.Minute, body: "{}"},
			wantStatus: 400, wantCode: "InvalidSignatureException", wantMessage: "Signature expired"},
		{name: "no target", req: rawRequest{target: "-", body: "{}"},
			wantStatus: 400, wantCode: "UnknownOperationException", wantMessage: "The request has no X-Amz-Target header"},
		{name: "other service's target", req: rawRequest{target: "DynamoDB_20120810.ListTables", body: "{}"},
			wantStatus: 400, wantCode: "UnknownOperationException", wantMessage: `Unknown operation "DynamoDB_20120810.ListTables".`},
		{name: "unknown operation", req: rawRequest{target: target("Frobnicate"), body: "{}"},
			wantStatus: 400, wantCode: "UnknownOperationException", wantMessage: "Unknown operation"},
		{name: "unimplemented operation", req: rawRequest{target: target("DeleteCluster"), body: `{"cluster":"a"}`},
			wantStatus: 400, wantCode: "UnsupportedFeatureException", wantMessage: "berth does not implement DeleteCluster yet."},
		{name: "oversized body", req: rawRequest{body: `{"nextToken":"` + strings.Repeat("x", DefaultMaxBodyBytes) + `"}`},
			wantStatus: 400, wantCode: "ClientException", wantMessage: "The request body is larger than the limit of 1048576 bytes."},
		{name: "malformed JSON", req: rawRequest{body: `{"maxResults":`},
			wantStatus: 400, wantCode: "SerializationException", wantMessage: "Malformed JSON in the request body"},
		{name: "trailing garbage", req: rawRequest{body: `{} x`},
			wantStatus: 400, wantCode: "SerializationException", wantMessage: "Malformed JSON in the request body"},
		{name: "array body", req: rawRequest{body: `[]`},
			wantStatus: 400, wantCode: "SerializationException", wantMessage: "The request body must be a JSON object, not an array."},
		{name: "string where list expected", req: rawRequest{target: target("DescribeClusters"), body: `{"clusters":"default"}`},
			wantStatus: 400, wantCode: "SerializationException", wantMessage: "Cannot deserialize member 'clusters': expected list, got string."},
		{name: "string where integer expected", req: rawRequest{target: target("RunTask"), body: `{"taskDefinition":"web:1","count":"3"}`},
			wantStatus: 400, wantCode: "SerializationException", wantMessage: "Cannot deserialize member 'count': expected integer (int32), got string."},
		{name: "integer overflow", req: rawRequest{target: target("RunTask"), body: `{"taskDefinition":"web:1","count":3000000000}`},
			wantStatus: 400, wantCode: "SerializationException", wantMessage: "Cannot deserialize member 'count': expected integer (int32), got number 3000000000."},
		{name: "nested wrong type", req: rawRequest{target: target("RunTask"), body: `{"taskDefinition":"web:1","overrides":{"containerOverrides":[{"name":7}]}}`},
			wantStatus: 400, wantCode: "SerializationException", wantMessage: "Cannot deserialize member 'overrides.containerOverrides.name': expected string, got number."},
		{name: "missing required member", req: rawRequest{target: target("RunTask"), body: `{}`},
			wantStatus: 400, wantCode: "InvalidParameterException",
			wantMessage: "1 validation error detected: Value null at 'taskDefinition' failed to satisfy constraint: Member must not be null"},
		{name: "backend error", req: rawRequest{target: target("RunTask"), body: `{"taskDefinition":"web:1","cluster":"missing"}`},
			wantStatus: 400, wantCode: "ClusterNotFoundException", wantMessage: "Cluster not found.", wantBackend: true},
		{name: "server error hides cause", req: rawRequest{target: target("RunTask"), body: `{"taskDefinition":"web:1","cluster":"internal"}`},
			wantStatus: 500, wantCode: "ServerException", wantMessage: "An internal error occurred.", wantBackend: true},
	}
	e := startEdge(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := e.backend.calls.Load()
			resp := e.do(t, tc.req)
			if resp.status != tc.wantStatus {
				t.Errorf("status: got %d, want %d (body %s)", resp.status, tc.wantStatus, resp.body)
			}
			if got := resp.header.Get("Content-Type"); got != "application/x-amz-json-1.1" {
				t.Errorf("Content-Type: got %q, want application/x-amz-json-1.1", got)
			}
			if got := resp.header.Get("X-Amzn-Requestid"); !uuidPattern.MatchString(got) {
				t.Errorf("x-amzn-RequestId: got %q, want a UUIDv4", got)
			}
			if called := e.backend.calls.Load() > before; called != tc.wantBackend {
				t.Errorf("backend called: got %v, want %v", called, tc.wantBackend)
			}
			if tc.wantCode == "" {
				checkSuccess(t, resp, tc.wantBody)
				return
			}
			checkError(t, resp, tc.wantCode, tc.wantMessage)
			if tc.wantStatus == http.StatusMethodNotAllowed && resp.header.Get("Allow") != http.MethodPost {
				t.Errorf("Allow: got %q, want POST", resp.header.Get("Allow"))
			}
		})
	}
}

func checkSuccess(t *testing.T, resp rawResponse, wantBody string) {
	t.Helper()
	if resp.header.Get("X-Amzn-Errortype") != "" {
		t.Errorf("x-amzn-ErrorType on a success: got %q, want none", resp.header.Get("X-Amzn-Errortype"))
	}
	if wantBody != "" && resp.body != wantBody {
		t.Errorf("body:\n got %s\nwant %s", resp.body, wantBody)
	}
}

func checkError(t *testing.T, resp rawResponse, wantCode, wantMessage string) {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal([]byte(resp.body), &body); err != nil {
		t.Fatalf("error body %q is not JSON: %v", resp.body, err)
	}
	if body["__type"] != wantCode {
		t.Errorf("__type: got %v, want %s", body["__type"], wantCode)
	}
	if got := resp.header.Get("X-Amzn-Errortype"); got != wantCode {
		t.Errorf("x-amzn-ErrorType: got %q, want %q", got, wantCode)
	}
	msg, _ := body["message"].(string)
	if !strings.HasPrefix(msg, wantMessage) {
		t.Errorf("message: got %q, want prefix %q", msg, wantMessage)
	}
	for key := range body {
		if key != "__type" && key != "message" {
			t.Errorf("error body has member %q; want only __type and message", key)
		}
	}
}

func TestRawConflictCarriesResourceIDs(t *testing.T) {
	e := startEdge(t)
	resp := e.do(t, rawRequest{target: target("RunTask"), body: `{"taskDefinition":"web:1","cluster":"conflict"}`})
	want := `{"__type":"ConflictException","message":"The clientToken was used with other parameters.","resourceIds":["` +
		taskARN("t1") + `","` + taskARN("t2") + `"]}`
	if resp.body != want {
		t.Errorf("body:\n got %s\nwant %s", resp.body, want)
	}
}

func TestRequestIDsAreUnique(t *testing.T) {
	e := startEdge(t)
	seen := map[string]bool{}
	for i := range 50 {
		req := rawRequest{body: "{}"}
		if i%2 == 1 {
			req.target = target("Frobnicate") // errors get ids too
		}
		id := e.do(t, req).header.Get("X-Amzn-Requestid")
		if seen[id] {
			t.Fatalf("request id %q repeated after %d requests", id, i)
		}
		seen[id] = true
	}
}
