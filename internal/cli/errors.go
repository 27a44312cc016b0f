package cli

import (
	"errors"
	"fmt"
)

// Exit codes, as the aws CLI (version 2) uses them
// (docs.aws.amazon.com/cli/latest/userguide/cli-usage-returncodes.html).
const (
	exitOK = 0
	// exitUsage: the command line could not be parsed, a parameter was
	// unknown or its value wrong; no request was made.
	exitUsage = 252
	// exitConfig: configuration or credentials are missing or invalid.
	exitConfig = 253
	// exitService: a request was made and the service returned an error.
	exitService = 254
	// exitOther: anything else (connection failures, waiter failures, ...).
	exitOther = 255
	// exitInterrupted: the context was cancelled (Ctrl-C).
	exitInterrupted = 130
)

// usageError is a problem with the command line: exit 252, no request.
// usage marks syntax errors (unknown or missing arguments), which print
// with a usage hint; parameter errors print alone.
type usageError struct {
	msg   string
	usage bool
}

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// configError is missing or invalid configuration: exit 253.
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

// serviceError is an error response from the service: exit 254.
type serviceError struct {
	Code      string
	Message   string
	Status    int
	Operation string
	// Retries is how many times the request was retried before giving up
	// on a retryable error; zero when it was not retried.
	Retries int
}

// Error words the error as the aws CLI does.
func (e *serviceError) Error() string {
	retries := ""
	if e.Retries > 0 {
		retries = fmt.Sprintf(" (reached max retries: %d)", e.Retries)
	}
	return fmt.Sprintf("An error occurred (%s) when calling the %s operation%s: %s", e.Code, e.Operation, retries, e.Message)
}

// ErrorCode lets the SDK's retryer classify the error (throttling, transient).
func (e *serviceError) ErrorCode() string { return e.Code }

// HTTPStatusCode lets the SDK's retryer retry 5xx answers.
func (e *serviceError) HTTPStatusCode() int { return e.Status }

// exitCode maps an error to the process exit code.
func exitCode(err error) int {
	var (
		ue *usageError
		ce *configError
		se *serviceError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &ce):
		return exitConfig
	case errors.As(err, &se):
		return exitService
	}
	return exitOther
}
