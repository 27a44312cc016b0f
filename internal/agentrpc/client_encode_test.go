package agentrpc

import (
	"reflect"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecsmodel/jsonrand"
)

// checkSameFrame fails t unless appendStateChangeFrame writes, after what
// b already holds, the frame encoding/json writes for req with HTML
// escaping off.
func checkSameFrame(t *testing.T, b []byte, req StateChangeRequest) {
	t.Helper()
	body, err := jsonrand.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	want := string(b) + envelopeHead + TypeStateChange + envelopeMid + string(body) + "}"
	if got := string(appendStateChangeFrame(b, &req)); got != want {
		t.Fatalf("appendStateChangeFrame:\ngot  %s\nwant %s", got, want)
	}
}

// int32p returns a pointer to n.
func int32p(n int32) *int32 { return &n }

// taskChange builds a task state change fixture.
func taskChange(edit func(*ecsmodel.SubmitTaskStateChangeRequest)) *ecsmodel.SubmitTaskStateChangeRequest {
	req := &ecsmodel.SubmitTaskStateChangeRequest{
		Task:   "arn:aws:ecs:us-east-1:000000000000:task/default/0123",
		Status: "RUNNING",
		Containers: []ecsmodel.ContainerStateChange{{
			ContainerName: "web", Status: "RUNNING", RuntimeId: "abc123",
			NetworkBindings: []ecsmodel.NetworkBinding{{BindIP: "0.0.0.0", ContainerPort: int32p(80), HostPort: int32p(49153), Protocol: "tcp"}},
		}},
		PullStartedAt: ecsmodel.NewTime(time.Unix(1_700_000_000, 123_000_000)),
		PullStoppedAt: ecsmodel.NewTime(time.Unix(1_700_000_001, 0)),
	}
	if edit != nil {
		edit(req)
	}
	return req
}

func TestAppendStateChangeFrameAsEncodeEnvelope(t *testing.T) {
	tests := []struct {
		name string
		req  StateChangeRequest
	}{
		{name: "a RUNNING change with an ack", req: StateChangeRequest{MessageID: "m1", Changes: []StateChange{{Task: taskChange(nil)}}, Acks: []string{"p1"}}},
		{name: "acks only", req: StateChangeRequest{MessageID: "m2", Acks: []string{"p1", "p2"}}},
		{name: "no changes and no acks", req: StateChangeRequest{MessageID: "m3"}},
		{name: "an empty list of changes", req: StateChangeRequest{MessageID: "m4", Changes: []StateChange{}}},
		{name: "an empty change", req: StateChangeRequest{MessageID: "m5", Changes: []StateChange{{}}}},
		{name: "a STOPPED change", req: StateChangeRequest{MessageID: "m6", Changes: []StateChange{{
			StopCode: "EssentialContainerExited",
			Task: taskChange(func(r *ecsmodel.SubmitTaskStateChangeRequest) {
				r.Status, r.Reason = "STOPPED", "Essential container in task exited"
				r.ExecutionStoppedAt = ecsmodel.NewTime(time.Unix(1_700_000_100, 999_000_000))
				r.Containers[0].ExitCode, r.Containers[0].Status, r.Containers[0].NetworkBindings = int32p(-1), "STOPPED", nil
			}),
		}}}},
		{name: "a container change", req: StateChangeRequest{MessageID: "m7", Changes: []StateChange{{Container: &ecsmodel.SubmitContainerStateChangeRequest{
			Task: "t", ContainerName: "side", Status: "STOPPED", ExitCode: int32p(0), Reason: "done", RuntimeId: "r",
			NetworkBindings: []ecsmodel.NetworkBinding{},
		}}}}},
		{name: "strings encoding/json escapes", req: StateChangeRequest{MessageID: "m8", Changes: []StateChange{{Task: taskChange(func(r *ecsmodel.SubmitTaskStateChangeRequest) {
			r.Reason = "CannotPullContainerError: \"a<b>&c\"\n\té\xff\u2028"
			r.Containers[0].Reason = "\x7f\\"
		})}}}},
		{name: "a time before 1970", req: StateChangeRequest{MessageID: "m9", Changes: []StateChange{{Task: taskChange(func(r *ecsmodel.SubmitTaskStateChangeRequest) {
			r.PullStartedAt = ecsmodel.NewTime(time.Unix(-5, 250_000_000))
		})}}}},
		{name: "empty containers", req: StateChangeRequest{MessageID: "m10", Changes: []StateChange{{Task: taskChange(func(r *ecsmodel.SubmitTaskStateChangeRequest) {
			r.Containers = []ecsmodel.ContainerStateChange{}
		})}}}},
		{name: "attachments", req: StateChangeRequest{MessageID: "m11", Changes: []StateChange{{Task: taskChange(func(r *ecsmodel.SubmitTaskStateChangeRequest) {
			r.Attachments = []ecsmodel.AttachmentStateChange{{AttachmentArn: "a", Status: "ATTACHED"}}
		})}}}},
		{name: "managed agents", req: StateChangeRequest{MessageID: "m12", Changes: []StateChange{{Task: taskChange(func(r *ecsmodel.SubmitTaskStateChangeRequest) {
			r.ManagedAgents = []ecsmodel.ManagedAgentStateChange{}
		})}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkSameFrame(t, []byte("kept"), tc.req)
		})
	}
}

// TestAppendStateChangeFrameEveryMember writes a request in which every
// member the agent may report is set.
func TestAppendStateChangeFrameEveryMember(t *testing.T) {
	var req StateChangeRequest
	fill(reflect.ValueOf(&req).Elem(), 1)
	for i := range req.Changes {
		task := req.Changes[i].Task
		task.ExecutionStoppedAt = ecsmodel.NewTime(time.UnixMilli(1_700_000_000_001 + int64(i)))
		task.PullStartedAt = ecsmodel.NewTime(time.UnixMilli(1_700_000_000_020))
		task.PullStoppedAt = ecsmodel.NewTime(time.UnixMilli(1_700_000_000_300))
	}
	checkSameFrame(t, nil, req)
}

func FuzzAppendStateChangeFrame(f *testing.F) {
	for _, seed := range []string{"", "plain", `"q"`, `\`, "<&>", "\x00\x1f\x7f", "é\xff", "\u2028\u2029"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkSameFrame(t, nil, StateChangeRequest{MessageID: s, Acks: []string{s}})
	})
}

// TestAppendStateChangeFrameRandom compares appendStateChangeFrame with
// encoding/json on random requests.
func TestAppendStateChangeFrameRandom(t *testing.T) {
	for seed := range uint64(300) {
		var req StateChangeRequest
		jsonrand.New(seed).Fill(&req)
		checkSameFrame(t, nil, req)
	}
}
