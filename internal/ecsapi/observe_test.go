package ecsapi

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
)

// logLine is the part of a JSON log record the tests look at.
type logLine struct {
	Level       string `json:"level"`
	Msg         string `json:"msg"`
	Op          string `json:"op"`
	RequestID   string `json:"request_id"`
	Status      int    `json:"status"`
	Duration    *int64 `json:"duration"`
	Code        string `json:"code"`
	AccessKeyID string `json:"access_key_id"`
	Target      string `json:"target"`
	Error       string `json:"error"`
	Stack       string `json:"stack"`
}

func TestRequestLogs(t *testing.T) {
	e := startEdge(t)
	requests := []rawRequest{
		{body: "{}"},
		{target: target("RunTask"), body: `{"taskDefinition":"web","cluster":"missing"}`},
		{target: target("RunTask"), body: `{"taskDefinition":"web","cluster":"panic"}`},
		{target: target("Frobnicate"), body: "{}"},
	}
	ids := make([]string, len(requests))
	for i, rr := range requests {
		ids[i] = e.do(t, rr).header.Get("X-Amzn-Requestid")
	}
	e.finish()

	byID := map[string]logLine{}
	scanner := bufio.NewScanner(strings.NewReader(e.logs.String()))
	scanner.Buffer(nil, 1<<20)
	for scanner.Scan() {
		var l logLine
		if err := json.Unmarshal(scanner.Bytes(), &l); err != nil {
			t.Fatalf("log line %q is not JSON: %v", scanner.Text(), err)
		}
		byID[l.RequestID] = l
	}
	tests := []struct {
		name string
		id   string
		want logLine
	}{
		{name: "success", id: ids[0], want: logLine{Level: "INFO", Op: "ListClusters", Status: 200, AccessKeyID: testAccessKeyID}},
		{name: "backend error", id: ids[1], want: logLine{Level: "INFO", Op: "RunTask", Status: 400, Code: "ClusterNotFoundException", AccessKeyID: testAccessKeyID}},
		{name: "panic", id: ids[2], want: logLine{Level: "ERROR", Op: "RunTask", Status: 500, Code: "ServerException", AccessKeyID: testAccessKeyID,
			Error: "panic: backend bug"}},
		{name: "unknown target", id: ids[3], want: logLine{Level: "INFO", Op: "unknown", Status: 400, Code: "UnknownOperationException",
			AccessKeyID: testAccessKeyID, Target: target("Frobnicate")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := byID[tc.id]
			if !ok {
				t.Fatalf("no log line for request id %q in:\n%s", tc.id, e.logs.String())
			}
			if got.Duration == nil {
				t.Errorf("log line has no duration")
			}
			if (got.Stack != "") != (tc.want.Error != "") {
				t.Errorf("stack present: got %v, want %v", got.Stack != "", tc.want.Error != "")
			}
			got.Duration, got.Stack, got.Msg, got.RequestID = nil, "", "", ""
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	e := startEdge(t)
	for _, rr := range []rawRequest{
		{body: "{}"},
		{body: "{}"},
		{target: target("RunTask"), body: `{"taskDefinition":"web","cluster":"missing"}`},
		{target: target("Frobnicate"), body: "{}"},
		{target: target("DeleteCluster"), body: "{}"},
		{unsigned: true, target: target("DescribeClusters"), body: "{}"},
	} {
		e.do(t, rr)
	}
	e.finish()

	families, err := e.reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	counts := map[string]float64{}
	latency := map[string]uint64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			labels := labelMap(m)
			switch f.GetName() {
			case "berth_ecs_api_requests_total":
				counts[labels["operation"]+" "+labels["code"]] = m.GetCounter().GetValue()
			case "berth_ecs_api_request_duration_seconds":
				latency[labels["operation"]] = m.GetHistogram().GetSampleCount()
			}
		}
	}
	wantCounts := map[string]float64{
		"ListClusters OK":                                      2,
		"RunTask OK":                                           0,
		"DescribeClusters OK":                                  0,
		"RunTask ClusterNotFoundException":                     1,
		"unknown UnknownOperationException":                    1,
		"DeleteCluster UnsupportedFeatureException":            1,
		"DescribeClusters MissingAuthenticationTokenException": 1,
	}
	for key, want := range wantCounts {
		if got, ok := counts[key]; !ok || got != want {
			t.Errorf("requests_total{%s}: got %v (present %v), want %v", key, got, ok, want)
		}
	}
	if len(counts) != len(wantCounts) {
		t.Errorf("requests_total series: got %v, want exactly %v", counts, wantCounts)
	}
	wantLatency := map[string]uint64{"ListClusters": 2, "RunTask": 1, "DescribeClusters": 1, "unknown": 1, "DeleteCluster": 1}
	for op, want := range wantLatency {
		if got := latency[op]; got != want {
			t.Errorf("request_duration_seconds{operation=%q} count: got %d, want %d", op, got, want)
		}
	}
}

func labelMap(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}
