package agentrpc

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/berth-io/berth/internal/ecs"
)

// stateAckByEncoder is the frame of ack as encodeEnvelope writes it, but
// with HTML escaping off, as appendStateAckFrame writes strings.
func stateAckByEncoder(t *testing.T, ack StateChangeAck) string {
	t.Helper()
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ack); err != nil {
		t.Fatal(err)
	}
	return `{"type":"StateChangeAck","message":` + string(bytes.TrimSuffix(body.Bytes(), []byte("\n"))) + `}`
}

func TestAppendStateAckFrame(t *testing.T) {
	tests := []struct {
		name  string
		ack   StateChangeAck
		plain bool // no string needs an escape
	}{
		{name: "applied", ack: StateChangeAck{MessageID: "sc-1", Results: []StateChangeResult{{}}}, plain: true},
		{name: "mixed results", ack: StateChangeAck{MessageID: "sc-2", Results: []StateChangeResult{
			{}, {Code: ecs.CodeServer, Message: "try later"}, {Code: ecs.CodeInvalidParameter}, {Message: "only a message"}}}, plain: true},
		{name: "no results", ack: StateChangeAck{MessageID: "sc-3", Results: []StateChangeResult{}}, plain: true},
		{name: "nil results", ack: StateChangeAck{MessageID: "sc-4"}, plain: true},
		{name: "no id", ack: StateChangeAck{Results: []StateChangeResult{{}}}, plain: true},
		{name: "escapes", ack: StateChangeAck{MessageID: "a\"b\\c", Results: []StateChangeResult{
			{Code: "<&>", Message: "line\nbreak\ttab \u2028 é \xff"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := appendStateAckFrame(nil, &tc.ack)
			if want := stateAckByEncoder(t, tc.ack); string(got) != want {
				t.Fatalf("frame:\ngot  %s\nwant %s", got, want)
			}
			byEnvelope, err := encodeEnvelope(TypeStateChangeAck, tc.ack)
			if err != nil {
				t.Fatal(err)
			}
			var gotEnv, wantEnv Envelope
			var gotAck, wantAck StateChangeAck
			for _, d := range []struct {
				frame []byte
				env   *Envelope
				ack   *StateChangeAck
			}{{got, &gotEnv, &gotAck}, {byEnvelope, &wantEnv, &wantAck}} {
				if err := json.Unmarshal(d.frame, d.env); err != nil {
					t.Fatalf("decode %s: %v", d.frame, err)
				}
				if err := json.Unmarshal(d.env.Message, d.ack); err != nil {
					t.Fatalf("decode %s: %v", d.frame, err)
				}
			}
			if gotEnv.Type != wantEnv.Type || !reflect.DeepEqual(gotAck, wantAck) {
				t.Fatalf("decoded: got %s %+v, want %s %+v", gotEnv.Type, gotAck, wantEnv.Type, wantAck)
			}
			if size := stateAckSize(&tc.ack); tc.plain && len(got) > size {
				t.Fatalf("stateAckSize: got %d, want at least the frame's %d", size, len(got))
			}
		})
	}
}

// TestSendStateAck checks that sendStateAck queues the ack's frame for
// the writer and wakes it.
func TestSendStateAck(t *testing.T) {
	c := newHubConn(nil, &instanceState{arn: testInstance, cluster: testCluster}, nil)
	results := []StateChangeResult{{}, {Code: ecs.CodeServer, Message: "later"}}
	c.sendStateAck("sc-9", results)
	select {
	case <-c.kick:
	default:
		t.Fatal("writer poked: got false, want true")
	}
	frames := c.takeControl()
	if len(frames) != 1 {
		t.Fatalf("queued frames: got %d, want 1", len(frames))
	}
	env, err := decodeEnvelope(frames[0])
	if err != nil || env.Type != TypeStateChangeAck {
		t.Fatalf("frame %s: got type %q (error %v), want %s", frames[0], env.Type, err, TypeStateChangeAck)
	}
	ack, err := decodeStateAck(env)
	if want := (StateChangeAck{MessageID: "sc-9", Results: results}); err != nil || !reflect.DeepEqual(ack, want) {
		t.Fatalf("ack: got %+v (error %v), want %+v", ack, err, want)
	}
}

// BenchmarkEncodeStateAck measures what the Hub spends encoding the ack
// of a task's report, with appendStateAckFrame and, for comparison, with
// encodeEnvelope.
func BenchmarkEncodeStateAck(b *testing.B) {
	ack := StateChangeAck{MessageID: "1b4e28ba-2fa1-11d2-883f-0016d3cca427", Results: []StateChangeResult{{}}}
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if data := appendStateAckFrame(make([]byte, 0, stateAckSize(&ack)), &ack); len(data) == 0 {
				b.Fatal("empty frame")
			}
		}
	})
	b.Run("encodeEnvelope", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, err := encodeEnvelope(TypeStateChangeAck, ack); err != nil {
				b.Fatal(err)
			}
		}
	})
}
