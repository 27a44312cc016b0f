package ecsapi

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/sigv4"
)

// Codes the edge answers with that internal/ecs does not name.
const (
	// codeOK is the metrics code label of a successful request.
	codeOK = "OK"
	// internalErrorMessage is all a client learns about an unexpected error.
	internalErrorMessage = "An internal error occurred."
)

// apiError is an error in its wire form.
type apiError struct {
	Status      int
	Code        string
	Message     string
	ResourceIDs []string
	// Cause is the error to log for a ServerException the edge made up; nil
	// when the client saw the error's own text.
	Cause error
}

// statusError is an edge error whose HTTP status is not the one its code
// implies (404 for an unknown path, 405 for a wrong method).
type statusError struct {
	err    *ecs.Error
	status int
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// toAPIError is the one table from Go errors to wire errors. See the package
// documentation for the rules.
func toAPIError(err error) apiError {
	var (
		withStatus *statusError
		ecsErr     *ecs.Error
		sigErr     *sigv4.Error
		valErr     *ecsmodel.ValidationError
	)
	switch {
	case errors.As(err, &withStatus):
		return apiError{Status: withStatus.status, Code: withStatus.err.Code, Message: withStatus.err.Message}
	case errors.As(err, &ecsErr) && ecsErr.Code != "":
		a := apiError{Status: statusOf(ecsErr.Code), Code: ecsErr.Code, Message: ecsErr.Message}
		if ecsErr.Code == ecs.CodeConflict {
			a.ResourceIDs = ecsErr.ResourceIDs
		}
		return a
	case errors.As(err, &sigErr) && sigErr.Code != "":
		return apiError{Status: sigErr.HTTPStatus(), Code: sigErr.Code, Message: sigErr.Message}
	case errors.As(err, &valErr):
		return apiError{Status: http.StatusBadRequest, Code: ecs.CodeInvalidParameter, Message: valErr.Error()}
	default:
		return apiError{Status: http.StatusInternalServerError, Code: ecs.CodeServer, Message: internalErrorMessage, Cause: err}
	}
}

// statusOf is the HTTP status of an exception: 500 for the model's faults
// (ServerException), 400 for everything else.
func statusOf(code string) int {
	if ecsmodel.Exceptions[code] {
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// panicError is a recovered panic of a handler, kept with its stack for the
// log.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// Errors of the edge itself.

func errNoRoute(path string) error {
	return &statusError{status: http.StatusNotFound, err: ecs.Errorf(ecs.CodeUnknownOperation,
		"No operation is served at path %q; the ECS API is served at POST /.", path)}
}

func errMethod(method string) error {
	return &statusError{status: http.StatusMethodNotAllowed, err: ecs.Errorf(ecs.CodeUnknownOperation,
		"Method %s is not allowed; the ECS API is served at POST /.", method)}
}

func errContentType(got string) error {
	if got == "" {
		return ecs.Errorf(ecs.CodeSerialization,
			"The request has no Content-Type; send application/x-amz-json-1.1.")
	}
	return ecs.Errorf(ecs.CodeSerialization,
		"Unsupported Content-Type %q; send application/x-amz-json-1.1.", got)
}

func errTooLarge(limit int64) error {
	return ecs.Errorf(ecs.CodeClient, "The request body is larger than the limit of %d bytes.", limit)
}

func errReadBody(err error) error {
	return ecs.Errorf(ecs.CodeSerialization, "The request body could not be read: %v.", err)
}

func errMissingTarget() error {
	return ecs.Errorf(ecs.CodeUnknownOperation,
		"The request has no X-Amz-Target header; send %s.<Operation>.", ecsmodel.TargetPrefix)
}

func errUnknownTarget(target string) error {
	return ecs.Errorf(ecs.CodeUnknownOperation, "Unknown operation %q.", target)
}

func errClientGone() error {
	return ecs.Errorf(ecs.CodeClient, "The request was canceled: the client closed the connection before the answer was ready.")
}

func errNotImplemented(op string) error {
	return ecs.Errorf(ecs.CodeUnsupportedFeature, "berth does not implement %s yet.", op)
}
