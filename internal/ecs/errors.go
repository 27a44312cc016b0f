package ecs

import (
	"errors"
	"fmt"
)

// Exception names of the ECS model that berth returns.
const (
	CodeAccessDenied                = "AccessDeniedException"
	CodeAttributeLimitExceeded      = "AttributeLimitExceededException"
	CodeClient                      = "ClientException"
	CodeClusterContainsInstances    = "ClusterContainsContainerInstancesException"
	CodeClusterContainsServices     = "ClusterContainsServicesException"
	CodeClusterContainsTasks        = "ClusterContainsTasksException"
	CodeClusterContainsCapacityProv = "ClusterContainsCapacityProviderException"
	CodeClusterNotFound             = "ClusterNotFoundException"
	CodeConflict                    = "ConflictException"
	CodeInvalidParameter            = "InvalidParameterException"
	CodeLimitExceeded               = "LimitExceededException"
	CodePlatformUnknown             = "PlatformUnknownException"
	CodePlatformTaskDefIncompatible = "PlatformTaskDefinitionIncompatibilityException"
	CodeResourceInUse               = "ResourceInUseException"
	CodeResourceNotFound            = "ResourceNotFoundException"
	CodeServer                      = "ServerException"
	CodeUnsupportedFeature          = "UnsupportedFeatureException"
	CodeUpdateInProgress            = "UpdateInProgressException"
	CodeTargetNotFound              = "TargetNotFoundException"
	CodeServiceNotFound             = "ServiceNotFoundException"
	CodeSerialization               = "SerializationException"
	CodeUnknownOperation            = "UnknownOperationException"
	CodeThrottling                  = "ThrottlingException"
	CodeMissingAuthenticationToken  = "MissingAuthenticationTokenException"
	CodeInvalidSignature            = "InvalidSignatureException"
	CodeIncompleteSignature         = "IncompleteSignatureException"
	CodeUnrecognizedClient          = "UnrecognizedClientException"
	CodeNotImplemented              = "UnsupportedFeatureException"
)

// Error is an ECS exception: Code is its modelled name, Message the text the
// caller sees. ResourceIDs is set for ConflictException.
type Error struct {
	Code        string
	Message     string
	ResourceIDs []string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is makes errors.Is(err, &Error{Code: X}) match any error of code X.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// Errorf builds an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// InvalidParameter is the InvalidParameterException for a bad request value.
func InvalidParameter(format string, args ...any) *Error {
	return Errorf(CodeInvalidParameter, format, args...)
}

// ClientError is the ClientException, ECS's general "your request is wrong" error.
func ClientError(format string, args ...any) *Error {
	return Errorf(CodeClient, format, args...)
}

// ClusterNotFound is ECS's ClusterNotFoundException with its usual text.
func ClusterNotFound() *Error {
	return &Error{Code: CodeClusterNotFound, Message: "Cluster not found."}
}

// TaskDefinitionNotFound is the ClientException RunTask returns for an unknown definition.
func TaskDefinitionNotFound() *Error {
	return &Error{Code: CodeClient, Message: "TaskDefinition not found."}
}

// CodeOf returns the ECS code of err, or ServerException for errors that are
// not *Error.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeServer
}
