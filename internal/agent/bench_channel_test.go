package agent

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// BenchmarkChannelTaskStart measures what the agents of a fleet spend per
// task placed on them: rounds of 10 payloads of one task each (as a
// RunTask of count 10 spreads its tasks over 10 instances) go from a real
// Hub over loopback websockets to sim agents, which ack each, start its
// task and report it RUNNING over the channel; a round ends when the
// Hub's side has received the 10 RUNNING changes. One op is one task;
// cpu-µs/task is the CPU time the whole process used per task, the Hub's
// side (encoding payloads, decoding reports) included. With 1,000 agents,
// as berth bench --fleet runs, each agent's memory is cold when its next
// task comes.
func BenchmarkChannelTaskStart(b *testing.B) {
	for _, agents := range []int{50, 1000} {
		b.Run(fmt.Sprintf("agents=%d", agents), func(b *testing.B) { benchmarkChannelTaskStart(b, agents) })
	}
}

func benchmarkChannelTaskStart(b *testing.B, agents int) {
	const perRound = 10
	f := newChannelFakeServer(b)
	running := make(chan struct{}, 4*perRound)
	f.mu.Lock()
	f.onChannelTask = func(c ecsmodel.SubmitTaskStateChangeRequest) {
		if c.Status == "RUNNING" {
			running <- struct{}{}
		}
	}
	f.mu.Unlock()
	fleet, err := NewFleet(FleetConfig{Agents: agents, Base: agentConfig(f, b.TempDir(), nil)})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = fleet.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	for fleet.Connected() < agents {
		time.Sleep(5 * time.Millisecond)
	}
	arns := make([]string, agents)
	for i, a := range fleet.Agents() {
		arns[i] = a.ContainerInstanceArn()
	}

	b.ReportAllocs()
	b.ResetTimer()
	cpuBefore := processCPU(b)
	for sent := 0; sent < b.N; {
		n := min(perRound, b.N-sent)
		for range n {
			f.hub.Notify("default", arns[sent%agents], benchTaskPayload(fmt.Sprintf("%032x", sent)))
			sent++
		}
		for range n {
			select {
			case <-running:
			case <-time.After(30 * time.Second):
				b.Fatalf("gave up waiting for RUNNING reports after %d tasks", sent)
			}
		}
	}
	b.ReportMetric(float64((processCPU(b)-cpuBefore).Microseconds())/float64(b.N), "cpu-µs/task")
}

// benchTaskPayload is a task as agentbridge sends it for berth bench's
// task definition: one container running sleep 3600, the model's empty
// lists, and the overrides ECS echoes.
func benchTaskPayload(id string) agentrpc.TaskPayload {
	essential := true
	memory := int32(6)
	c := agentrpc.ContainerPayload{
		ContainerArn: "arn:aws:ecs:us-east-1:000000000000:container/default/" + id + "/703efb39-7b63-406c-8cbf-adda4c7f5d6a",
	}
	c.Name, c.Image, c.Command, c.Cpu = "bench", "busybox:latest", []string{"sleep", "3600"}, 1
	c.Essential, c.Memory = &essential, &memory
	c.Environment, c.MountPoints, c.PortMappings = []ecsmodel.KeyValuePair{}, []ecsmodel.MountPoint{}, []ecsmodel.PortMapping{}
	c.SystemControls, c.VolumesFrom = []ecsmodel.SystemControl{}, []ecsmodel.VolumeFrom{}
	return agentrpc.TaskPayload{
		Arn:               taskArn(id),
		DesiredStatus:     desiredRunning,
		Version:           1,
		TaskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/berth-bench:1",
		Family:            "berth-bench",
		Revision:          1,
		Cpu:               "1",
		Memory:            "6",
		Containers:        []agentrpc.ContainerPayload{c},
		Overrides: &ecsmodel.TaskOverride{
			ContainerOverrides:            []ecsmodel.ContainerOverride{{Name: "bench"}},
			InferenceAcceleratorOverrides: []ecsmodel.InferenceAcceleratorOverride{},
		},
		StartedBy: "berth-bench",
		Group:     "family:berth-bench",
	}
}

// processCPU returns the user and system CPU time this process has used.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
