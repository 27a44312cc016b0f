package agentrpc

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// benchTaskJSON is the task of benchPayload, for building other payloads.
const benchTaskJSON = `{"arn":"arn:aws:ecs:us-east-1:000000000000:task/berth-bench/01a2","desiredStatus":"RUNNING","version":1,"taskDefinitionArn":"arn:aws:ecs:us-east-1:000000000000:task-definition/berth-bench:1","family":"berth-bench","revision":1,"cpu":"1","memory":"6","containers":[{"command":["sleep","3600"],"cpu":1,"environment":[],"essential":true,"image":"busybox:latest","memory":6,"mountPoints":[],"name":"bench","portMappings":[],"systemControls":[],"volumesFrom":[],"containerArn":"arn:aws:ecs:us-east-1:000000000000:container/berth-bench/01a2/703e"}],"overrides":{"containerOverrides":[{"name":"bench"}],"inferenceAcceleratorOverrides":[]},"startedBy":"berth-bench","group":"family:berth-bench"}`

// payloadWith is a payload message of the given tasks (JSON objects).
func payloadWith(tasks ...string) string {
	return `{"messageId":"m1","clusterArn":"c","containerInstanceArn":"i","seqNum":42,"tasks":[` + strings.Join(tasks, ",") + `]}`
}

// taskWith is benchTaskJSON with old replaced by new.
func taskWith(old, new string) string {
	if !strings.Contains(benchTaskJSON, old) {
		panic(fmt.Sprintf("benchTaskJSON has no %q", old))
	}
	return strings.Replace(benchTaskJSON, old, new, 1)
}

// checkDecodesAsJSON fails t unless decode (one of the decodeWith
// wrappers) decodes message as encoding/json does: the same value, or an
// error when it fails.
func checkDecodesAsJSON[T any](t *testing.T, decode func(Envelope) (T, error), message string) {
	t.Helper()
	var want T
	wantErr := json.Unmarshal([]byte(message), &want)
	got, err := decode(Envelope{Message: []byte(message)})
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("decode(%s): got error %v, want error %v", message, err, wantErr)
	}
	if err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("decode(%s):\ngot  %+v\nwant %+v", message, got, want)
	}
}

// fastPath reports whether o takes message itself.
func fastPath[T any](o *objectReader[T], message string) bool {
	var v T
	return readDocument(o, []byte(message), &v)
}

// decodeCase is a message for a decodeWith wrapper and whether its
// reader takes it itself, without encoding/json for the whole message.
type decodeCase struct {
	name     string
	message  string
	wantFast bool
}

// checkDecodeCases runs each case: decode must decode its message as
// encoding/json does (checkDecodesAsJSON), and o must take it itself
// exactly when the case says so.
func checkDecodeCases[T any](t *testing.T, decode func(Envelope) (T, error), o *objectReader[T], cases []decodeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkDecodesAsJSON(t, decode, tc.message)
			if got := fastPath(o, tc.message); got != tc.wantFast {
				t.Fatalf("fast path taken: got %v, want %v", got, tc.wantFast)
			}
		})
	}
}

