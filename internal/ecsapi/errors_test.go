package ecsapi

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/sigv4"
)

// TestToAPIError is the table test of the one error table.
func TestToAPIError(t *testing.T) {
	plain := errors.New("bolt: database not open")
	tests := []struct {
		name string
		err  error
		want apiError
	}{
		{
			name: "ecs error keeps code and message",
			err:  ecs.ClusterNotFound(),
			want: apiError{Status: 400, Code: "ClusterNotFoundException", Message: "Cluster not found."},
		},
		{
			name: "wrapped ecs error",
			err:  fmt.Errorf("run task: %w", ecs.ClientError("TaskDefinition not found.")),
			want: apiError{Status: 400, Code: "ClientException", Message: "TaskDefinition not found."},
		},
		{
			name: "ecs ServerException is a 500",
			err:  ecs.Errorf(ecs.CodeServer, "Service unavailable."),
			want: apiError{Status: 500, Code: "ServerException", Message: "Service unavailable."},
		},
		{
			name: "conflict carries resource ids",
			err:  &ecs.Error{Code: ecs.CodeConflict, Message: "m", ResourceIDs: []string{"arn:a"}},
			want: apiError{Status: 400, Code: "ConflictException", Message: "m", ResourceIDs: []string{"arn:a"}},
		},
		{
			name: "resource ids only for conflict",
			err:  &ecs.Error{Code: ecs.CodeClient, Message: "m", ResourceIDs: []string{"arn:a"}},
			want: apiError{Status: 400, Code: "ClientException", Message: "m"},
		},
		{
			name: "unmodelled code is a client error",
			err:  ecs.Errorf(ecs.CodeThrottling, "Rate exceeded"),
			want: apiError{Status: 400, Code: "ThrottlingException", Message: "Rate exceeded"},
		},
		{
			name: "sigv4 error",
			err:  &sigv4.Error{Code: sigv4.CodeUnrecognizedClient, Message: "The security token included in the request is invalid."},
			want: apiError{Status: 400, Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."},
		},
		{
			name: "validation error",
			err:  &ecsmodel.ValidationError{Problems: []string{"Value null at 'cluster' failed to satisfy constraint: Member must not be null"}},
			want: apiError{Status: 400, Code: "InvalidParameterException",
				Message: "1 validation error detected: Value null at 'cluster' failed to satisfy constraint: Member must not be null"},
		},
		{
			name: "edge status error",
			err:  errNoRoute("/x"),
			want: apiError{Status: 404, Code: "UnknownOperationException", Message: `No operation is served at path "/x"; the ECS API is served at POST /.`},
		},
		{
			name: "plain error is hidden",
			err:  plain,
			want: apiError{Status: 500, Code: "ServerException", Message: "An internal error occurred.", Cause: plain},
		},
		{
			name: "ecs error without code is hidden",
			err:  &ecs.Error{Message: "oops"},
			want: apiError{Status: 500, Code: "ServerException", Message: "An internal error occurred."},
		},
		{
			name: "context canceled is a server error",
			err:  context.Canceled,
			want: apiError{Status: 500, Code: "ServerException", Message: "An internal error occurred.", Cause: context.Canceled},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := toAPIError(tc.err)
			if got.Status != tc.want.Status || got.Code != tc.want.Code || got.Message != tc.want.Message ||
				!slices.Equal(got.ResourceIDs, tc.want.ResourceIDs) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			wantCause := tc.want.Code == ecs.CodeServer && tc.want.Message == internalErrorMessage
			if (got.Cause != nil) != wantCause {
				t.Errorf("cause: got %v, want one: %v", got.Cause, wantCause)
			}
			if tc.want.Cause != nil && got.Cause != tc.want.Cause {
				t.Errorf("cause: got %v, want %v", got.Cause, tc.want.Cause)
			}
		})
	}
}

// TestEveryModelExceptionHasAStatus checks the status rule against the
// model: only faults are 5xx.
func TestEveryModelExceptionHasAStatus(t *testing.T) {
	for code, fault := range ecsmodel.Exceptions {
		want := 400
		if fault {
			want = 500
		}
		if got := toAPIError(ecs.Errorf(code, "m")).Status; got != want {
			t.Errorf("%s: got status %d, want %d", code, got, want)
		}
	}
}
