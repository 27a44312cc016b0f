package ecsmodel

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/ecsmodel/jsonrand"
)

func TestAppendString(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", "", `""`},
		{"plain", "arn:aws:ecs:task/1", `"arn:aws:ecs:task/1"`},
		{"html kept", "<a href='x'>&</a>", `"<a href='x'>&</a>"`},
		{"quote and backslash", `say "\"`, `"say \"\\\""`},
		{"named controls", "\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"other controls", "\x00\x01\x1f", `"\u0000\u0001\u001f"`},
		{"delete kept", "\x7f", "\"\x7f\""},
		{"unicode kept", "é日本😀\ufffd", "\"é日本😀\ufffd\""},
		{"line separators", "a\u2028b\u2029c", `"a\u2028b\u2029c"`},
		{"invalid byte", "a\xffb", `"a\ufffdb"`},
		{"truncated sequence", "\xe2\x80", `"\ufffd\ufffd"`},
		{"surrogate", "\xed\xa0\x80", `"\ufffd\ufffd\ufffd"`},
		{"prefix of separator", "\xe2\x80\xa8\xa9", `"\u2028\ufffd"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(AppendString([]byte("x"), tc.in)); got != "x"+tc.want {
				t.Errorf("got %s, want x%s", got, tc.want)
			}
			ref, err := jsonrand.Marshal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(ref) != tc.want {
				t.Errorf("encoding/json: got %s, want %s", ref, tc.want)
			}
		})
	}
}

func TestAppendStringEveryByte(t *testing.T) {
	for c := range 256 {
		for _, s := range []string{string(rune(c)), string([]byte{byte(c)}), "a" + string([]byte{byte(c)}) + "é"} {
			want, err := jsonrand.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			if got := AppendString(nil, s); string(got) != string(want) {
				t.Errorf("%q: got %s, want %s", s, got, want)
			}
		}
	}
}

func TestAppendFloat(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "-0"},
		{1.5, "1.5"},
		{1e20, "100000000000000000000"},
		{1e21, "1e+21"},
		{-1e21, "-1e+21"},
		{1e-6, "0.000001"},
		{1e-7, "1e-7"},
		{1.5e-10, "1.5e-10"},
		{1e-100, "1e-100"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{math.SmallestNonzeroFloat64, "5e-324"},
		{math.NaN(), "null"},
		{math.Inf(-1), "null"},
	} {
		if got := string(appendFloat(nil, tc.in)); got != tc.want {
			t.Errorf("%v: got %s, want %s", tc.in, got, tc.want)
		}
		if math.IsNaN(tc.in) || math.IsInf(tc.in, 0) {
			continue
		}
		if ref, err := jsonrand.Marshal(tc.in); err != nil || string(ref) != tc.want {
			t.Errorf("%v: encoding/json got %s (%v), want %s", tc.in, ref, err, tc.want)
		}
	}
}

func TestAppendRawJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   json.RawMessage
		want string
	}{
		{"nil", nil, "null"},
		{"compacted", json.RawMessage(" { \"a\" : [ 1 ,\n 2 ] } "), `{"a":[1,2]}`},
		{"html and separators kept", json.RawMessage("\"<&>\u2028\""), "\"<&>\u2028\""},
		{"invalid", json.RawMessage(`{"a":`), "null"},
		{"empty", json.RawMessage{}, "null"},
	} {
		if got := string(appendRawJSON(nil, tc.in)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestCloseObject(t *testing.T) {
	for _, tc := range []struct {
		name, members, want string
	}{
		{"no member", "", "[{}"},
		{"one member", `,"a":1`, `[{"a":1}`},
		{"two members", `,"a":1,"b":2`, `[{"a":1,"b":2}`},
	} {
		if got := string(closeObject([]byte("["+tc.members), 1)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestSortedKeys(t *testing.T) {
	got := sortedKeys(map[LaunchType]int{"b": 1, "B": 2, "a": 3, "é": 4, "": 5})
	want := []LaunchType{"", "B", "a", "b", "é"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}

func TestTimeAppendJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Time
		want string
	}{
		{"milliseconds", Time{time.Unix(1453465153, 893_999_999)}, "1453465153.893"},
		{"whole second", Time{time.Unix(5, 0)}, "5.000"},
		{"before 1970", Time{time.Unix(-5, 250_000_000)}, "-4.750"},
	} {
		if got := string(tc.in.AppendJSON([]byte("x"))); got != "x"+tc.want {
			t.Errorf("%s: got %s, want x%s", tc.name, got, tc.want)
		}
		if ref, err := json.Marshal(tc.in); err != nil || string(ref) != tc.want {
			t.Errorf("%s: MarshalJSON got %s (%v), want %s", tc.name, ref, err, tc.want)
		}
	}
}