func TestDecodePayloadAsEncodingJSON(t *testing.T) {
	checkDecodeCases(t, decodePayload, payloadReader, []decodeCase{
		{name: "as the control plane writes it", message: payloadWith(benchTaskJSON), wantFast: true},
		{name: "two tasks", message: payloadWith(benchTaskJSON, taskWith(`"version":1`, `"version":2`)), wantFast: true},
		{name: "a snapshot without tasks", message: `{"messageId":"m","seqNum":3,"snapshot":true,"tasks":[]}`, wantFast: true},
		{name: "no tasks member", message: `{"messageId":"m","seqNum":3}`, wantFast: true},
		{name: "white space everywhere", message: " {\n\t\"messageId\" : \"m\" ,\r\n \"tasks\" : [ { \"arn\" : \"a\" , \"version\" : 7 } ] } ", wantFast: true},
		{name: "members in another order", message: `{"tasks":[{"version":3,"arn":"a"}],"seqNum":-5,"messageId":"m"}`, wantFast: true},
		{name: "port mappings and bindings", message: payloadWith(taskWith(`"portMappings":[]`, `"portMappings":[{"containerPort":80,"hostPort":0,"protocol":"tcp"}],"networkBindings":[{"bindIP":"0.0.0.0","containerPort":80,"hostPort":49153,"protocol":"tcp"}]`)), wantFast: true},
		{name: "environment and dependencies", message: payloadWith(taskWith(`"environment":[]`, `"environment":[{"name":"A","value":"1"}],"dependsOn":[{"containerName":"init","condition":"SUCCESS"}]`)), wantFast: true},
		{name: "container overrides", message: payloadWith(taskWith(`[{"name":"bench"}]`, `[{"name":"bench","command":["true"],"cpu":2,"memory":8,"environment":[{"name":"B","value":"2"}]}]`)), wantFast: true},
		{name: "a member left to encoding/json", message: payloadWith(taskWith(`"mountPoints":[]`, `"mountPoints":[{"sourceVolume":"v","containerPath":"/v","readOnly":true}],"dockerLabels":{"a":"b"},"logConfiguration":{"logDriver":"json-file"}`)), wantFast: true},
		{name: "null overrides", message: payloadWith(taskWith(`"overrides":{"containerOverrides":[{"name":"bench"}],"inferenceAcceleratorOverrides":[]}`, `"overrides":null`)), wantFast: true},
		{name: "null image", message: payloadWith(taskWith(`"image":"busybox:latest"`, `"image":null`)), wantFast: true},
		{name: "escapes", message: payloadWith(taskWith(`"name":"bench"`, `"name":"b\"e\\n\u00e9\n"`)), wantFast: true},
		{name: "UTF-8", message: payloadWith(taskWith(`"startedBy":"berth-bench"`, `"startedBy":"bérth ☃"`)), wantFast: true},
		{name: "invalid UTF-8", message: payloadWith(taskWith(`"startedBy":"berth-bench"`, "\"startedBy\":\"b\xffx\"")), wantFast: true},
		{name: "a member name in another case", message: payloadWith(taskWith(`"image"`, `"Image"`)), wantFast: false},
		{name: "a member name with an escape", message: payloadWith(taskWith(`"image"`, `"im\u0061ge"`)), wantFast: false},
		{name: "an unknown member", message: payloadWith(taskWith(`"group"`, `"future":[1,{"a":"]"}],"group"`)), wantFast: false},
		{name: "a repeated member", message: payloadWith(taskWith(`"cpu":1,`, `"cpu":1,"cpu":2,`)), wantFast: false},
		{name: "a repeated list", message: payloadWith(benchTaskJSON) + `,"tasks":[]}`, wantFast: false},
		{name: "a fraction for an integer", message: payloadWith(taskWith(`"version":1`, `"version":1.0`)), wantFast: false},
		{name: "an exponent for an integer", message: payloadWith(taskWith(`"version":1`, `"version":1e2`)), wantFast: false},
		{name: "an int32 that overflows", message: payloadWith(taskWith(`"revision":1`, `"revision":2147483648`)), wantFast: false},
		{name: "the lowest int32", message: payloadWith(taskWith(`"revision":1`, `"revision":-2147483648`)), wantFast: true},
		{name: "a long integer", message: payloadWith(taskWith(`"version":1`, `"version":9223372036854775807`)), wantFast: false},
		{name: "a leading zero", message: payloadWith(taskWith(`"version":1`, `"version":01`)), wantFast: false},
		{name: "a string for an integer", message: payloadWith(taskWith(`"version":1`, `"version":"1"`)), wantFast: false},
		{name: "a number for a string", message: payloadWith(taskWith(`"family":"berth-bench"`, `"family":5`)), wantFast: false},
		{name: "a string for a list", message: payloadWith(taskWith(`"command":["sleep","3600"]`, `"command":"sleep"`)), wantFast: false},
		{name: "null in a list", message: payloadWith(taskWith(`"command":["sleep","3600"]`, `"command":["sleep",null]`)), wantFast: false},
		{name: "a bad literal", message: payloadWith(taskWith(`"essential":true`, `"essential":tru`)), wantFast: false},
		{name: "a control character", message: payloadWith(taskWith(`"family":"berth-bench"`, "\"family\":\"a\tb\"")), wantFast: false},
		{name: "trailing data", message: payloadWith(benchTaskJSON) + `x`, wantFast: false},
		{name: "a trailing comma", message: `{"messageId":"m",}`, wantFast: false},
		{name: "a missing colon", message: `{"messageId" "m"}`, wantFast: false},
		{name: "an unterminated string", message: `{"messageId":"m`, wantFast: false},
		{name: "a truncated message", message: payloadWith(benchTaskJSON)[:300], wantFast: false},
		{name: "a bad value left to encoding/json", message: payloadWith(taskWith(`"mountPoints":[]`, `"mountPoints":[1}`)), wantFast: false},
		{name: "a list for the message", message: `[]`, wantFast: false},
		{name: "empty", message: ``, wantFast: false},
	})
}

