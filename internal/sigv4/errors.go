package sigv4

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Exception names a failed verification reports in Error.Code. They are the
// names ECS (and the other coral JSON services) use on the wire.
const (
	CodeMissingAuthenticationToken = "MissingAuthenticationTokenException"
	CodeIncompleteSignature        = "IncompleteSignatureException"
	CodeInvalidSignature           = "InvalidSignatureException"
	CodeUnrecognizedClient         = "UnrecognizedClientException"
)

// Error is a failed verification. Code is the ECS exception name (one of the
// Code* constants) and Message the text the client sees. Every such error is
// a client error; HTTPStatus says which status to answer with.
type Error struct {
	Code    string
	Message string
}

// Error returns "Code: Message".
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is makes errors.Is(err, &Error{Code: X}) match any *Error of code X; a
// non-empty Message in the target must match too.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// HTTPStatus is the status code to send with the error. ECS answers every
// authentication failure with 400 Bad Request (observed for
// UnrecognizedClientException and InvalidSignatureException; assumed for the
// rest).
func (e *Error) HTTPStatus() int { return http.StatusBadRequest }

func newError(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Messages whose text is observed from AWS are quoted exactly; the others are
// berth's own and say so in a comment.

func errMissingToken() *Error {
	return &Error{Code: CodeMissingAuthenticationToken, Message: "Missing Authentication Token"}
}

// errPresigned is berth's own text: berth does not take query-string auth.
func errPresigned() *Error {
	return &Error{Code: CodeIncompleteSignature, Message: "Query-string (presigned URL) authentication is not supported; " +
		"sign the request with an 'Authorization: AWS4-HMAC-SHA256 ...' header."}
}

// errMultipleAuthorization is berth's own text.
func errMultipleAuthorization() *Error {
	return &Error{Code: CodeIncompleteSignature, Message: "The request carries more than one Authorization header."}
}

func errMissingEqualSign(token, header string) *Error {
	return newError(CodeIncompleteSignature,
		"'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", token, header)
}

// errDuplicateParameter is berth's own text.
func errDuplicateParameter(key, header string) *Error {
	return newError(CodeIncompleteSignature,
		"Authorization header has more than one '%s' parameter: '%s'.", key, header)
}

// errUnsupportedAlgorithm is berth's own text.
func errUnsupportedAlgorithm(alg string) *Error {
	return newError(CodeIncompleteSignature,
		"Unsupported AWS 'algorithm': '%s'. Only '%s' is supported.", alg, Algorithm)
}

func errCredentialShape(credential string) *Error {
	return newError(CodeIncompleteSignature,
		"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", credential)
}

// errEmptySignedHeader is berth's own text.
func errEmptySignedHeader(list string) *Error {
	return newError(CodeIncompleteSignature,
		"SignedHeaders '%s' contains an empty header name.", list)
}

func errHostNotSigned() *Error {
	return &Error{Code: CodeIncompleteSignature, Message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."}
}

func errSignedHeaderAbsent(name string) *Error {
	return newError(CodeIncompleteSignature,
		"'%s' is named as a SignedHeader, but it does not exist in the HTTP request.", name)
}

// errBadDateHeader is berth's own text.
func errBadDateHeader(name, value string) *Error {
	return newError(CodeIncompleteSignature,
		"The '%s' header value '%s' is not a valid date; use the ISO-8601 basic format yyyyMMdd'T'HHmmss'Z' in X-Amz-Date.", name, value)
}

func errScopeDate(scopeDate, amzDate string) *Error {
	return newError(CodeInvalidSignature,
		"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
		scopeDate, amzDate[:8], amzDate)
}

func errTerminator(term string) *Error {
	return newError(CodeInvalidSignature,
		"Credential should be scoped with a valid terminator: '%s', not '%s'. ", Terminator, term)
}

func errService(want string) *Error {
	return newError(CodeInvalidSignature, "Credential should be scoped to correct service: '%s'. ", want)
}

func errRegion(got string) *Error {
	return newError(CodeInvalidSignature, "Credential should be scoped to a valid region, not '%s'. ", got)
}

func errExpired(signed, now time.Time, skew time.Duration) *Error {
	return newError(CodeInvalidSignature, "Signature expired: %s is now earlier than %s (%s - %s)",
		FormatTime(signed), FormatTime(now.Add(-skew)), FormatTime(now), skewText(skew))
}

func errNotYetCurrent(signed, now time.Time, skew time.Duration) *Error {
	return newError(CodeInvalidSignature, "Signature not yet current: %s is still later than %s (%s + %s)",
		FormatTime(signed), FormatTime(now.Add(skew)), FormatTime(now), skewText(skew))
}

// skewText writes the window as AWS does ("5 min."), falling back to Go's
// duration syntax for windows that are not whole minutes.
func skewText(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min.", d/time.Minute)
	}
	return d.String() + "."
}

func errUnknownKey() *Error {
	return &Error{Code: CodeUnrecognizedClient, Message: "The security token included in the request is invalid."}
}

func errSignatureMismatch() *Error {
	return &Error{Code: CodeInvalidSignature, Message: "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
}

// errContentSHA256 uses S3's text for the same condition.
func errContentSHA256() *Error {
	return &Error{Code: CodeInvalidSignature, Message: "The provided 'x-amz-content-sha256' header does not match what was computed."}
}
