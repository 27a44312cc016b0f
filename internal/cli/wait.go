package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"time"

	jmespath "github.com/jmespath-community/go-jmespath"
)

// waiter polls an operation until an acceptor decides, as the aws CLI's
// `aws ecs wait` does; the definitions are botocore's
// ecs/2014-11-13/waiters-2.json.
type waiter struct {
	name        string // TasksRunning
	operation   string
	delay       time.Duration
	maxAttempts int
	acceptors   []acceptor
}

// acceptor matches a response: "path" (the expression's result equals
// expected), "pathAll" (a non-empty list whose every element equals it),
// "pathAny" (a list with one element that does) or "error" (the service
// error code equals it). state is "success" or "failure".
type acceptor struct {
	matcher  string
	argument string
	state    string
	expected any
}

var waiters = []waiter{
	{"DaemonActive", "DescribeDaemon", 15 * time.Second, 8, []acceptor{
		{"path", "daemon.status", "success", "ACTIVE"},
		{"path", "daemon.status", "failure", "DELETE_IN_PROGRESS"},
	}},
	{"DaemonDeploymentStopped", "DescribeDaemonDeployments", 15 * time.Second, 8, []acceptor{
		{"pathAll", "daemonDeployments[].status", "success", "STOPPED"},
		{"pathAny", "failures[].reason", "failure", "MISSING"},
	}},
	{"DaemonDeploymentSuccessful", "DescribeDaemonDeployments", 15 * time.Second, 8, []acceptor{
		{"pathAll", "daemonDeployments[].status", "success", "SUCCESSFUL"},
		{"pathAny", "daemonDeployments[].status", "failure", "STOPPED"},
		{"pathAny", "daemonDeployments[].status", "failure", "ROLLBACK_FAILED"},
		{"pathAny", "daemonDeployments[].status", "failure", "ROLLBACK_SUCCESSFUL"},
		{"pathAny", "failures[].reason", "failure", "MISSING"},
	}},
	{"DaemonTaskDefinitionActive", "DescribeDaemonTaskDefinition", 15 * time.Second, 8, []acceptor{
		{"path", "daemonTaskDefinition.status", "success", "ACTIVE"},
		{"path", "daemonTaskDefinition.status", "failure", "DELETE_IN_PROGRESS"},
		{"path", "daemonTaskDefinition.status", "failure", "DELETED"},
	}},
	{"DaemonTaskDefinitionDeleted", "DescribeDaemonTaskDefinition", 15 * time.Second, 8, []acceptor{
		{"path", "daemonTaskDefinition.status", "success", "DELETED"},
	}},
	{"ServicesInactive", "DescribeServices", 15 * time.Second, 40, []acceptor{
		{"pathAny", "failures[].reason", "failure", "MISSING"},
		{"pathAny", "services[].status", "success", "INACTIVE"},
	}},
	{"ServicesStable", "DescribeServices", 15 * time.Second, 40, []acceptor{
		{"pathAny", "failures[].reason", "failure", "MISSING"},
		{"pathAny", "services[].status", "failure", "DRAINING"},
		{"pathAny", "services[].status", "failure", "INACTIVE"},
		{"path", "length(services[?!(length(deployments) == `1` && runningCount == desiredCount)]) == `0`", "success", true},
	}},
	{"TasksRunning", "DescribeTasks", 6 * time.Second, 100, []acceptor{
		{"pathAny", "tasks[].lastStatus", "failure", "STOPPED"},
		{"pathAny", "failures[].reason", "failure", "MISSING"},
		{"pathAll", "tasks[].lastStatus", "success", "RUNNING"},
	}},
	{"TasksStopped", "DescribeTasks", 6 * time.Second, 100, []acceptor{
		{"pathAll", "tasks[].lastStatus", "success", "STOPPED"},
	}},
}

// findWaiter looks a waiter up by its command name (tasks-running).
func findWaiter(name string) (waiter, bool) {
	for _, w := range waiters {
		if kebab(w.name) == name {
			return w, true
		}
	}
	return waiter{}, false
}