// TestDecodePayloadEveryMember decodes a payload in which every field of
// every shape is set, as encoding/json writes it: the readers take it
// themselves (the members they do not read go to encoding/json) and get
// what encoding/json gets.
func TestDecodePayloadEveryMember(t *testing.T) {
	var msg PayloadMessage
	fill(reflect.ValueOf(&msg).Elem(), 1)
	data, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	checkDecodesAsJSON(t, decodePayload, string(data))
	if !fastPath(payloadReader, string(data)) {
		t.Fatalf("fast path taken: got false, want true for %s", data)
	}
}

// fill sets every exported field reachable from v to a non-zero value
// derived from n.
func fill(v reflect.Value, n int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(n))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(n) + 0.5)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n+1)
	case reflect.Slice:
		if v.Type() == reflect.TypeFor[json.RawMessage]() {
			v.SetBytes([]byte(fmt.Sprintf(`{"raw":%d}`, n)))
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		fill(v.Index(0), n+1)
		fill(v.Index(1), n+2)
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		val := reflect.New(v.Type().Elem()).Elem()
		fill(val, n+1)
		v.SetMapIndex(reflect.ValueOf(fmt.Sprintf("k%d", n)).Convert(v.Type().Key()), val)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), n+i)
			}
		}
	}
}

func TestDecodeStateAckAsEncodingJSON(t *testing.T) {
	checkDecodeCases(t, decodeStateAck, stateAckReader, []decodeCase{
		{name: "as the Hub writes it", message: `{"messageId":"m","results":[{},{"code":"ServerException","message":"later"}]}`, wantFast: true},
		{name: "no results", message: `{"messageId":"m","results":[]}`, wantFast: true},
		{name: "null results", message: `{"messageId":"m","results":null}`, wantFast: true},
		{name: "an unknown member", message: `{"messageId":"m","results":[{"retry":true}]}`, wantFast: false},
		{name: "not JSON", message: `{"messageId":`, wantFast: false},
	})
}

// TestDecodePayloadFromWholeFrame checks the case decodeMessage covers: a
// frame with a member after "message", whose message decodeEnvelope cut
// off unchecked.
func TestDecodePayloadFromWholeFrame(t *testing.T) {
	env, err := decodeEnvelope([]byte(`{"type":"PayloadMessage","message":{"messageId":"m7","seqNum":7},"extra":1}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodePayload(env)
	if err != nil || got.MessageID != "m7" || got.SeqNum != 7 {
		t.Fatalf("got %+v (error %v), want message m7 of seqNum 7", got, err)
	}
}

func FuzzDecodePayload(f *testing.F) {
	for _, seed := range []string{
		payloadWith(benchTaskJSON),
		payloadWith(taskWith(`"portMappings":[]`, `"portMappings":[{"containerPort":80,"hostPort":0,"protocol":"tcp"}]`)),
		payloadWith(taskWith(`"mountPoints":[]`, `"mountPoints":[{"sourceVolume":"v"}],"dockerLabels":{"a":"b"}`)),
		`{"messageId":"m","seqNum":-3,"snapshot":false,"tasks":null}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, message string) {
		checkDecodesAsJSON(t, decodePayload, message)
	})
}

// twoNames has two fields encoding/json would both call "name".
type twoNames struct {
	ecsmodel.KeyValuePair
	Label string `json:"name"`
}

func TestNewObjectReaderPanics(t *testing.T) {
	message := func(res *StateChangeResult) *string { return &res.Message }
	tests := []struct {
		name string
		make func()
	}{
		{name: "a member the type lacks", make: func() { newObjectReader(stringMember("mesage", message)) }},
		{name: "a member listed twice", make: func() {
			newObjectReader(stringMember("message", message), stringMember("message", message))
		}},
		{name: "two fields of one name", make: func() { newObjectReader[twoNames]() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("newObjectReader: got no panic, want one")
				}
			}()
			tc.make()
		})
	}
}
