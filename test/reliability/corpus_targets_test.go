package reliability

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/berth-io/berth/internal/ecsapi"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// garbles are ways to spoil an operation's X-Amz-Target.
var garbles = []struct {
	name string
	f    func(op string) string
}{
	{"lower case", func(op string) string { return target(strings.ToLower(op)) }},
	{"upper case", func(op string) string { return target(strings.ToUpper(op)) }},
	{"suffix", func(op string) string { return target(op) + "X" }},
	{"no prefix", func(op string) string { return op }},
	{"older API version", func(op string) string { return "AmazonEC2ContainerServiceV20141112." + op }},
	{"no dot", func(op string) string { return ecsmodel.TargetPrefix + op }},
	{"slash for dot", func(op string) string { return ecsmodel.TargetPrefix + "/" + op }},
	{"prefix twice", func(op string) string { return target(target(op)) }},
	{"other service", func(op string) string { return "DynamoDB_20120810." + op }},
	{"inner space", func(op string) string { return target(op[:1] + " " + op[1:]) }},
	{"non-ASCII", func(op string) string { return target(op + "é") }},
}

// targetCases spoils the target of every operation berth implements (a
// request that must not reach it), sends every model operation berth
// lacks, and sends targets that are missing, empty or absurd.
func targetCases(valid map[string]map[string]any, implemented []string) []badCase {
	var cases []badCase
	body := func(op string) []byte {
		if b, ok := valid[op]; ok {
			return []byte(mustJSON(b))
		}
		return []byte("{}")
	}
	for _, op := range implemented {
		for _, g := range garbles {
			cases = append(cases, badCase{group: "unknown targets", name: fmt.Sprintf("%s: %s", op, g.name),
				spec: reqSpec{target: g.f(op), body: body(op)}, wantCode: "UnknownOperationException"})
		}
	}
	for _, op := range missingOps() {
		cases = append(cases, badCase{group: "unimplemented operations", name: op,
			spec: reqSpec{target: target(op), body: []byte("{}")}, wantCode: "UnsupportedFeatureException"})
	}
	for _, c := range []struct{ name, target string }{
		{"no X-Amz-Target", noHeader},
		{"prefix only", ecsmodel.TargetPrefix + "."},
		{"a dot", "."},
		{"10 KiB target", target(strings.Repeat("A", 10<<10))},
		{"tab inside", target("Run\tTask")},
	} {
		code := "UnknownOperationException"
		cases = append(cases, badCase{group: "unknown targets", name: c.name,
			spec: reqSpec{target: c.target, body: body("RunTask")}, wantCode: code})
	}
	return cases
}

// edgeCases breaks the request around its body: path, method, content
// type and size.
func edgeCases(valid map[string]map[string]any) []badCase {
	run := []byte(mustJSON(valid["RunTask"]))
	limit := ecsapi.DefaultMaxBodyBytes
	padded := func(n int) []byte { // a valid RunTask followed by spaces, n bytes in all
		return append(append([]byte{}, run...), []byte(strings.Repeat(" ", n-len(run)))...)
	}
	cases := []badCase{
		{name: "path /v1/tasks", spec: reqSpec{path: "/v1/tasks", target: target("RunTask"), body: run}, wantCode: "UnknownOperationException", wantStatus: 404},
		// A path that is not clean gets the same 404 as any other path,
		// not the 307 to the cleaned path Go's ServeMux would send.
		{name: "path //", spec: reqSpec{path: "//", target: target("RunTask"), body: run}, wantCode: "UnknownOperationException", wantStatus: 404},
		{name: "path /./", spec: reqSpec{path: "/./", target: target("RunTask"), body: run}, wantCode: "UnknownOperationException", wantStatus: 404},
		{name: "path /x/../", spec: reqSpec{path: "/x/../", target: target("RunTask"), body: run}, wantCode: "UnknownOperationException", wantStatus: 404},
		{name: "path /x/..", spec: reqSpec{path: "/x/..", target: target("RunTask"), body: run}, wantCode: "UnknownOperationException", wantStatus: 404},
		{name: "path //healthz", spec: reqSpec{path: "//healthz", target: target("RunTask"), body: run}, wantCode: "UnknownOperationException", wantStatus: 404},
		{name: "path /ws/../, method GET", spec: reqSpec{method: http.MethodGet, path: "/ws/../", target: target("RunTask")}, wantCode: "UnknownOperationException", wantStatus: 404},
		{name: "path /%2e%2e/", spec: reqSpec{path: "/%2e%2e/x", target: target("RunTask"), body: run}, wantCode: "UnknownOperationException", wantStatus: 404},
		{name: "method PUT", spec: reqSpec{method: http.MethodPut, target: target("RunTask"), body: run}, wantCode: "UnknownOperationException", wantStatus: 405},
		{name: "method DELETE", spec: reqSpec{method: http.MethodDelete, target: target("RunTask"), body: run}, wantCode: "UnknownOperationException", wantStatus: 405},
		{name: "method PATCH", spec: reqSpec{method: http.MethodPatch, target: target("RunTask"), body: run}, wantCode: "UnknownOperationException", wantStatus: 405},
		{name: "method GET", spec: reqSpec{method: http.MethodGet, target: target("RunTask")}, wantCode: "UnknownOperationException", wantStatus: 405},
		{name: "no Content-Type", spec: reqSpec{contentType: noHeader, target: target("RunTask"), body: run}, wantCode: "SerializationException"},
		{name: "Content-Type text/plain", spec: reqSpec{contentType: "text/plain", target: target("RunTask"), body: run}, wantCode: "SerializationException"},
		{name: "Content-Type form", spec: reqSpec{contentType: "application/x-www-form-urlencoded", target: target("RunTask"), body: run}, wantCode: "SerializationException"},
		{name: "Content-Type amz-json-1.0", spec: reqSpec{contentType: "application/x-amz-json-1.0", target: target("RunTask"), body: run}, wantCode: "SerializationException"},
		{name: "Content-Type cbor", spec: reqSpec{contentType: "application/cbor", target: target("RunTask"), body: run}, wantCode: "SerializationException"},
		{name: "body one byte over the limit", spec: reqSpec{target: target("RunTask"), body: padded(limit + 1)}, wantCode: "ClientException"},
		{name: "body one byte over the limit, chunked", spec: reqSpec{target: target("RunTask"), body: padded(limit + 1), chunked: true}, wantCode: "ClientException"},
		{name: "body of 4 MiB", spec: reqSpec{target: target("RegisterTaskDefinition"), body: padded(4 << 20)}, wantCode: "ClientException"},
		{name: "body of 5 MiB, chunked", spec: reqSpec{target: target("RunTask"), body: padded(5 << 20), chunked: true}, wantCode: "ClientException"},
		{name: "oversized and unsigned", spec: reqSpec{target: target("RunTask"), body: padded(2 << 20), unsigned: true}, wantCode: "ClientException"},
		{name: "oversized string member", spec: reqSpec{target: target("CreateCluster"),
			body: []byte(`{"clusterName":"` + strings.Repeat("a", limit) + `"}`)}, wantCode: "ClientException"},
	}
	for i := range cases {
		cases[i].group = "request edge"
	}
	return cases
}
