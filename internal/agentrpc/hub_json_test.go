package agentrpc

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// runningStateJSON is the StateChangeRequest an agent sends when a task
// reaches RUNNING (report and payload ack), as appendStateChangeFrame
// writes its message.
const runningStateJSON = `{"messageId":"sc-1","changes":[{"task":{"containers":[{"containerName":"bench","runtimeId":"5f1e0c0d","status":"RUNNING"}],"pullStartedAt":1700000000.123,"pullStoppedAt":1700000001.623,"status":"RUNNING","task":"arn:aws:ecs:us-east-1:000000000000:task/default/01a2"}}],"acks":["p-1"]}`

// stateWith is runningStateJSON with old replaced by new.
func stateWith(old, new string) string {
	if !strings.Contains(runningStateJSON, old) {
		panic(fmt.Sprintf("runningStateJSON has no %q", old))
	}
	return strings.Replace(runningStateJSON, old, new, 1)
}

func TestDecodeStateChangeRequestAsEncodingJSON(t *testing.T) {
	const container = `{"container":{"containerName":"app","exitCode":137,"networkBindings":[{"bindIP":"0.0.0.0","containerPort":80,"hostPort":49153,"protocol":"tcp"}],"reason":"killed","runtimeId":"abc","status":"STOPPED","task":"t"}}`
	checkDecodeCases(t, decodeStateChangeRequest, stateChangeRequestReader, []decodeCase{
		{name: "as the agent writes it", message: runningStateJSON, wantFast: true},
		{name: "a stopped task", message: stateWith(`{"containers":[{"containerName":"bench","runtimeId":"5f1e0c0d","status":"RUNNING"}]`,
			`{"containers":[{"containerName":"bench","exitCode":-1,"imageDigest":"sha256:00","reason":"exited","runtimeId":"5f1e0c0d","status":"STOPPED"}],"executionStoppedAt":1700000009.5`), wantFast: true},
		{name: "a stop code", message: stateWith(`}}],"acks"`, `},"stopCode":"EssentialContainerExited"}],"acks"`), wantFast: true},
		{name: "a container change", message: stateWith(`"changes":[`, `"changes":[`+container+`,`), wantFast: true},
		{name: "a task and a container in one change", message: stateWith(`}}],"acks"`, `},"container":{"task":"t"}}],"acks"`), wantFast: true},
		{name: "attachments and managed agents", message: stateWith(`{"containers"`,
			`{"attachments":[{"attachmentArn":"a","status":"ATTACHED"}],"managedAgents":[{"containerName":"bench","managedAgentName":"ExecuteCommandAgent","reason":"r","status":"RUNNING"}],"cluster":"c","containers"`), wantFast: true},
		{name: "no acks", message: stateWith(`,"acks":["p-1"]`, ``), wantFast: true},
		{name: "only acks", message: `{"messageId":"sc-2","changes":null,"acks":["p-1","p-2"]}`, wantFast: true},
		{name: "empty lists", message: `{"messageId":"sc-2","changes":[],"acks":[]}`, wantFast: true},
		{name: "an empty change", message: `{"messageId":"sc-2","changes":[{}]}`, wantFast: true},
		{name: "null members", message: `{"messageId":null,"changes":[{"task":null,"container":null}],"acks":null}`, wantFast: true},
		{name: "white space everywhere", message: " {\n\t\"messageId\" : \"m\" ,\r\n \"changes\" : [ { \"task\" : { \"pullStartedAt\" : 12.5 , \"status\" : \"RUNNING\" } } ] } ", wantFast: true},
		{name: "members in another order", message: `{"acks":["p"],"changes":[{"task":{"task":"t","pullStoppedAt":2,"pullStartedAt":1}}],"messageId":"m"}`, wantFast: true},
		{name: "escapes", message: stateWith(`"status":"RUNNING","task"`, `"status":"RUNNING","reason":"a\"b\\c\u00e9\n<&>","task"`), wantFast: true},
		{name: "UTF-8", message: stateWith(`"containerName":"bench"`, `"containerName":"bérth ☃"`), wantFast: true},
		{name: "a timestamp as an integer", message: stateWith(`1700000000.123`, `1700000000`), wantFast: true},
		{name: "a timestamp with an exponent", message: stateWith(`1700000000.123`, `1.7000000001234E+9`), wantFast: true},
		{name: "a negative timestamp", message: stateWith(`1700000000.123`, `-0.5e-1`), wantFast: true},
		{name: "a zero timestamp", message: stateWith(`1700000000.123`, `-0`), wantFast: true},
		{name: "a timestamp as RFC 3339", message: stateWith(`1700000000.123`, `"2023-11-14T22:13:20.123Z"`), wantFast: true},
		{name: "a null timestamp", message: stateWith(`1700000000.123`, `null`), wantFast: true},
		{name: "a timestamp with a leading zero", message: stateWith(`1700000000.123`, `01`), wantFast: false},
		{name: "a timestamp without fraction digits", message: stateWith(`1700000000.123`, `1.`), wantFast: false},
		{name: "a timestamp without integer digits", message: stateWith(`1700000000.123`, `-.5`), wantFast: false},
		{name: "a timestamp without exponent digits", message: stateWith(`1700000000.123`, `1e+`), wantFast: false},
		{name: "a timestamp out of range", message: stateWith(`1700000000.123`, `1e400`), wantFast: false},
		{name: "a timestamp followed by junk", message: stateWith(`1700000000.123`, `17x`), wantFast: false},
		{name: "a bad timestamp string", message: stateWith(`1700000000.123`, `"yesterday"`), wantFast: false},
		{name: "a member name in another case", message: stateWith(`"status":"RUNNING","task"`, `"Status":"RUNNING","task"`), wantFast: false},
		{name: "an unknown member", message: stateWith(`"status":"RUNNING","task"`, `"status":"RUNNING","future":[1,{"a":"]"}],"task"`), wantFast: false},
		{name: "an unknown member of a change", message: stateWith(`}}],"acks"`, `},"retry":true}],"acks"`), wantFast: false},
		{name: "a repeated member", message: stateWith(`"status":"RUNNING","task"`, `"status":"RUNNING","status":"STOPPED","task"`), wantFast: false},
		{name: "an exit code that overflows", message: stateWith(`"containerName":"bench"`, `"containerName":"bench","exitCode":2147483648`), wantFast: false},
		{name: "an exit code with a fraction", message: stateWith(`"containerName":"bench"`, `"containerName":"bench","exitCode":1.5`), wantFast: false},
		{name: "a number for a string", message: stateWith(`"status":"RUNNING","task"`, `"status":5,"task"`), wantFast: false},
		{name: "a string for a list", message: stateWith(`["p-1"]`, `"p-1"`), wantFast: false},
		{name: "null in the acks", message: stateWith(`["p-1"]`, `["p-1",null]`), wantFast: false},
		{name: "a control character", message: stateWith(`"containerName":"bench"`, "\"containerName\":\"a\tb\""), wantFast: false},
		{name: "trailing data", message: runningStateJSON + `x`, wantFast: false},
		{name: "a truncated message", message: runningStateJSON[:150], wantFast: false},
		{name: "a list for the message", message: `[]`, wantFast: false},
		{name: "empty", message: ``, wantFast: false},
	})
}

