package runtime

import (
	"errors"
	"fmt"
)

// ErrorName names a runtime failure the way the ECS agent does; the agent
// uses it as the prefix of a container reason or task stoppedReason.
type ErrorName string

// Error names. The first three are the ones ECS shows as stopped reasons of
// tasks that failed to start.
const (
	CannotPullContainerError    ErrorName = "CannotPullContainerError"
	CannotCreateContainerError  ErrorName = "CannotCreateContainerError"
	CannotStartContainerError   ErrorName = "CannotStartContainerError"
	CannotStopContainerError    ErrorName = "CannotStopContainerError"
	CannotInspectContainerError ErrorName = "CannotInspectContainerError"
	CannotRemoveContainerError  ErrorName = "CannotRemoveContainerError"
	CannotListContainersError   ErrorName = "CannotListContainersError"
	CannotGetContainerLogsError ErrorName = "CannotGetContainerLogsError"
	// CannotWaitContainerError is returned by Wait when the runtime
	// itself fails; Wait returns ctx.Err() when its context ends.
	CannotWaitContainerError ErrorName = "CannotWaitContainerError"
)

// Sentinel causes, wrapped by *Error values; test with errors.Is.
var (
	// ErrNotFound is wrapped when no container has the given runtime ID.
	ErrNotFound = errors.New("no such container")
	// ErrNotStarted is wrapped by Wait for a container that was created
	// but never started.
	ErrNotStarted = errors.New("container has not been started")
	// ErrAlreadyStarted is wrapped by Start for a container that has
	// already been started.
	ErrAlreadyStarted = errors.New("container has already been started")
)

// Error is a named runtime failure: "<Name>: <cause>".
type Error struct {
	// Kind is the ECS-style name of the failure.
	Kind ErrorName
	// Err is the cause; errors.Is and errors.As see through to it.
	Err error
}

// NewError wraps err in an *Error named kind. It returns nil for a nil err.
func NewError(kind ErrorName, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Kind: kind, Err: err}
}

// Errorf builds an *Error named kind whose cause is fmt.Errorf(format,
// args...), so %w wraps as usual.
func Errorf(kind ErrorName, format string, args ...any) error {
	return &Error{Kind: kind, Err: fmt.Errorf(format, args...)}
}

// Name returns the ECS-style name, e.g. "CannotPullContainerError".
func (e *Error) Name() string { return string(e.Kind) }

// Error returns "<Name>: <cause>".
func (e *Error) Error() string {
	if e.Err == nil {
		return string(e.Kind)
	}
	return string(e.Kind) + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// NameOf returns the name of the outermost *Error in err's chain, or "" when
// there is none.
func NameOf(err error) ErrorName {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}
