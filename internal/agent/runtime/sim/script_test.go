package sim

import (
	"strconv"
	"testing"
	"time"
)

func TestPlanFor(t *testing.T) {
	cases := []struct {
		name    string
		argv    []string
		want    plan
		wantErr bool
	}{
		{"empty command runs until stopped", nil, plan{runFor: forever}, false},
		{"unknown program runs until stopped", []string{"nginx", "-g", "daemon off;"}, plan{runFor: forever}, false},
		{"sleep seconds", []string{"sleep", "5"}, plan{runFor: 5 * time.Second}, false},
		{"sleep by path, fractions and suffixes summed", []string{"/bin/sleep", "0.5", "1m"}, plan{runFor: 60500 * time.Millisecond}, false},
		{"sleep infinity", []string{"sleep", "infinity"}, plan{runFor: forever}, false},
		{"sleep bad interval exits 1", []string{"sleep", "soon"}, plan{code: 1}, true},
		{"true", []string{"true"}, plan{}, false},
		{"false", []string{"false"}, plan{code: 1}, false},
		{"sh -c sleep", []string{"sh", "-c", "sleep 2"}, plan{runFor: 2 * time.Second}, false},
		{"sh -c sleep then exit", []string{"/bin/sh", "-c", "sleep 1; exit 3"}, plan{runFor: time.Second, code: 3}, false},
		{"exit wraps at 256", []string{"sh", "-c", "exit 257"}, plan{code: 1}, false},
		{"exit stops the script", []string{"sh", "-c", "exit 4; sleep 10"}, plan{code: 4}, false},
		{"false ends an && chain", []string{"sh", "-c", "false && sleep 10"}, plan{code: 1}, false},
		{"false then ; continues", []string{"sh", "-c", "false; sleep 1"}, plan{runFor: time.Second}, false},
		{"no-op statements and newlines", []string{"bash", "-c", "echo hi\nexport A=b && sleep 2"}, plan{runFor: 2 * time.Second}, false},
		{"trap ignores SIGTERM", []string{"sh", "-c", "trap '' TERM; sleep infinity"}, plan{runFor: forever, ignoreTerm: true}, false},
		{"trap with a handler does not ignore", []string{"sh", "-c", "trap 'exit 0' TERM; sleep 3"}, plan{runFor: 3 * time.Second}, false},
		{"unknown statement runs until stopped", []string{"sh", "-c", "sleep 1; ./server; exit 2"}, plan{runFor: forever}, false},
		{"sh without -c runs until stopped", []string{"sh", "script.sh"}, plan{runFor: forever}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := planFor(tc.argv)
			if got != tc.want || (err != nil) != tc.wantErr {
				t.Fatalf("planFor(%q): got %+v, error %v; want %+v, error %v", tc.argv, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestParseNumberAsParseFloat(t *testing.T) {
	for _, s := range []string{"0", "5", "3600", "007", "123456789012345", "1234567890123456789012", "0.5", "1e3", "+5", "-1", "inf", "", "12a", "0x10"} {
		got, err := parseNumber(s)
		want, wantErr := strconv.ParseFloat(s, 64)
		if got != want || (err != nil) != (wantErr != nil) {
			t.Errorf("parseNumber(%q): got %v, error %v; want %v, error %v", s, got, err, want, wantErr)
		}
	}
}
