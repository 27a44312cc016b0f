package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/berth-io/berth/internal/store"
)

// Run runs the conformance suite. open must return a new, empty store for
// each call and close it with t.Cleanup; closing it twice must be safe.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s store.Store)
	}{
		{"Revisions", testRevisions},
		{"MultiOpBatch", testMultiOpBatch},
		{"NoChangeBatch", testNoChangeBatch},
		{"ValueIsCopied", testValueIsCopied},
		{"GetMany", testGetMany},
		{"GetManyParts", testGetManyParts},
		{"GetManySnapshot", testGetManySnapshot},
		{"GetManyRefused", testGetManyRefused},
		{"List", testList},
		{"ListPages", testListPages},
		{"Conditions", testConditions},
		{"FailedBatchWritesNothing", testFailedBatchWritesNothing},
		{"Limits", testLimits},
		{"CanceledContext", testCanceledContext},
		{"UpdateCounter", testUpdateCounter},
		{"UpdateAbort", testUpdateAbort},
		{"UpdateReadYourWrites", testUpdateReadYourWrites},
		{"UpdateRetriesOnConflict", testUpdateRetriesOnConflict},
		{"UpdateRequire", testUpdateRequire},
		{"UpdateReadOnly", testUpdateReadOnly},
		{"View", testView},
		{"WatchFromRevision", testWatchFromRevision},
		{"WatchLive", testWatchLive},
		{"WatchResume", testWatchResume},
		{"WatchCompacted", testWatchCompacted},
		{"WatchOrdering", testWatchOrdering},
		{"WatchEndsWithContext", testWatchEndsWithContext},
		{"Closed", testClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, open(t))
		})
	}
}

// Fixture builders.

func put(key, value string) store.Op { return store.Op{Key: key, Value: []byte(value)} }
func del(key string) store.Op        { return store.Op{Key: key, Delete: true} }

func absent(key string) store.Cond { return store.Cond{Key: key, Kind: store.Absent} }
func exists(key string) store.Cond { return store.Cond{Key: key, Kind: store.Exists} }
func unchanged(key string, rev int64) store.Cond {
	return store.Cond{Key: key, Kind: store.Unchanged, Revision: rev}
}

func ops(o ...store.Op) store.Batch { return store.Batch{Ops: o} }

// commit commits b and fails the test on any error.
func commit(t *testing.T, s store.Store, b store.Batch) int64 {
	t.Helper()
	rev, err := s.Commit(t.Context(), b)
	if err != nil {
		t.Fatalf("Commit(%+v) = %v, want success", b, err)
	}
	return rev
}

// revision reads the store revision and fails the test on error.
func revision(t *testing.T, s store.Store) int64 {
	t.Helper()
	rev, err := s.Revision(t.Context())
	if err != nil {
		t.Fatalf("Revision() = %v", err)
	}
	return rev
}

// get reads key and fails the test on error.
func get(t *testing.T, s store.Store, key string) (store.KV, bool) {
	t.Helper()
	kv, ok, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q) = %v", key, err)
	}
	return kv, ok
}

// wantKV checks a key's value and revisions.
func wantKV(t *testing.T, s store.Store, key, value string, createRev, modRev int64) {
	t.Helper()
	kv, ok := get(t, s, key)
	if !ok {
		t.Fatalf("Get(%q): got absent, want %q", key, value)
	}
	if kv.Key != key || string(kv.Value) != value || kv.CreateRevision != createRev || kv.ModRevision != modRev {
		t.Fatalf("Get(%q): got %s, want %s", key, fmtKV(kv), fmtKV(store.KV{Key: key, Value: []byte(value), CreateRevision: createRev, ModRevision: modRev}))
	}
}

// wantAbsent checks that key does not exist.
func wantAbsent(t *testing.T, s store.Store, key string) {
	t.Helper()
	if kv, ok := get(t, s, key); ok {
		t.Fatalf("Get(%q): got %s, want absent", key, fmtKV(kv))
	}
}

// wantConflict checks that err is a *ConflictError for exactly the failed
// conditions, with current states matching want.
func wantConflict(t *testing.T, err error, failed []store.Cond, current []store.KV) {
	t.Helper()
	var ce *store.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("got error %v, want *store.ConflictError", err)
	}
	if len(ce.Failed) != len(failed) || len(ce.Current) != len(failed) {
		t.Fatalf("got %d failed and %d current, want %d of each (%+v)", len(ce.Failed), len(ce.Current), len(failed), ce)
	}
	for i := range failed {
		if ce.Failed[i] != failed[i] {
			t.Errorf("Failed[%d]: got %+v, want %+v", i, ce.Failed[i], failed[i])
		}
		if !sameKV(ce.Current[i], current[i]) {
			t.Errorf("Current[%d]: got %s, want %s", i, fmtKV(ce.Current[i]), fmtKV(current[i]))
		}
	}
}

func sameKV(a, b store.KV) bool {
	return a.Key == b.Key && bytes.Equal(a.Value, b.Value) && a.CreateRevision == b.CreateRevision && a.ModRevision == b.ModRevision
}

func fmtKV(kv store.KV) string {
	return fmt.Sprintf("{%s=%q create=%d mod=%d}", kv.Key, kv.Value, kv.CreateRevision, kv.ModRevision)
}
