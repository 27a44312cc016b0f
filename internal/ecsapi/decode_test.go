package ecsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

func TestDecodeRequest(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		wantCode string // "" for success
		wantMsg  string // prefix
		check    func(t *testing.T, in *ecsmodel.RunTaskRequest)
	}{
		{name: "members decoded", body: `{"taskDefinition":"web:3","cluster":"prod","count":2,"launchType":"EC2","enableExecuteCommand":true}`,
			check: func(t *testing.T, in *ecsmodel.RunTaskRequest) {
				if in.TaskDefinition != "web:3" || in.Cluster != "prod" || in.Count == nil || *in.Count != 2 ||
					in.LaunchType != ecsmodel.LaunchType("EC2") || !in.EnableExecuteCommand {
					t.Errorf("got %+v, want taskDefinition web:3, cluster prod, count 2, launchType EC2, enableExecuteCommand", in)
				}
			}},
		{name: "leading whitespace", body: " \n\t{\"taskDefinition\":\"web\"}"},
		{name: "whitespace only is {}", body: " \n ", wantCode: ecs.CodeInvalidParameter,
			wantMsg: "1 validation error detected: Value null at 'taskDefinition'"},
		{name: "null body", body: `null`, wantCode: ecs.CodeSerialization, wantMsg: "The request body must be a JSON object, not null."},
		{name: "number body", body: `42`, wantCode: ecs.CodeSerialization, wantMsg: "The request body must be a JSON object, not a number."},
		{name: "garbage", body: `}{`, wantCode: ecs.CodeSerialization, wantMsg: "The request body must be a JSON object, not invalid JSON"},
		{name: "unterminated string", body: `{"taskDefinition":"web`, wantCode: ecs.CodeSerialization, wantMsg: "Malformed JSON in the request body at byte"},
		{name: "boolean as string", body: `{"taskDefinition":"web","enableExecuteCommand":"yes"}`, wantCode: ecs.CodeSerialization,
			wantMsg: "Cannot deserialize member 'enableExecuteCommand': expected boolean, got string."},
		{name: "object as list element", body: `{"taskDefinition":"web","tags":["a"]}`, wantCode: ecs.CodeSerialization,
			wantMsg: "Cannot deserialize member 'tags': expected structure (JSON object), got string."},
		{name: "fraction for integer", body: `{"taskDefinition":"web","count":1.5}`, wantCode: ecs.CodeSerialization,
			wantMsg: "Cannot deserialize member 'count': expected integer (int32), got number 1.5."},
		{name: "two validation errors", body: `{"launchType":"MOON"}`, wantCode: ecs.CodeInvalidParameter,
			wantMsg: "2 validation errors detected: Value 'MOON' at 'launchType'"},
		{name: "nested validation path", body: `{"taskDefinition":"web","tags":[{"key":"k"},{"key":"bad&key"}]}`, wantCode: ecs.CodeInvalidParameter,
			wantMsg: "1 validation error detected: Value 'bad&key' at 'tags.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := new(ecsmodel.RunTaskRequest)
			err := decodeRequest([]byte(tc.body), in)
			if tc.wantCode == "" {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				if tc.check != nil {
					tc.check(t, in)
				}
				return
			}
			var e *ecs.Error
			if !errors.As(err, &e) {
				t.Fatalf("got error %v (%T), want an *ecs.Error %s", err, err, tc.wantCode)
			}
			if e.Code != tc.wantCode || !strings.HasPrefix(e.Message, tc.wantMsg) {
				t.Errorf("got %s %q, want %s with prefix %q", e.Code, e.Message, tc.wantCode, tc.wantMsg)
			}
		})
	}
}

func TestDecodeTimestamps(t *testing.T) {
	want := time.UnixMilli(1453465153893).UTC()
	tests := []struct {
		name     string
		body     string
		wantCode string
	}{
		{name: "epoch seconds", body: `{"pullStartedAt":1453465153.893}`},
		{name: "RFC 3339 string", body: `{"pullStartedAt":"2016-01-22T12:19:13.893Z"}`},
		{name: "other string", body: `{"pullStartedAt":"yesterday"}`, wantCode: ecs.CodeSerialization},
		{name: "boolean", body: `{"pullStartedAt":true}`, wantCode: ecs.CodeSerialization},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := new(ecsmodel.SubmitTaskStateChangeRequest)
			err := decodeRequest([]byte(tc.body), in)
			if got := ecsCode(err); got != tc.wantCode {
				t.Fatalf("error: got %v (code %q), want code %q", err, got, tc.wantCode)
			}
			if tc.wantCode == "" && !in.PullStartedAt.Equal(want) {
				t.Errorf("pullStartedAt: got %v, want %v", in.PullStartedAt.Time, want)
			}
		})
	}
}

