package ecsapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecsmodel/jsonrand"
)

// TestEncodeResponse checks encodeResponse on responses that write their
// own JSON and on others against the Encoder it used for all of them.
func TestEncodeResponse(t *testing.T) {
	for _, tc := range []struct {
		name string
		out  any
		want string
	}{
		{"nil", nil, "{}"},
		{"nil shape", (*ecsmodel.DescribeTasksResponse)(nil), "{}"},
		{"empty shape", &ecsmodel.DeleteAttributesResponse{}, "{}"},
		{"shape", &ecsmodel.DescribeTasksResponse{Tasks: []ecsmodel.Task{{TaskArn: "a<b>&c", Version: 2}}, Failures: []ecsmodel.Failure{}},
			`{"failures":[],"tasks":[{"enableExecuteCommand":false,"taskArn":"a<b>&c","version":2}]}`},
		{"not a shape", map[string]string{"b": "<", "a": "\u2028"}, `{"a":"\u2028","b":"<"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := encodeResponse(&buf, tc.out); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestEncodeResponseMatchesEncoder encodes random DescribeTasks and RunTask
// responses and requires the bytes the Encoder writes.
func TestEncodeResponseMatchesEncoder(t *testing.T) {
	for seed := range uint64(100) {
		for _, out := range []any{new(ecsmodel.DescribeTasksResponse), new(ecsmodel.RunTaskResponse)} {
			jsonrand.New(seed).Fill(out)
			want, err := jsonrand.Marshal(out)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := encodeResponse(&buf, out); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("%T, seed %d: got %s, want %s", out, seed, buf.Bytes(), want)
			}
		}
	}
}

// describedTasks returns n running tasks of two containers each, as
// DescribeTasks returns them.
func describedTasks(n int) *ecsmodel.DescribeTasksResponse {
	at := ecsmodel.NewTime(createdAt)
	out := &ecsmodel.DescribeTasksResponse{Failures: []ecsmodel.Failure{}}
	for i := range n {
		arn := fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:task/default/0195f3a2c4d1e6f78a9b0c1d2e3f%04d", i)
		task := ecsmodel.Task{
			TaskArn: arn, ClusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/default",
			TaskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
			LastStatus:        "RUNNING", DesiredStatus: "RUNNING", Cpu: "256", Memory: "512", Group: "family:web",
			LaunchType: ecsmodel.LaunchTypeEc2, AvailabilityZone: "us-east-1a", CreatedAt: at, StartedAt: at,
			Version: 3, HealthStatus: ecsmodel.HealthStatusUnknown,
			Overrides:   &ecsmodel.TaskOverride{ContainerOverrides: []ecsmodel.ContainerOverride{{Name: "web"}, {Name: "sidecar"}}},
			Attributes:  []ecsmodel.Attribute{{Name: "ecs.cpu-architecture", Value: "x86_64"}},
			Attachments: []ecsmodel.Attachment{},
		}
		for _, name := range []string{"web", "sidecar"} {
			task.Containers = append(task.Containers, ecsmodel.Container{
				ContainerArn: arn + "/" + name, TaskArn: arn, Name: name, Image: "nginx:1.27",
				LastStatus: "RUNNING", Cpu: "128", Memory: "256", HealthStatus: ecsmodel.HealthStatusUnknown,
			})
		}
		out.Tasks = append(out.Tasks, task)
	}
	return out
}

// BenchmarkEncodeResponse encodes a DescribeTasks response of 100 tasks
// with encodeResponse (AppendJSON) and with the Encoder it used before.
func BenchmarkEncodeResponse(b *testing.B) {
	out := describedTasks(100)
	var buf bytes.Buffer
	b.Run("DescribeTasks100/AppendJSON", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := encodeResponse(&buf, out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DescribeTasks100/Encoder", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