// TestDecodeStateChangeRequestEveryMember decodes a request in which
// every field is set, as encoding/json writes it and as the agent writes
// it: the readers take both themselves and get what encoding/json gets.
func TestDecodeStateChangeRequestEveryMember(t *testing.T) {
	var req StateChangeRequest
	fill(reflect.ValueOf(&req).Elem(), 1)
	at := ecsmodel.NewTime(time.Date(2023, 11, 14, 22, 13, 20, 123e6, time.UTC))
	for _, c := range req.Changes {
		c.Task.PullStartedAt, c.Task.PullStoppedAt, c.Task.ExecutionStoppedAt = at, at, at // fill leaves them zero
	}
	byJSON, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	frame := appendStateChangeFrame(nil, &req)
	env, err := decodeEnvelope(frame)
	if err != nil {
		t.Fatal(err)
	}
	for _, message := range []string{string(byJSON), string(env.Message)} {
		checkDecodesAsJSON(t, decodeStateChangeRequest, message)
		if !fastPath(stateChangeRequestReader, message) {
			t.Fatalf("fast path taken: got false, want true for %s", message)
		}
	}
	got, err := decodeStateChangeRequest(env)
	if err != nil || !reflect.DeepEqual(got, req) {
		t.Fatalf("got %+v (error %v), want %+v", got, err, req)
	}
}

