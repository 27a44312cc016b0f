package ecs

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorMatching(t *testing.T) {
	wrapped := fmt.Errorf("run task: %w", ClusterNotFound())
	cases := []struct {
		name   string
		err    error
		target error
		want   bool
	}{
		{"same code any message", wrapped, &Error{Code: CodeClusterNotFound}, true},
		{"same code same message", wrapped, ClusterNotFound(), true},
		{"same code other message", wrapped, &Error{Code: CodeClusterNotFound, Message: "other"}, false},
		{"other code", wrapped, &Error{Code: CodeClient}, false},
		{"plain error", errors.New("x"), &Error{Code: CodeServer}, false},
	}
	for _, tc := range cases {
		if got := errors.Is(tc.err, tc.target); got != tc.want {
			t.Errorf("%s: errors.Is = %v, want %v", tc.name, got, tc.want)
		}
	}
	if got := CodeOf(wrapped); got != CodeClusterNotFound {
		t.Errorf("CodeOf(wrapped) = %s, want %s", got, CodeClusterNotFound)
	}
	if got := CodeOf(errors.New("boom")); got != CodeServer {
		t.Errorf("CodeOf(plain) = %s, want %s", got, CodeServer)
	}
	if got, want := InvalidParameter("count %d", 11).Error(), "InvalidParameterException: count 11"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTaskStatusOrder(t *testing.T) {
	order := []string{"PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED", "DELETED"}
	prev := StatusNone
	for _, name := range order {
		s, ok := ParseTaskStatus(name)
		if !ok || s <= prev || s.String() != name {
			t.Fatalf("ParseTaskStatus(%s) = %v, %v; want a status after %v named %s", name, s, ok, prev, name)
		}
		prev = s
	}
	if StatusRunning.Terminal() || !StatusStopped.Terminal() {
		t.Errorf("got Terminal RUNNING=%v STOPPED=%v, want false and true", StatusRunning.Terminal(), StatusStopped.Terminal())
	}
	if _, ok := ParseTaskStatus("BOGUS"); ok {
		t.Errorf("got ok for BOGUS, want false")
	}
}
