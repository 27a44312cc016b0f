package ecsmodel

import (
	"encoding/json"
	"testing"
	"time"
)

func TestTimeWire(t *testing.T) {
	ts := NewTime(time.Date(2016, 1, 22, 12, 19, 13, 893_456_000, time.UTC))
	b, err := json.Marshal(Task{CreatedAt: ts, TaskArn: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"createdAt":1453465153.893,"enableExecuteCommand":false,"taskArn":"a","version":0}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	cases := []struct {
		in   string
		want time.Time
		err  bool
	}{
		{"1453465153.893", time.Date(2016, 1, 22, 12, 19, 13, 893_000_000, time.UTC), false},
		{"1453465153", time.Date(2016, 1, 22, 12, 19, 13, 0, time.UTC), false},
		{`"2016-01-22T12:19:13.893Z"`, time.Date(2016, 1, 22, 12, 19, 13, 893_000_000, time.UTC), false},
		{`"yesterday"`, time.Time{}, true},
		{`true`, time.Time{}, true},
	}
	for _, tc := range cases {
		var got Time
		err := json.Unmarshal([]byte(tc.in), &got)
		if (err != nil) != tc.err {
			t.Errorf("Unmarshal(%s) error = %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if !tc.err && !got.Equal(tc.want) {
			t.Errorf("Unmarshal(%s) = %v, want %v", tc.in, got.Time, tc.want)
		}
	}
}

func TestListsKeepEmptyButOmitNil(t *testing.T) {
	b, _ := json.Marshal(RunTaskResponse{Tasks: []Task{}})
	if got, want := string(b), `{"tasks":[]}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// omitzeroHolder has timestamps that omitzero drops when unset.
type omitzeroHolder struct {
	A Time  `json:"a,omitzero"`
	B Time  `json:"b,omitzero"`
	P *Time `json:"p,omitzero"`
}

func TestTimeOmitzero(t *testing.T) {
	set := NewTime(time.UnixMilli(1795447019736))
	cases := []struct {
		name string
		in   any
		want string
	}{
		{"unset dropped", omitzeroHolder{}, `{}`},
		{"set kept", omitzeroHolder{A: set}, `{"a":1795447019.736}`},
		{"in a slice (not addressable through an interface)", []omitzeroHolder{{B: set}, {}}, `[{"b":1795447019.736},{}]`},
		{"pointer to set", omitzeroHolder{P: &set}, `{"p":1795447019.736}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := json.Marshal(tc.in)
			if err != nil || string(got) != tc.want {
				t.Errorf("got %s, %v, want %s", got, err, tc.want)
			}
		})
	}
}

func BenchmarkTimeOmitzero(b *testing.B) {
	v := []omitzeroHolder{{A: NewTime(time.Now())}, {}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}
