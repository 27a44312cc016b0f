package cli

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// describeTasks is a DescribeTasks answer with one task per status and a
// failure per reason.
func describeTasks(statuses []string, failureReasons ...string) string {
	var tasks, failures []string
	for i, s := range statuses {
		tasks = append(tasks, fmt.Sprintf(`{"taskArn":"arn:aws:ecs:us-east-1:1:task/c/t%d","lastStatus":%q}`, i, s))
	}
	for i, r := range failureReasons {
		failures = append(failures, fmt.Sprintf(`{"arn":"arn:aws:ecs:us-east-1:1:task/c/f%d","reason":%q}`, i, r))
	}
	return `{"tasks":[` + strings.Join(tasks, ",") + `],"failures":[` + strings.Join(failures, ",") + `]}`
}

// sequence answers the n-th DescribeTasks with bodies[n], repeating the last.
func sequence(bodies ...string) answerFunc {
	return func(op string, _ map[string]any, n int) (int, string) {
		if op != "DescribeTasks" {
			return http.StatusBadRequest, errorBody("UnsupportedFeatureException", op)
		}
		return http.StatusOK, bodies[min(n, len(bodies)-1)]
	}
}

func TestWait(t *testing.T) {
	isolateEnv(t)
	tests := []struct {
		name      string
		waiter    string
		answer    answerFunc
		wantCode  int
		wantErr   string
		wantCalls int
	}{
		{"running after pending", "tasks-running",
			sequence(describeTasks([]string{"PENDING", "PENDING"}), describeTasks([]string{"RUNNING", "PENDING"}), describeTasks([]string{"RUNNING", "RUNNING"})),
			0, "", 3},
		{"a stopped task fails tasks-running", "tasks-running",
			sequence(describeTasks([]string{"PENDING", "RUNNING"}), describeTasks([]string{"STOPPED", "RUNNING"})),
			exitOther, "Waiter TasksRunning failed: Waiter encountered a terminal failure state: For expression \"tasks[].lastStatus\" we matched expected path: \"STOPPED\" at least once\n", 2},
		{"a missing task fails tasks-running", "tasks-running",
			sequence(describeTasks([]string{"RUNNING"}, "MISSING")),
			exitOther, "Waiter TasksRunning failed: Waiter encountered a terminal failure state: For expression \"failures[].reason\" we matched expected path: \"MISSING\" at least once\n", 1},
		{"stopped", "tasks-stopped",
			sequence(describeTasks([]string{"RUNNING", "STOPPED"}), describeTasks([]string{"STOPPED", "STOPPED"})),
			0, "", 2},
		{"no tasks never match pathAll", "tasks-stopped",
			sequence(describeTasks(nil)),
			exitOther, "Waiter TasksStopped failed: Max attempts exceeded\n", 100},
		{"max attempts", "tasks-running",
			sequence(describeTasks([]string{"PENDING"})),
			exitOther, "Waiter TasksRunning failed: Max attempts exceeded\n", 100},
		{"service error", "tasks-running",
			func(string, map[string]any, int) (int, string) {
				return http.StatusBadRequest, errorBody("ClusterNotFoundException", "Cluster not found.")
			},
			exitOther, "Waiter TasksRunning failed: An error occurred (ClusterNotFoundException): Cluster not found.\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeECS(t, tt.answer)
			res := runCLI(t, f, "wait", tt.waiter, "--cluster", "c", "--tasks", "t0", "t1")
			if res.code != tt.wantCode || res.stderr != tt.wantErr {
				t.Errorf("got %d %q, want %d %q", res.code, res.stderr, tt.wantCode, tt.wantErr)
			}
			calls := f.recorded()
			if len(calls) != tt.wantCalls {
				t.Fatalf("requests: got %d, want %d", len(calls), tt.wantCalls)
			}
			if got, want := mustJSON(t, calls[0].Body), `{"cluster":"c","tasks":["t0","t1"]}`; got != want {
				t.Errorf("request body: got %s, want %s", got, want)
			}
		})
	}
}

func TestWaitUsageErrors(t *testing.T) {
	isolateEnv(t)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"missing tasks", []string{"wait", "tasks-running", "--cluster", "c"}, exitUsage, "the following arguments are required: --tasks"},
		{"unknown waiter", []string{"wait", "tasks-flying", "--tasks", "t"}, exitUsage, "Invalid choice 'tasks-flying'"},
		{"bad delay", []string{"wait", "tasks-running", "--tasks", "t"}, exitConfig, "BERTH_WAITER_DELAY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.code == exitConfig {
				t.Setenv(envWaiterDelay, "soon")
			}
			f := newFakeECS(t, sequence(describeTasks([]string{"RUNNING"})))
			res := runCLI(t, f, tt.args...)
			if res.code != tt.code || !strings.Contains(res.stderr, tt.want) {
				t.Errorf("got %d %q, want %d and %q", res.code, res.stderr, tt.code, tt.want)
			}
			if calls := f.recorded(); len(calls) != 0 {
				t.Errorf("requests: got %d, want none", len(calls))
			}
		})
	}
}

func TestWaitDelayAndProgress(t *testing.T) {
	isolateEnv(t)
	t.Setenv(envWaiterDelay, "")
	f := newFakeECS(t, sequence(describeTasks([]string{"PENDING"}), describeTasks([]string{"PENDING"}), describeTasks([]string{"RUNNING"})))
	var stdout, stderr bytes.Buffer
	var slept []time.Duration
	r := &runner{
		stdout: &stdout, stderr: &stderr, loc: time.UTC, ops: newOperationTable(), terminal: true,
		sleep: func(_ context.Context, d time.Duration) error {
			slept = append(slept, d)
			return nil
		},
		backoff: retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil }),
	}
	code := r.main(context.Background(), []string{"wait", "tasks-running", "--tasks", "t", "--endpoint-url", f.srv.URL})
	if code != 0 {
		t.Fatalf("exit code: got %d, want 0 (stderr %q)", code, stderr.String())
	}
	if got, want := fmt.Sprint(slept), "[6s 6s]"; got != want {
		t.Errorf("pauses: got %s, want %s (the waiter's delay between attempts)", got, want)
	}
	for _, want := range []string{"attempt 1 of 100", "attempt 2 of 100"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("progress: got %q, want it to contain %q", stderr.String(), want)
		}
	}
}

func TestWaiterMatchServicesStable(t *testing.T) {
	w, ok := findWaiter("services-stable")
	if !ok {
		t.Fatal("services-stable: missing")
	}
	tests := []struct {
		name string
		resp string
		want string
	}{
		{"stable", `{"services":[{"status":"ACTIVE","runningCount":2,"desiredCount":2,"deployments":[{}]}]}`, "success"},
		{"rolling", `{"services":[{"status":"ACTIVE","runningCount":1,"desiredCount":2,"deployments":[{}]}]}`, ""},
		{"two deployments", `{"services":[{"status":"ACTIVE","runningCount":2,"desiredCount":2,"deployments":[{},{}]}]}`, ""},
		{"draining", `{"services":[{"status":"DRAINING","runningCount":0,"desiredCount":0,"deployments":[{}]}]}`, "failure"},
		{"missing", `{"services":[],"failures":[{"reason":"MISSING"}]}`, "failure"},
	}
	for _, tt := range tests {
		raw, err := decodeResponse([]byte(tt.resp))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := w.match(numbersToFloat(raw), ""); got != tt.want {
			t.Errorf("%s: got state %q, want %q", tt.name, got, tt.want)
		}
	}
}
