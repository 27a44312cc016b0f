package agentrpc

import (
	"reflect"
	"testing"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecsmodel/jsonrand"
)

// referencePayloadFrame is the frame encoding/json writes for msg with
// HTML escaping off: what appendPayloadFrame must write byte for byte.
func referencePayloadFrame(t *testing.T, msg *PayloadMessage) string {
	t.Helper()
	body, err := jsonrand.Marshal(msg)
	if err != nil {
		t.Fatalf("reference encoding: %v", err)
	}
	return envelopeHead + TypePayload + envelopeMid + string(body) + "}"
}

// payloadMessageOf builds a payload message of the given tasks.
func payloadMessageOf(snapshot bool, tasks ...TaskPayload) *PayloadMessage {
	return &PayloadMessage{MessageID: "m-1", ClusterArn: "arn:cluster/c", ContainerInstanceArn: "arn:ci/c/i",
		SeqNum: 7, Snapshot: snapshot, Tasks: tasks}
}

// TestAppendPayloadFrameCases checks hand-picked payloads: no tasks, a
// snapshot, a container whose definition has nothing set, bindings.
func TestAppendPayloadFrameCases(t *testing.T) {
	name := "web"
	port := int32(8080)
	cases := []struct {
		name string
		msg  *PayloadMessage
	}{
		{"nil tasks", payloadMessageOf(false)},
		{"empty snapshot", payloadMessageOf(true, []TaskPayload{}...)},
		{"task without containers", payloadMessageOf(false, TaskPayload{Arn: "a", DesiredStatus: "STOPPED", Version: 3})},
		{"definition with nothing set", payloadMessageOf(false, TaskPayload{Arn: "a", DesiredStatus: "RUNNING", Version: 1,
			Containers: []ContainerPayload{{ContainerArn: "c"}}})},
		{"full task", payloadMessageOf(false, TaskPayload{Arn: "a", DesiredStatus: "RUNNING", Version: 2,
			TaskDefinitionArn: "td", Family: "f", Revision: 4, Cpu: "256", Memory: "512", NetworkMode: "bridge",
			Containers: []ContainerPayload{{ContainerDefinition: ecsmodel.ContainerDefinition{Name: name},
				ContainerArn: "c", NetworkBindings: []ecsmodel.NetworkBinding{{HostPort: &port}}}},
			Overrides: &ecsmodel.TaskOverride{}, StopTimeout: 30, StartedBy: "me <&>", Group: "g"})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, want := string(appendPayloadFrame(nil, tc.msg)), referencePayloadFrame(t, tc.msg)
			if got != want {
				t.Fatalf("got %s, want %s", got, want)
			}
		})
	}
}

// TestAppendPayloadFrameRandom compares appendPayloadFrame with
// encoding/json on random payloads.
func TestAppendPayloadFrameRandom(t *testing.T) {
	for seed := range uint64(300) {
		var msg PayloadMessage
		jsonrand.New(seed).Fill(&msg)
		got, want := string(appendPayloadFrame(nil, &msg)), referencePayloadFrame(t, &msg)
		if got != want {
			t.Fatalf("seed %d: got %s, want %s", seed, got, want)
		}
	}
}

// TestAppendedPayloadDecodes checks that the agent decodes the frame to
// the same message as the frame encodeEnvelope writes, whose <, > and &
// are escaped.
func TestAppendedPayloadDecodes(t *testing.T) {
	for seed := range uint64(50) {
		var msg PayloadMessage
		jsonrand.New(seed).Fill(&msg)
		old, err := encodeEnvelope(TypePayload, msg)
		if err != nil {
			t.Fatalf("seed %d: encodeEnvelope: %v", seed, err)
		}
		got, want := decodePayloadFrame(t, appendPayloadFrame(nil, &msg)), decodePayloadFrame(t, old)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: got %+v, want %+v", seed, got, want)
		}
	}
}

// decodePayloadFrame decodes a payload frame as the agent does.
func decodePayloadFrame(t *testing.T, frame []byte) PayloadMessage {
	t.Helper()
	env, err := decodeEnvelope(frame)
	if err != nil || env.Type != TypePayload {
		t.Fatalf("decodeEnvelope: got (%q, %v), want (%q, nil)", env.Type, err, TypePayload)
	}
	var msg PayloadMessage
	if err := decodeMessage(env, &msg); err != nil {
		t.Fatalf("decodeMessage: %v", err)
	}
	return msg
}
