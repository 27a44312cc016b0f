package agentrpc

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// benchReceiver takes state changes and applies none of them: every
// change succeeds.
type benchReceiver struct{ *fakeControl }

func (benchReceiver) ApplyStateChanges(_ context.Context, _, _ string, changes []StateChange) []StateChangeResult {
	return make([]StateChangeResult, len(changes))
}

// BenchmarkHubTaskFrames measures the frames of one task start on a real
// Hub, as a fleet agent exchanges them: the Hub sends a PayloadMessage of
// one task, the agent (a bare websocket on 127.0.0.1) answers with a
// StateChangeRequest that reports the task RUNNING and acks the payload,
// and the Hub answers with a StateChangeAck. cpu-µs/op is the CPU time of
// the whole process per task; the agent's side is a fixed, small part of
// it (it decodes the payload and writes a prepared report).
func BenchmarkHubTaskFrames(b *testing.B) {
	f := newHubFixture(b, func(c *HubConfig) { c.Control = benchReceiver{c.Control.(*fakeControl)} })
	const instance = testInstance
	ws := f.mustRawDial(b, instance, 1).ws
	// The snapshot comes first.
	if _, _, err := ws.ReadMessage(); err != nil {
		b.Fatal(err)
	}
	started := time.Now()
	var frame []byte

	b.ReportAllocs()
	b.ResetTimer()
	cpuBefore := processCPU(b)
	for i := range b.N {
		id := fmt.Sprintf("%032x", i)
		f.hub.Notify(testCluster, instance, benchTask(id))
		payload := benchRead(b, ws, TypePayload)
		msg, err := decodePayload(payload)
		if err != nil || len(msg.Tasks) != 1 {
			b.Fatalf("payload: got %d tasks (error %v), want 1", len(msg.Tasks), err)
		}
		frame = appendStateChangeFrame(frame[:0], &StateChangeRequest{
			MessageID: "sc-" + id,
			Changes:   []StateChange{runningChange(msg.Tasks[0].Arn, started)},
			Acks:      []string{msg.MessageID},
		})
		if err := ws.WriteMessage(websocket.TextMessage, frame); err != nil {
			b.Fatal(err)
		}
		ack := benchRead(b, ws, TypeStateChangeAck)
		if got, err := decodeStateAck(ack); err != nil || len(got.Results) != 1 || got.Results[0].Code != "" {
			b.Fatalf("ack: got %+v (error %v), want one empty result", got, err)
		}
	}
	b.ReportMetric(float64((processCPU(b)-cpuBefore).Microseconds())/float64(b.N), "cpu-µs/op")
}

// benchRead reads frames until one of type typ arrives.
func benchRead(tb testing.TB, ws *websocket.Conn, typ string) Envelope {
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			tb.Fatalf("read %s: %v", typ, err)
		}
		env, err := decodeEnvelope(data)
		if err != nil {
			tb.Fatalf("read %s: %v", typ, err)
		}
		if env.Type == typ {
			return env
		}
	}
}

// benchTask is a task as agentbridge sends one for berth bench's task
// definition (see benchPayload).
func benchTask(id string) TaskPayload {
	essential, memory := true, int32(6)
	c := ContainerPayload{ContainerArn: "arn:aws:ecs:us-east-1:000000000000:container/default/" + id + "/703efb39-7b63-406c-8cbf-adda4c7f5d6a"}
	c.Name, c.Image, c.Command, c.Cpu = "bench", "busybox:latest", []string{"sleep", "3600"}, 1
	c.Essential, c.Memory = &essential, &memory
	c.Environment, c.MountPoints, c.PortMappings = []ecsmodel.KeyValuePair{}, []ecsmodel.MountPoint{}, []ecsmodel.PortMapping{}
	c.SystemControls, c.VolumesFrom = []ecsmodel.SystemControl{}, []ecsmodel.VolumeFrom{}
	return TaskPayload{
		Arn: "arn:aws:ecs:us-east-1:000000000000:task/default/" + id, DesiredStatus: "RUNNING", Version: 1,
		TaskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/berth-bench:1",
		Family:            "berth-bench", Revision: 1, Cpu: "1", Memory: "6",
		Containers: []ContainerPayload{c},
		Overrides: &ecsmodel.TaskOverride{
			ContainerOverrides:            []ecsmodel.ContainerOverride{{Name: "bench"}},
			InferenceAcceleratorOverrides: []ecsmodel.InferenceAcceleratorOverride{},
		},
		StartedBy: "berth-bench", Group: "family:berth-bench",
	}
}

// runningChange is the report an agent sends when the task taskArn of
// benchTask reaches RUNNING: its container with a runtime ID, and the
// pull timestamps.
func runningChange(taskArn string, pulled time.Time) StateChange {
	return StateChange{Task: &ecsmodel.SubmitTaskStateChangeRequest{
		Task:   taskArn,
		Status: "RUNNING",
		Containers: []ecsmodel.ContainerStateChange{{
			ContainerName: "bench",
			RuntimeId:     "5f1e0c0d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d",
			Status:        "RUNNING",
		}},
		PullStartedAt: ecsmodel.NewTime(pulled),
		PullStoppedAt: ecsmodel.NewTime(pulled.Add(1500 * time.Millisecond)),
	}}
}

// processCPU returns the user and system CPU time this process has used.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
