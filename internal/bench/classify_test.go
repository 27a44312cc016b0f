package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go"
)

// callError makes one real ListTasks call to url through the SDK and
// returns its error.
func callError(t *testing.T, url string, timeout time.Duration) error {
	t.Helper()
	_, err := sdkClient(url, timeout).ListTasks(context.Background(), &ecs.ListTasksInput{Cluster: aws.String("c")})
	if err == nil {
		t.Fatalf("ListTasks against %s succeeded, want an error", url)
	}
	return err
}

func TestErrorName(t *testing.T) {
	// A port nothing listens on: the dial is refused.
	closed := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
	throttling := newECSServer(t, map[string]cannedResponse{
		"ListTasks": {400, `{"__type":"ThrottlingException","message":"Rate exceeded"}`}})
	prefixed := newECSServer(t, map[string]cannedResponse{
		"ListTasks": {400, `{"__type":"com.amazonaws.ecs#ClusterNotFoundException","message":"Cluster not found."}`}})
	garbled := newECSServer(t, map[string]cannedResponse{"ListTasks": {200, `{"taskArns": 7}`}})
	slow := newECSServer(t, nil)
	slow.hold = make(chan struct{})
	t.Cleanup(func() { close(slow.hold) })

	tests := []struct {
		name    string
		err     error
		want    string
		message string
	}{
		{name: "throttled", err: callError(t, throttling.URL, time.Minute), want: "ThrottlingException", message: "Rate exceeded"},
		{name: "namespaced exception", err: callError(t, prefixed.URL, time.Minute), want: "ClusterNotFoundException", message: "Cluster not found."},
		{name: "unreadable 200", err: callError(t, garbled.URL, time.Minute), want: "DeserializationError"},
		{name: "refused", err: callError(t, closed, time.Minute), want: "ConnectionError"},
		{name: "client timeout", err: callError(t, slow.URL, 50*time.Millisecond), want: "Timeout"},
		{name: "context deadline", err: fmt.Errorf("op: %w", context.DeadlineExceeded), want: "Timeout"},
		{name: "cancelled", err: fmt.Errorf("op: %w", context.Canceled), want: "Canceled"},
		{name: "network error", err: &net.OpError{Op: "read", Err: errors.New("reset")}, want: "ConnectionError"},
		{name: "API error without a code", err: &smithy.GenericAPIError{Message: "?"}, want: "OtherError"},
		{name: "anything else", err: errors.New("boom"), want: "OtherError", message: "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errorName(tt.err); got != tt.want {
				t.Errorf("errorName(%v) = %q, want %q", tt.err, got, tt.want)
			}
			if tt.message != "" {
				if got := errorMessage(tt.err); got != tt.message {
					t.Errorf("errorMessage(%v) = %q, want %q", tt.err, got, tt.message)
				}
			}
		})
	}
}
