package etcdstore

import (
	"context"
	"errors"

	"github.com/berth-io/berth/internal/store"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// ErrOutcomeUnknown is store.ErrOutcomeUnknown, which a Commit error
// matches (errors.Is) when the request reached, or may have reached, the
// cluster and no answer came back. The error also wraps its cause (a
// context error, store.ErrClosed, or etcd's). Resolve it by reading a key
// that only this batch creates, as described in the package comment,
// before retrying.
var ErrOutcomeUnknown = store.ErrOutcomeUnknown

// notApplied reports whether a Txn error proves that nothing was written.
// etcd refuses malformed or oversized requests (InvalidArgument, such as
// too many operations or a request too large), requests past its quota or
// rate limit (ResourceExhausted), unauthorised ones, and requests against
// a cluster in a failed state (FailedPrecondition) before applying them.
// Every other failure (Unavailable, DeadlineExceeded, Canceled, Unknown,
// Internal...) can happen after the request was proposed to raft, so the
// write may still commit.
func notApplied(err error) bool {
	switch codeOf(err) {
	case codes.InvalidArgument, codes.ResourceExhausted, codes.FailedPrecondition,
		codes.PermissionDenied, codes.Unauthenticated, codes.OutOfRange, codes.Unimplemented:
		return true
	}
	return false
}

// codeOf is the gRPC code of an error from the etcd client.
func codeOf(err error) codes.Code {
	var ee rpctypes.EtcdError
	if errors.As(err, &ee) {
		return ee.Code()
	}
	if st, ok := status.FromError(err); ok {
		return st.Code()
	}
	switch {
	case errors.Is(err, context.Canceled):
		return codes.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return codes.DeadlineExceeded
	}
	return codes.Unknown
}