// ecsCode is the code of an *ecs.Error, "" for nil and "?" for other errors.
func ecsCode(err error) string {
	if err == nil {
		return ""
	}
	var e *ecs.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return "?"
}

// fuzzBackend implements operations with deep request shapes, for the fuzz
// target; its methods are never called.
type fuzzBackend struct{}

func (fuzzBackend) RunTask(context.Context, *ecsmodel.RunTaskRequest) (*ecsmodel.RunTaskResponse, error) {
	return nil, nil
}

func (fuzzBackend) StartTask(context.Context, *ecsmodel.StartTaskRequest) (*ecsmodel.StartTaskResponse, error) {
	return nil, nil
}

func (fuzzBackend) RegisterTaskDefinition(context.Context, *ecsmodel.RegisterTaskDefinitionRequest) (*ecsmodel.RegisterTaskDefinitionResponse, error) {
	return nil, nil
}

func (fuzzBackend) CreateService(context.Context, *ecsmodel.CreateServiceRequest) (*ecsmodel.CreateServiceResponse, error) {
	return nil, nil
}

func (fuzzBackend) SubmitTaskStateChange(context.Context, *ecsmodel.SubmitTaskStateChangeRequest) (*ecsmodel.SubmitTaskStateChangeResponse, error) {
	return nil, nil
}

func (fuzzBackend) DescribeClusters(context.Context, *ecsmodel.DescribeClustersRequest) (*ecsmodel.DescribeClustersResponse, error) {
	return nil, nil
}

func (fuzzBackend) ListTasks(context.Context, *ecsmodel.ListTasksRequest) (*ecsmodel.ListTasksResponse, error) {
	return nil, nil
}

// FuzzDecodeRequest feeds arbitrary bodies to the decode and validate step
// of an operation. It must never panic, must fail only with a
// SerializationException or InvalidParameterException, and whatever it
// accepts must encode back to JSON (the edge encodes the same shapes).
func FuzzDecodeRequest(f *testing.F) {
	handlers := ecsmodel.Bind(fuzzBackend{})
	f.Add("RunTask", []byte(`{"taskDefinition":"web:1","count":2,"overrides":{"containerOverrides":[{"name":"app","command":["sh"]}]}}`))
	f.Add("RegisterTaskDefinition", []byte(`{"family":"web","containerDefinitions":[{"name":"app","image":"nginx","memory":128,"portMappings":[{"containerPort":80}]}]}`))
	f.Add("SubmitTaskStateChange", []byte(`{"task":"t","pullStartedAt":1453465153.893}`))
	f.Add("CreateService", []byte(`{"serviceName":"s","desiredCount":1,"placementStrategy":[{"type":"spread","field":"attribute:ecs.availability-zone"}]}`))
	f.Add("ListTasks", []byte(``))
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		h, ok := handlers[op]
		if !ok {
			return
		}
		in := h.NewInput()
		err := decodeRequest(body, in)
		if err != nil {
			var e *ecs.Error
			if !errors.As(err, &e) || (e.Code != ecs.CodeSerialization && e.Code != ecs.CodeInvalidParameter) || e.Message == "" {
				t.Fatalf("decoding %q for %s: got error %v (%T), want a SerializationException or InvalidParameterException", body, op, err, err)
			}
			return
		}
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(in); err != nil {
			t.Fatalf("accepted %q for %s but cannot encode it: %v", body, op, err)
		}
	})
}

// failingReader returns data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadBody(t *testing.T) {
	const limit = 8
	tests := []struct {
		name     string
		body     io.Reader
		declared int64
		wantCode string
		wantBody string
	}{
		{name: "exactly the limit", body: strings.NewReader("12345678"), declared: 8, wantBody: "12345678"},
		{name: "unknown length within the limit", body: strings.NewReader("{}"), declared: -1, wantBody: "{}"},
		{name: "declared over the limit", body: strings.NewReader("{}"), declared: 9, wantCode: ecs.CodeClient},
		{name: "unknown length over the limit", body: strings.NewReader("123456789"), declared: -1, wantCode: ecs.CodeClient},
		{name: "read error", body: &failingReader{data: []byte("{"), err: errors.New("connection reset")}, declared: -1, wantCode: ecs.CodeSerialization},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := readBody(&buf, tc.body, tc.declared, limit)
			if got := ecsCode(err); got != tc.wantCode {
				t.Fatalf("error: got %v (code %q), want code %q", err, got, tc.wantCode)
			}
			if tc.wantCode == "" && buf.String() != tc.wantBody {
				t.Errorf("body: got %q, want %q", buf.String(), tc.wantBody)
			}
		})
	}
}
