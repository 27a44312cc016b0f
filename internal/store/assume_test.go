package store_test

import (
	"context"
	"testing"

	"github.com/berth-io/berth/internal/store"
)

// countingStore counts the Gets that reach the store.
type countingStore struct {
	store.Store
	gets int
}

func (c *countingStore) Get(ctx context.Context, key string) (store.KV, bool, error) {
	c.gets++
	return c.Store.Get(ctx, key)
}

// assumeCase is one Update whose closure assumes key "k" is at the
// revision the case picks, then rewrites it from what it learnt.
type assumeCase struct {
	name string
	// stale makes another writer change "k" after the assumed revision.
	stale bool
	// deleted makes another writer delete "k" instead.
	deleted bool
	// wantAttempts is how many times the closure runs.
	wantAttempts int
	// wantGets is how many Gets reach the store.
	wantGets int
	// wantAssumed is what Assume reports on each attempt.
	wantAssumed []bool
}

// TestAssume checks that an assumption costs no read when it holds, and
// that an out-of-date one (the key changed or deleted since) fails the
// first attempt and lets the second start from the key's current state.
func TestAssume(t *testing.T) {
	cases := []assumeCase{
		{name: "current", wantAttempts: 1, wantGets: 0, wantAssumed: []bool{true}},
		{name: "changed since", stale: true, wantAttempts: 2, wantGets: 0, wantAssumed: []bool{true, false}},
		{name: "deleted since", deleted: true, wantAttempts: 2, wantGets: 0, wantAssumed: []bool{true, false}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cs := &countingStore{Store: openBolt(t)}
			ctx := t.Context()
			assumed, err := cs.Commit(ctx, store.Batch{Ops: []store.Op{{Key: "k", Value: []byte("first")}}})
			if err != nil {
				t.Fatalf("Commit = %v", err)
			}
			switch {
			case tc.stale:
				_, err = cs.Commit(ctx, store.Batch{Ops: []store.Op{{Key: "k", Value: []byte("second")}}})
			case tc.deleted:
				_, err = cs.Commit(ctx, store.Batch{Ops: []store.Op{{Key: "k", Delete: true}}})
			}
			if err != nil {
				t.Fatalf("other writer: %v", err)
			}
			var got []bool
			var lastSeen string
			_, err = store.Update(ctx, cs, func(tx *store.Tx) error {
				ok := tx.Assume("k", assumed)
				got = append(got, ok)
				lastSeen = "first (assumed)"
				if !ok {
					kv, found, err := tx.Get("k")
					if err != nil {
						return err
					}
					lastSeen = "absent"
					if found {
						lastSeen = string(kv.Value)
					}
				}
				tx.Put("k", []byte("from "+lastSeen))
				return nil
			})
			if err != nil {
				t.Fatalf("Update = %v", err)
			}
			if len(got) != tc.wantAttempts {
				t.Fatalf("attempts: got %d, want %d", len(got), tc.wantAttempts)
			}
			for i := range got {
				if got[i] != tc.wantAssumed[i] {
					t.Fatalf("Assume on attempt %d: got %v, want %v", i+1, got[i], tc.wantAssumed[i])
				}
			}
			if cs.gets != tc.wantGets {
				t.Fatalf("store Gets: got %d, want %d", cs.gets, tc.wantGets)
			}
			want := map[bool]string{false: "from first (assumed)", true: "from second"}[tc.stale]
			if tc.deleted {
				want = "from absent"
			}
			kv, _, err := cs.Get(ctx, "k")
			if err != nil || string(kv.Value) != want {
				t.Fatalf("k after Update: got (%q, %v), want %q", kv.Value, err, want)
			}
		})
	}
}

// TestAssumeDefersToReadsAndWrites checks that Assume leaves a key this
// attempt has already read or written alone.
func TestAssumeDefersToReadsAndWrites(t *testing.T) {
	cs := &countingStore{Store: openBolt(t)}
	ctx := t.Context()
	if _, err := cs.Commit(ctx, store.Batch{Ops: []store.Op{{Key: "read", Value: []byte("r")}}}); err != nil {
		t.Fatalf("Commit = %v", err)
	}
	_, err := store.Update(ctx, cs, func(tx *store.Tx) error {
		if _, _, err := tx.Get("read"); err != nil {
			return err
		}
		tx.Put("written", []byte("w"))
		for _, key := range []string{"read", "written"} {
			if tx.Assume(key, 1) {
				t.Errorf("Assume(%s): got true, want false", key)
			}
		}
		kv, ok, err := tx.Get("written")
		if err != nil || !ok || string(kv.Value) != "w" {
			t.Errorf("Get(written): got (%q, %v, %v), want (w, true, nil)", kv.Value, ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update = %v", err)
	}
}
