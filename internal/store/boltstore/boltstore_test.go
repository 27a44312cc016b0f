package boltstore

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/store"
	"github.com/berth-io/berth/internal/store/storetest"
)

// openAt opens the store at path and closes it when the test ends.
func openAt(t testing.TB, path string, opts Options) *Store {
	t.Helper()
	s, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open(%s) = %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return s
}

// openTemp opens a new store in a fresh temporary directory.
func openTemp(t testing.TB, opts Options) *Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "berth.db"), opts)
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openTemp(t, Options{})
	})
}

// TestReopen checks that everything committed is there after Close and
// Open, that revisions carry on, and that the watch history starts at the
// reopened revision.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "berth.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	ctx := t.Context()
	r1, err1 := s.Commit(ctx, store.Batch{Ops: []store.Op{{Key: "a/1", Value: []byte("x")}, {Key: "a/2", Value: []byte("y")}}})
	r2, err2 := s.Commit(ctx, store.Batch{Ops: []store.Op{{Key: "a/1", Value: []byte("x2")}, {Key: "a/2", Delete: true}}})
	if err := errors.Join(err1, err2); err != nil {
		t.Fatalf("Commit = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}

	s = openAt(t, path, Options{})
	if rev, _ := s.Revision(ctx); rev != r2 {
		t.Fatalf("Revision() after reopen: got %d, want %d", rev, r2)
	}
	kvs, rev, err := s.List(ctx, "a/", store.ListOptions{})
	if err != nil {
		t.Fatalf("List = %v", err)
	}
	want := store.KV{Key: "a/1", Value: []byte("x2"), CreateRevision: r1, ModRevision: r2}
	if len(kvs) != 1 || rev != r2 || string(kvs[0].Value) != "x2" || kvs[0].CreateRevision != want.CreateRevision || kvs[0].ModRevision != want.ModRevision {
		t.Fatalf("List after reopen: got %+v at %d, want [%+v] at %d", kvs, rev, want, r2)
	}
	if _, err := s.Watch(ctx, "a/", r1); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("Watch from before the reopen: got %v, want ErrCompacted", err)
	}
	ch, err := s.Watch(ctx, "a/", r2)
	if err != nil {
		t.Fatalf("Watch from the reopened revision = %v", err)
	}
	r3, err := s.Commit(ctx, store.Batch{Ops: []store.Op{{Key: "a/3", Value: []byte("z")}}})
	if err != nil || r3 != r2+1 {
		t.Fatalf("Commit after reopen: got (%d, %v), want (%d, nil)", r3, err, r2+1)
	}
	if ev := <-ch; ev.KV.Key != "a/3" || ev.KV.ModRevision != r3 {
		t.Fatalf("event after reopen: got %+v, want a/3 at %d", ev, r3)
	}
}

// TestInUse checks that a second Open of a held file fails with ErrInUse
// instead of waiting, and succeeds once the first store is closed.
func TestInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "berth.db")
	first, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	_, err = Open(path, Options{LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("second Open: got %v, want ErrInUse", err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	openAt(t, path, Options{LockTimeout: 50 * time.Millisecond})
}