// TestDecodeStateChangeRequestFromWholeFrame checks the fallback
// decodeMessage covers: a frame with a member after "message".
func TestDecodeStateChangeRequestFromWholeFrame(t *testing.T) {
	env, err := decodeEnvelope([]byte(`{"type":"StateChangeRequest","message":` + runningStateJSON + `,"extra":1}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeStateChangeRequest(env)
	if err != nil || got.MessageID != "sc-1" || len(got.Changes) != 1 {
		t.Fatalf("got %+v (error %v), want request sc-1 of one change", got, err)
	}
}

func TestDecodeAckAsEncodingJSON(t *testing.T) {
	checkDecodeCases(t, decodeAck, ackReader, []decodeCase{
		{name: "as the agent writes it", message: `{"messageId":"p-1","clusterArn":"c","containerInstanceArn":"i"}`, wantFast: true},
		{name: "only the id", message: `{"messageId":"p-1"}`, wantFast: true},
		{name: "an unknown member", message: `{"messageId":"p-1","seqNum":3}`, wantFast: false},
		{name: "a number for the id", message: `{"messageId":1}`, wantFast: false},
		{name: "not JSON", message: `{"messageId":`, wantFast: false},
	})
}

func TestJSONReaderNumber(t *testing.T) {
	tests := []struct {
		in   string
		want string // the number read; empty: the reader fails
	}{
		{in: "0", want: "0"},
		{in: "-0,", want: "-0"},
		{in: " 12.50}", want: "12.50"},
		{in: "1e9", want: "1e9"},
		{in: "-1.5E-07]", want: "-1.5E-07"},
		{in: "01", want: "0"}, // the object reader then fails on the 1
		{in: "-"},
		{in: "-a"},
		{in: ".5"},
		{in: "1."},
		{in: "1.e5"},
		{in: "1e"},
		{in: "1e+"},
		{in: ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			r := jsonReader{data: []byte(tc.in)}
			got := string(r.number())
			if r.failed != (tc.want == "") || got != tc.want {
				t.Fatalf("number(%q): got %q (failed %v), want %q", tc.in, got, r.failed, tc.want)
			}
		})
	}
}

func FuzzDecodeStateChangeRequest(f *testing.F) {
	for _, seed := range []string{
		runningStateJSON,
		stateWith(`"changes":[`, `"changes":[{"container":{"exitCode":0,"networkBindings":[{"hostPort":1}]}},`),
		stateWith(`1700000000.123`, `"2023-11-14T22:13:20Z"`),
		`{"messageId":"m","changes":null,"acks":[]}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, message string) {
		checkDecodesAsJSON(t, decodeStateChangeRequest, message)
	})
}

// BenchmarkDecodeStateChangeRequest measures what the Hub spends decoding
// the report of a task that reached RUNNING, with the readers and, for
// comparison, with encoding/json.
func BenchmarkDecodeStateChangeRequest(b *testing.B) {
	env := Envelope{Type: TypeStateChange, Message: []byte(runningStateJSON)}
	b.Run("readers", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if req, err := decodeStateChangeRequest(env); err != nil || len(req.Changes) != 1 {
				b.Fatalf("decode: %v", err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			var req StateChangeRequest
			if err := decodeMessage(env, &req); err != nil || len(req.Changes) != 1 {
				b.Fatalf("decode: %v", err)
			}
		}
	})
}
