package bench

import (
	"context"
	"errors"
	"net"

	"github.com/aws/smithy-go"
)

// Names of errors that carry no ECS exception name.
const (
	errTimeout    = "Timeout"              // the call took longer than --timeout
	errCanceled   = "Canceled"             // the run was interrupted mid-call
	errConnection = "ConnectionError"      // dialing, or the connection broke
	errDecode     = "DeserializationError" // a 200 response the SDK could not read
	errOther      = "OtherError"           // anything else
)

// errorName is the name a failed call is counted under: the ECS exception
// name (ThrottlingException, ClientException, ...) when the server sent
// one, else one of the names above.
func errorName(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() != "" {
		return apiErr.ErrorCode()
	}
	var decodeErr *smithy.DeserializationError
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return errTimeout
	case errors.As(err, &netErr) && netErr.Timeout():
		return errTimeout
	case errors.Is(err, context.Canceled):
		return errCanceled
	case netErr != nil:
		// *url.Error is a net.Error: whatever broke the exchange
		// (refused, reset, EOF) happened on the connection, also when
		// it broke while the SDK was reading a 200's body.
		return errConnection
	case errors.As(err, &decodeErr):
		return errDecode
	}
	return errOther
}

// errorMessage is the text kept as an example of an error name: the
// server's message when it sent one, else the whole error.
func errorMessage(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorMessage() != "" {
		return apiErr.ErrorMessage()
	}
	return err.Error()
}
