package ecsmodel

import (
	"encoding/json"
	"testing"
	"time"
)

// benchTask is a running task as the control plane stores and describes it:
// two containers with their overrides, one port binding each, an
// attribute, four timestamps.
func benchTask() *Task {
	at := NewTime(time.Date(2025, 3, 4, 5, 6, 7, 891_000_000, time.UTC))
	const arn = "arn:aws:ecs:us-east-1:123456789012:task/default/0195f3a2c4d1e6f78a9b0c1d2e3f4a5b"
	container := func(name, image string, port int32) Container {
		return Container{
			ContainerArn: "arn:aws:ecs:us-east-1:123456789012:container/default/0195f3a2c4d1e6f78a9b0c1d2e3f4a5b/6f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f",
			TaskArn:      arn, Name: name, Image: image, LastStatus: "RUNNING", Cpu: "128", Memory: "256",
			HealthStatus: HealthStatusUnknown, RuntimeId: "3f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d",
			NetworkBindings: []NetworkBinding{{BindIP: "0.0.0.0", ContainerPort: &port, HostPort: new(int32(32768 + port)), Protocol: TransportProtocolTcp}},
		}
	}
	return &Task{
		TaskArn: arn, ClusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/default",
		TaskDefinitionArn:    "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
		ContainerInstanceArn: "arn:aws:ecs:us-east-1:123456789012:container-instance/default/5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e",
		LastStatus:           "RUNNING", DesiredStatus: "RUNNING", Cpu: "256", Memory: "512", Group: "family:web",
		StartedBy: "ecs-svc/1234567890123456789", LaunchType: LaunchTypeEc2, AvailabilityZone: "us-east-1a",
		CreatedAt: at, PullStartedAt: at, PullStoppedAt: at, StartedAt: at, ConnectivityAt: at, Connectivity: ConnectivityConnected,
		Version: 3, HealthStatus: HealthStatusUnknown,
		Overrides:   &TaskOverride{ContainerOverrides: []ContainerOverride{{Name: "web"}, {Name: "sidecar"}}, InferenceAcceleratorOverrides: []InferenceAcceleratorOverride{}},
		Attributes:  []Attribute{{Name: "ecs.cpu-architecture", Value: "x86_64"}},
		Attachments: []Attachment{},
		Containers:  []Container{container("web", "nginx:1.27", 80), container("sidecar", "busybox:latest", 9000)},
	}
}

// BenchmarkAppendJSON encodes benchTask with AppendJSON into a reused
// buffer and, for comparison, with json.Marshal.
func BenchmarkAppendJSON(b *testing.B) {
	task := benchTask()
	want, err := json.Marshal(task)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Task/AppendJSON", func(b *testing.B) {
		buf := make([]byte, 0, 4096)
		b.SetBytes(int64(len(want)))
		b.ReportAllocs()
		for b.Loop() {
			buf = task.AppendJSON(buf[:0])
		}
	})
	b.Run("Task/json.Marshal", func(b *testing.B) {
		b.SetBytes(int64(len(want)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(task); err != nil {
				b.Fatal(err)
			}
		}
	})
}
