package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/berth-io/berth/internal/store"
	"github.com/berth-io/berth/internal/store/boltstore"
)

func openBolt(t *testing.T) store.Store {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "berth.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestUpdateGivesUp has another writer change the key the closure read on
// every attempt: Update must stop after UpdateAttempts runs and return the
// conflict, having written nothing of its own.
func TestUpdateGivesUp(t *testing.T) {
	s := openBolt(t)
	ctx := t.Context()
	calls := 0
	_, err := store.Update(ctx, s, func(tx *store.Tx) error {
		calls++
		if _, _, err := tx.Get("hot"); err != nil {
			return err
		}
		if _, err := s.Commit(ctx, store.Batch{Ops: []store.Op{{Key: "hot", Value: []byte{byte(calls)}}}}); err != nil {
			return err
		}
		tx.Put("mine", []byte("x"))
		return nil
	})
	var ce *store.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("Update: got %v, want a *ConflictError", err)
	}
	if calls != store.UpdateAttempts {
		t.Fatalf("closure calls: got %d, want %d", calls, store.UpdateAttempts)
	}
	if _, ok, _ := s.Get(ctx, "mine"); ok {
		t.Fatalf("Get(mine): got a value, want absent")
	}
}

// TestUpdateStopsWithContext checks that a context ending between attempts
// ends Update with the context's error.
func TestUpdateStopsWithContext(t *testing.T) {
	s := openBolt(t)
	ctx, cancel := context.WithCancel(t.Context())
	calls := 0
	_, err := store.Update(ctx, s, func(tx *store.Tx) error {
		calls++
		if _, _, err := tx.Get("hot"); err != nil {
			return err
		}
		if _, err := s.Commit(t.Context(), store.Batch{Ops: []store.Op{{Key: "hot", Value: []byte("v")}}}); err != nil {
			return err
		}
		cancel()
		tx.Put("mine", []byte("x"))
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("Update: got (%v, %d calls), want (context.Canceled, 1 call)", err, calls)
	}
}

// TestUpdateUsesConflictValues checks that a rerun starts from the values
// the conflict reported instead of reading the store again: the second run
// changes the key before reading it, yet reads the reported value (and so
// conflicts once more, which a third run resolves).
func TestUpdateUsesConflictValues(t *testing.T) {
	s := openBolt(t)
	ctx := t.Context()
	set := func(v string) error {
		_, err := s.Commit(ctx, store.Batch{Ops: []store.Op{{Key: "k", Value: []byte(v)}}})
		return err
	}
	var seen []string
	_, err := store.Update(ctx, s, func(tx *store.Tx) error {
		if len(seen) == 1 {
			if err := set("third"); err != nil {
				return err
			}
		}
		kv, _, err := tx.Get("k")
		if err != nil {
			return err
		}
		seen = append(seen, string(kv.Value))
		if len(seen) == 1 {
			if err := set("second"); err != nil {
				return err
			}
		}
		tx.Put("out", kv.Value)
		return nil
	})
	if err != nil {
		t.Fatalf("Update = %v", err)
	}
	want := []string{"", "second", "third"}
	if !slices.Equal(seen, want) {
		t.Fatalf("values seen by the closure: got %q, want %q", seen, want)
	}
	if kv, _, _ := s.Get(ctx, "out"); string(kv.Value) != "third" {
		t.Fatalf("out: got %q, want third", kv.Value)
	}
}