// waiterError is a waiter that ended without success: exit 255.
type waiterError struct {
	name   string
	reason string
}

func (e *waiterError) Error() string { return fmt.Sprintf("Waiter %s failed: %s", e.name, e.reason) }

// waiterDelay is the poll interval: BERTH_WAITER_DELAY (a Go duration such
// as "50ms", or seconds) when set, else the waiter's own.
func waiterDelay(w waiter) (time.Duration, error) {
	text := os.Getenv(envWaiterDelay)
	if text == "" {
		return w.delay, nil
	}
	if d, err := time.ParseDuration(text); err == nil && d >= 0 {
		return d, nil
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil && f >= 0 {
		return time.Duration(f * float64(time.Second)), nil
	}
	return 0, &configError{msg: fmt.Sprintf("%s=%q is neither a duration (50ms) nor a number of seconds", envWaiterDelay, text)}
}

// wait polls until success (nil), a failure acceptor, a service error no
// acceptor expects, or the last attempt. progress is called before each
// pause with the attempt number.
func (c *client) wait(ctx context.Context, w waiter, op *operation, body []byte, delay time.Duration, progress func(attempt int)) error {
	for attempt := 1; ; attempt++ {
		raw, err := c.call(ctx, w.operation, body)
		var se *serviceError
		switch {
		case err == nil:
			resp, derr := decodeResponse(raw)
			if derr != nil {
				return derr
			}
			value := numbersToFloat(newShaper(time.UTC).shape(op.Output, resp))
			if state, reason := w.match(value, ""); state != "" {
				return w.finish(state, reason)
			}
		case errors.As(err, &se):
			state, reason := w.match(nil, se.Code)
			if state == "" {
				return &waiterError{name: w.name, reason: fmt.Sprintf("An error occurred (%s): %s", se.Code, se.Message)}
			}
			return w.finish(state, reason)
		default:
			return err
		}
		if attempt >= w.maxAttempts {
			return &waiterError{name: w.name, reason: "Max attempts exceeded"}
		}
		if progress != nil {
			progress(attempt)
		}
		if err := c.sleep(ctx, delay); err != nil {
			return err
		}
	}
}

func (w waiter) finish(state, reason string) error {
	if state == "success" {
		return nil
	}
	return &waiterError{name: w.name, reason: "Waiter encountered a terminal failure state: " + reason}
}

// match returns the state of the first acceptor that matches the response
// value (or the error code, when errCode is set) and why it matched.
func (w waiter) match(value any, errCode string) (state, reason string) {
	for _, a := range w.acceptors {
		if a.matcher == "error" {
			if errCode != "" && errCode == a.expected {
				return a.state, fmt.Sprintf("Matched expected service error code: %v", a.expected)
			}
			continue
		}
		if errCode != "" {
			continue
		}
		result, err := jmespath.Search(a.argument, value)
		if err != nil {
			continue
		}
		exp := fmt.Sprint(a.expected)
		switch a.matcher {
		case "path":
			if reflect.DeepEqual(result, a.expected) {
				return a.state, fmt.Sprintf("For expression %q we matched expected path: %q", a.argument, exp)
			}
		case "pathAll":
			items, ok := result.([]any)
			if ok && len(items) > 0 && allEqual(items, a.expected) {
				return a.state, fmt.Sprintf("For expression %q all members matched expected path: %q", a.argument, exp)
			}
		case "pathAny":
			items, _ := result.([]any)
			for _, item := range items {
				if reflect.DeepEqual(item, a.expected) {
					return a.state, fmt.Sprintf("For expression %q we matched expected path: %q at least once", a.argument, exp)
				}
			}
		}
	}
	return "", ""
}

func allEqual(items []any, want any) bool {
	for _, item := range items {
		if !reflect.DeepEqual(item, want) {
			return false
		}
	}
	return true
}
