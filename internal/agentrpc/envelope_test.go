package agentrpc

import (
	"strings"
	"testing"
)

func TestDecodeEnvelope(t *testing.T) {
	tests := []struct {
		name     string
		frame    string
		wantType string
		wantID   string // the AckRequest's messageId
		wantErr  bool
	}{
		{name: "as encodeEnvelope writes it", frame: `{"type":"AckRequest","message":{"messageId":"m1"}}`, wantType: TypeAck, wantID: "m1"},
		{name: "an unknown type", frame: `{"type":"FutureMessage","message":{"messageId":"m2"}}`, wantType: "FutureMessage", wantID: "m2"},
		{name: "spaces", frame: `{ "type" : "AckRequest", "message" : {"messageId":"m3"} }`, wantType: TypeAck, wantID: "m3"},
		{name: "members in another order", frame: `{"message":{"messageId":"m4"},"type":"AckRequest"}`, wantType: TypeAck, wantID: "m4"},
		{name: "a member after the message", frame: `{"type":"AckRequest","message":{"messageId":"m5"},"extra":1}`, wantType: TypeAck, wantID: "m5"},
		{name: "an escaped type", frame: `{"type":"Ack\u0052equest","message":{"messageId":"m6"}}`, wantType: TypeAck, wantID: "m6"},
		{name: "not JSON", frame: `{"type":"AckRequest","message":`, wantErr: true},
		{name: "a truncated message", frame: `{"type":"AckRequest","message":{"messageId":}`, wantType: TypeAck, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env, err := decodeEnvelope([]byte(tc.frame))
			if err == nil {
				if env.Type != tc.wantType {
					t.Fatalf("type: got %q, want %q", env.Type, tc.wantType)
				}
				var ack AckRequest
				err = decodeMessage(env, &ack)
				if err == nil && ack.MessageID != tc.wantID {
					t.Fatalf("messageId: got %q, want %q", ack.MessageID, tc.wantID)
				}
			}
			if (err != nil) != tc.wantErr {
				t.Fatalf("got error %v, want error %v", err, tc.wantErr)
			}
		})
	}
}

func TestEncodeDecodeEnvelopeRoundTrip(t *testing.T) {
	msg := PayloadMessage{MessageID: "m", SeqNum: 7, Tasks: []TaskPayload{task("aaa", 2, "RUNNING")}}
	data, err := encodeEnvelope(TypePayload, msg)
	if err != nil {
		t.Fatal(err)
	}
	env, err := decodeEnvelope(data)
	if err != nil || env.frame == nil {
		t.Fatalf("got error %v, split %v; want the frame split without a scan", err, env.frame != nil)
	}
	var got PayloadMessage
	if err := decodeMessage(env, &got); err != nil {
		t.Fatal(err)
	}
	if got.MessageID != "m" || got.SeqNum != 7 || len(got.Tasks) != 1 || got.Tasks[0].Arn != msg.Tasks[0].Arn {
		t.Fatalf("got %+v, want %+v", got, msg)
	}
	if !strings.HasPrefix(string(data), envelopeHead+TypePayload+envelopeMid) {
		t.Fatalf("encoded frame %q does not start as decodeEnvelope expects", data)
	}
}

// TestMessageTypeKnownWithoutAllocating checks that messageType returns
// the constant of every type either side sends, without allocating, and
// a copy of any other name.
func TestMessageTypeKnownWithoutAllocating(t *testing.T) {
	tests := []struct {
		name       string
		wantAllocs float64
	}{
		{name: TypePayload}, {name: TypeHeartbeat}, {name: TypeClose}, {name: TypeError},
		{name: TypeAck}, {name: TypeHeartbeatAck}, {name: TypeStateChange}, {name: TypeStateChangeAck},
		{name: TypeLogsRequest}, {name: TypeLogsCredit}, {name: TypeLogsCancel}, {name: TypeLogsChunk},
		{name: "FutureMessage", wantAllocs: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := []byte(tc.name)
			var got string
			allocs := testing.AllocsPerRun(10, func() { got = messageType(b) })
			if got != tc.name || allocs != tc.wantAllocs {
				t.Fatalf("messageType(%q): got %q with %v allocations, want %q with %v", b, got, allocs, tc.name, tc.wantAllocs)
			}
		})
	}
}
