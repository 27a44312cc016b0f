package control

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecsmodel/jsonrand"
)

// TestTaskRecordAppendJSON fills task records at random (every field,
// strings with HTML characters, escapes and invalid UTF-8) and requires
// AppendJSON to match encoding/json with HTML escaping off, and encode to
// match json.Marshal: the bytes the store always held.
func TestTaskRecordAppendJSON(t *testing.T) {
	rounds := 300
	if testing.Short() {
		rounds = 30
	}
	for seed := range uint64(rounds) {
		var rec taskRecord
		jsonrand.New(seed).Fill(&rec)
		want, err := jsonrand.Marshal(&rec)
		if err != nil {
			t.Fatal(err)
		}
		if got := rec.AppendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("seed %d: AppendJSON got %s, want %s", seed, got, want)
		}
		checkEncode(t, fmt.Sprintf("seed %d", seed), &rec)
	}
}

// TestEncodeKeepsJSONMarshalBytes checks encode against json.Marshal for
// records that write their own JSON and for one that does not.
func TestEncodeKeepsJSONMarshalBytes(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"task record", taskRecordFixture()},
		{"task record with HTML", taskRecordFixture(func(r *taskRecord) {
			r.Task.StoppedReason = "<stopped> & \u2028gone\u2029"
			r.Alloc.Group = "family:a&b"
		})},
		{"empty task record", &taskRecord{}},
		{"nil task record", (*taskRecord)(nil)},
		{"shape with a raw document", &ecsmodel.DeploymentLifecycleHook{
			HookDetails: json.RawMessage("{ \"a\": \"<\u2028&\u2029>\" }"), HookTargetArn: "<arn>",
		}},
		{"record without AppendJSON", tagsRecord{Tags: []ecsmodel.Tag{{Key: "<k>", Value: "&"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) { checkEncode(t, tc.name, tc.v) })
	}
}

// checkEncode compares encode(v) with json.Marshal(v).
func checkEncode(t *testing.T, name string, v any) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	got, err := encode("/k", v)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: encode got %s, want %s", name, got, want)
	}
}

func TestAppendHTMLEscaped(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"nothing to escape", `{"a":"b/é"}`, `{"a":"b/é"}`},
		{"html", `{"a":"<b>&"}`, `{"a":"\u003cb\u003e\u0026"}`},
		{"separators", "[\"\u2028\u2029\"]", `["\u2028\u2029"]`},
		{"other e2 sequences", `"€…"`, `"€…"`},
	} {
		if got := string(appendHTMLEscaped([]byte("x"), []byte(tc.in))); got != "x"+tc.want {
			t.Errorf("%s: got %s, want x%s", tc.name, got, tc.want)
		}
	}
}

// taskRecordFixture is a running EC2 task record with two containers, a
// host port each, and what RunTask keeps besides the Task shape.
func taskRecordFixture(opts ...func(*taskRecord)) *taskRecord {
	at := ecsmodel.NewTime(time.Date(2025, 3, 4, 5, 6, 7, 891_000_000, time.UTC))
	arn := loadAccount.TaskARN("default", "0195f3a2c4d1e6f78a9b0c1d2e3f4a5b")
	container := func(name string) ecsmodel.Container {
		return ecsmodel.Container{
			ContainerArn: loadAccount.ContainerARN("default", "0195f3a2c4d1e6f78a9b0c1d2e3f4a5b", "6f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f"),
			TaskArn:      arn, Name: name, Image: "nginx:1.27", LastStatus: statusRunning, Cpu: "128", Memory: "256",
			HealthStatus: ecsmodel.HealthStatusUnknown,
		}
	}
	rec := &taskRecord{
		Task: ecsmodel.Task{
			TaskArn: arn, ClusterArn: loadAccount.ClusterARN("default"),
			TaskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
			LastStatus:        statusRunning, DesiredStatus: statusRunning, Cpu: "256", Memory: "512",
			Group: "family:web", LaunchType: ecsmodel.LaunchTypeEc2, AvailabilityZone: "us-east-1a",
			CreatedAt: at, StartedAt: at, Version: 3, HealthStatus: ecsmodel.HealthStatusUnknown,
			Overrides: &ecsmodel.TaskOverride{
				ContainerOverrides:            []ecsmodel.ContainerOverride{{Name: "web"}, {Name: "sidecar"}},
				InferenceAcceleratorOverrides: []ecsmodel.InferenceAcceleratorOverride{},
			},
			Attributes:  []ecsmodel.Attribute{{Name: attrCPUArchitecture, Value: "x86_64"}},
			Attachments: []ecsmodel.Attachment{},
			Containers:  []ecsmodel.Container{container("web"), container("sidecar")},
		},
		InstanceID: "5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e", Family: "web", Revision: 3,
		Alloc: taskAlloc{Group: "family:web", CPU: 256, Memory: 512, Ports: []uint16{32768, 32769}},
		HostPorts: []hostPortAssignment{
			{Container: "web", ContainerPort: 80, HostPort: 32768, Protocol: ecsmodel.TransportProtocolTcp},
			{Container: "sidecar", ContainerPort: 9000, HostPort: 32769, Protocol: ecsmodel.TransportProtocolTcp},
		},
	}
	for _, opt := range opts {
		opt(rec)
	}
	return rec
}

// BenchmarkEncodeTaskRecord encodes taskRecordFixture for the store with
// encode (AppendJSON) and with json.Marshal, what encode did before.
func BenchmarkEncodeTaskRecord(b *testing.B) {
	rec := taskRecordFixture()
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := encode("/k", rec); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(rec); err != nil {
				b.Fatal(err)
			}
		}
	})
}
