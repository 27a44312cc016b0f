package cli

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestSkeletonRoundTrip checks, for every operation, that the input
// skeleton fed back through --cli-input-json and the same values given as
// flags both build the request the skeleton describes.
func TestSkeletonRoundTrip(t *testing.T) {
	ops := newOperationTable()
	for _, name := range ops.commands() {
		op := ops[name]
		t.Run(name, func(t *testing.T) {
			order := make(keyOrder)
			skel := skeleton(op.Input, order).(map[string]any)
			text := formatJSON(skel, order)
			fromJSON := paramsFor(t, op, []string{"--cli-input-json", string(text)})
			fromFlags := paramsFor(t, op, flagsFor(t, op, skel))
			want := normalize(t, skel)
			// Timestamps go on the wire as epoch seconds.
			replaceTimestamps(want, "1970-01-01T00:00:00", float64(0))
			if got := normalize(t, fromJSON); !reflect.DeepEqual(got, want) {
				t.Errorf("--cli-input-json: got %s, want %s", mustJSON(t, got), mustJSON(t, want))
			}
			if got := normalize(t, fromFlags); !reflect.DeepEqual(got, want) {
				t.Errorf("flags: got %s, want %s", mustJSON(t, got), mustJSON(t, want))
			}
			if len(skel) != len(op.Params) {
				t.Errorf("skeleton members: got %d, want %d", len(skel), len(op.Params))
			}
		})
	}
}

func paramsFor(t *testing.T, op *operation, args []string) map[string]any {
	t.Helper()
	a, err := parseOpArgs(op, args, false)
	if err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	params, err := requestParams(op, a)
	if err != nil {
		t.Fatalf("build %v: %v", args, err)
	}
	return params
}

// flagsFor writes each top-level member of a skeleton as the flag a user
// would type: text for scalars, one word per element for lists of
// scalars, one JSON word per element for lists of structures, JSON for
// structures and maps.
func flagsFor(t *testing.T, op *operation, skel map[string]any) []string {
	var args []string
	for _, p := range op.Params {
		v := skel[p.Member.Name]
		switch p.Shape.Type {
		case "boolean":
			if v.(bool) {
				args = append(args, "--"+p.Flag)
			} else {
				args = append(args, "--no-"+p.Flag)
			}
		case "list":
			args = append(args, "--"+p.Flag)
			for _, item := range v.([]any) {
				if isScalar(shapeOf(p.Shape.Member)) {
					args = append(args, pyStr(item))
				} else {
					args = append(args, mustJSON(t, item))
				}
			}
		case "structure", "map", "document":
			args = append(args, "--"+p.Flag, mustJSON(t, v))
		default:
			args = append(args, "--"+p.Flag, pyStr(v))
		}
	}
	return args
}

// normalize round-trips v through JSON so that numbers compare as float64.
func normalize(t *testing.T, v any) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.NewDecoder(bytes.NewReader([]byte(mustJSON(t, v)))).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func replaceTimestamps(v any, from string, to any) {
	switch x := v.(type) {
	case map[string]any:
		for k, item := range x {
			if item == from {
				x[k] = to
				continue
			}
			replaceTimestamps(item, from, to)
		}
	case []any:
		for i, item := range x {
			if item == from {
				x[i] = to
				continue
			}
			replaceTimestamps(item, from, to)
		}
	}
}

func TestSkeletonPlaceholders(t *testing.T) {
	order := make(keyOrder)
	got := string(formatJSON(skeleton("StartTaskRequest", order), order))
	// The first members in model order, as in the start-task reference page.
	wantPrefix := "{\n    \"cluster\": \"\",\n    \"containerInstances\": [\n        \"\"\n    ],\n    \"enableECSManagedTags\": true,\n"
	if len(got) < len(wantPrefix) || got[:len(wantPrefix)] != wantPrefix {
		t.Errorf("start-task skeleton starts %q, want %q", got[:min(len(got), len(wantPrefix))], wantPrefix)
	}
	for _, want := range []string{`"assignPublicIp": "ENABLED"`, `"cpu": 0,`, `"sizeInGiB": 0`} {
		if !bytes.Contains([]byte(got), []byte(want)) {
			t.Errorf("start-task skeleton lacks %s", want)
		}
	}
	out := skeleton("StartTaskResponse", order).(map[string]any)
	task := out["tasks"].([]any)[0].(map[string]any)
	if got, want := task["createdAt"], "1970-01-01T00:00:00"; got != want {
		t.Errorf("output skeleton createdAt: got %v, want %v", got, want)
	}
}

// TestSkeletonDecodesIntoModel checks that every member the CLI knows is a
// field of the ecsmodel request type: the skeleton request decodes with
// unknown fields refused, leaving only the model's own validation.
func TestSkeletonDecodesIntoModel(t *testing.T) {
	ops := newOperationTable()
	for _, name := range ops.commands() {
		op := ops[name]
		order := make(keyOrder)
		text := formatJSON(skeleton(op.Input, order), order)
		params := paramsFor(t, op, []string{"--cli-input-json", string(text)})
		body, err := json.Marshal(params)
		if err != nil {
			t.Fatal(err)
		}
		err = validateModel(op, body)
		if err != nil && !strings.Contains(err.Error(), "failed to satisfy constraint") {
			t.Errorf("%s: got %v, want only model constraint problems", name, err)
		}
	}
}
