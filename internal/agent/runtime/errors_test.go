package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/berth-io/berth/internal/agent/runtime"
)

func TestError(t *testing.T) {
	cases := []struct {
		name     string
		err      error
		wantText string
		wantName runtime.ErrorName
		wantIs   error
	}{
		{
			"pull",
			runtime.NewError(runtime.CannotPullContainerError, errors.New("pull access denied for x")),
			"CannotPullContainerError: pull access denied for x", runtime.CannotPullContainerError, nil,
		},
		{
			"formatted with a wrapped sentinel",
			runtime.Errorf(runtime.CannotStartContainerError, "container %q: %w", "abc", runtime.ErrAlreadyStarted),
			`CannotStartContainerError: container "abc": container has already been started`, runtime.CannotStartContainerError, runtime.ErrAlreadyStarted,
		},
		{
			"wrapped again by the caller",
			fmt.Errorf("task t: %w", runtime.NewError(runtime.CannotStopContainerError, context.DeadlineExceeded)),
			"task t: CannotStopContainerError: context deadline exceeded", runtime.CannotStopContainerError, context.DeadlineExceeded,
		},
		{"plain error has no name", errors.New("boom"), "boom", "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.wantText {
				t.Errorf("Error(): got %q, want %q", got, tc.wantText)
			}
			if got := runtime.NameOf(tc.err); got != tc.wantName {
				t.Errorf("NameOf: got %q, want %q", got, tc.wantName)
			}
			var e *runtime.Error
			if errors.As(tc.err, &e) && e.Name() != string(tc.wantName) {
				t.Errorf("Name(): got %q, want %q", e.Name(), tc.wantName)
			}
			if tc.wantIs != nil && !errors.Is(tc.err, tc.wantIs) {
				t.Errorf("errors.Is(%v): got false, want true", tc.wantIs)
			}
		})
	}
	if err := runtime.NewError(runtime.CannotPullContainerError, nil); err != nil {
		t.Errorf("NewError(nil): got %v, want nil", err)
	}
}
