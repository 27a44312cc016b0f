package etcdstore

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/berth-io/berth/internal/store"
)

// TestNotApplied checks which client errors prove a Txn was not applied.
func TestNotApplied(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{rpctypes.ErrTooManyOps, true},
		{rpctypes.ErrRequestTooLarge, true},
		{rpctypes.ErrDuplicateKey, true},
		{rpctypes.ErrNoSpace, true},
		{rpctypes.ErrPermissionDenied, true},
		{fmt.Errorf("wrapped: %w", rpctypes.ErrTooManyRequests), true},
		{rpctypes.ErrNoLeader, false},
		{rpctypes.ErrTimeout, false},
		{rpctypes.ErrTimeoutDueToLeaderFail, false},
		{rpctypes.ErrStopped, false},
		{status.Error(codes.Unavailable, "connection reset by peer"), false},
		{context.DeadlineExceeded, false},
		{context.Canceled, false},
		{errors.New("something else"), false},
	}
	for _, tc := range tests {
		if got := notApplied(tc.err); got != tc.want {
			t.Errorf("notApplied(%v): got %v, want %v", tc.err, got, tc.want)
		}
	}
}

// TestOutcomeUnknown stops a member of its own, so that a commit cannot be
// answered, checks that Commit reports ErrOutcomeUnknown (and that a batch
// of conditions only does not), then restarts the member and resolves the
// commit the way the package comment says: read the key only that commit
// creates, and commit again if it is absent.
func TestOutcomeUnknown(t *testing.T) {
	dir := t.TempDir()
	e, err := startMember(dir)
	if err != nil {
		t.Fatalf("start member: %v", err)
	}
	ep := e.Config().ListenClientUrls[0].String()
	s := openWith(t, Options{Endpoints: []string{ep}, Prefix: newPrefix(t)})
	commit(t, s, ops(put("before", "x")))
	e.Close()

	token := "tokens/abc"
	runTask := store.Batch{
		Conds: []store.Cond{absent(token)},
		Ops:   []store.Op{put(token, "task/1"), put("task/1", "PENDING")},
	}
	// The deadline only bounds how long the commit waits for a member
	// that will not answer.
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	_, err = s.Commit(ctx, runTask)
	cancel()
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Commit to a stopped member: got %v, want ErrOutcomeUnknown wrapping context.DeadlineExceeded", err)
	}
	ctx, cancel = context.WithTimeout(t.Context(), 500*time.Millisecond)
	_, err = s.Commit(ctx, store.Batch{Conds: []store.Cond{absent(token)}})
	cancel()
	if err == nil || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("conditions-only Commit to a stopped member: got %v, want a definite error", err)
	}

	e, err = startMember(dir)
	if err != nil {
		t.Fatalf("restart member: %v", err)
	}
	defer e.Close()
	kv, ok, err := s.Get(t.Context(), token)
	if err != nil || ok {
		t.Fatalf("Get(%q) after the restart: got (%s, %v, %v), want absent", token, fmtKV(kv), ok, err)
	}
	rev := commit(t, s, runTask)
	if _, err := s.Commit(t.Context(), runTask); !isConflictOn(err, token) {
		t.Fatalf("the same RunTask committed twice: got %v, want a conflict on %q", err, token)
	}
	kv, ok, err = s.Get(t.Context(), "task/1")
	if err != nil || !ok || kv.ModRevision != rev {
		t.Fatalf("Get(task/1): got (%s, %v, %v), want PENDING at %d", fmtKV(kv), ok, err, rev)
	}
}

// isConflictOn reports whether err is a conflict whose first failed
// condition is on key.
func isConflictOn(err error, key string) bool {
	var ce *store.ConflictError
	return errors.As(err, &ce) && len(ce.Failed) > 0 && ce.Failed[0].Key == key
}
