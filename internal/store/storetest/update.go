package storetest

import (
	"errors"
	"strconv"
	"sync"
	"testing"

	"github.com/berth-io/berth/internal/store"
)

// increment is an Update closure that adds one to the counter at key.
func increment(key string) func(tx *store.Tx) error {
	return func(tx *store.Tx) error {
		kv, ok, err := tx.Get(key)
		if err != nil {
			return err
		}
		n := 0
		if ok {
			if n, err = strconv.Atoi(string(kv.Value)); err != nil {
				return err
			}
		}
		tx.Put(key, []byte(strconv.Itoa(n+1)))
		return nil
	}
}

// testUpdateCounter runs UpdateAttempts goroutines that each increment one
// counter once. Every failed attempt of one goroutine means another one
// succeeded, so all of them must succeed and the counter must end at
// exactly their number, each at its own revision.
func testUpdateCounter(t *testing.T, s store.Store) {
	const n = store.UpdateAttempts
	revs := make([]int64, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			revs[i], errs[i] = store.Update(t.Context(), s, increment("counter"))
		})
	}
	wg.Wait()
	seen := map[int64]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Update %d: got %v, want success", i, errs[i])
		}
		if seen[revs[i]] {
			t.Fatalf("Update %d: revision %d was returned twice", i, revs[i])
		}
		seen[revs[i]] = true
	}
	kv, _ := get(t, s, "counter")
	if got := string(kv.Value); got != strconv.Itoa(n) {
		t.Fatalf("counter: got %s, want %d", got, n)
	}
}

// testUpdateAbort checks that a closure error writes nothing and comes back
// unchanged.
func testUpdateAbort(t *testing.T, s store.Store) {
	errBoom := errors.New("boom")
	rev0 := revision(t, s)
	_, err := store.Update(t.Context(), s, func(tx *store.Tx) error {
		tx.Put("k", []byte("v"))
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Update: got %v, want %v", err, errBoom)
	}
	wantAbsent(t, s, "k")
	if got := revision(t, s); got != rev0 {
		t.Fatalf("Revision(): got %d, want %d", got, rev0)
	}
}

// testUpdateReadYourWrites checks that a closure sees its own buffered
// writes, and that the last write of a key wins.
func testUpdateReadYourWrites(t *testing.T, s store.Store) {
	commit(t, s, ops(put("deleted", "d")))
	rev, err := store.Update(t.Context(), s, func(tx *store.Tx) error {
		tx.Put("new", []byte("1"))
		if kv, ok, err := tx.Get("new"); err != nil || !ok || string(kv.Value) != "1" || kv.ModRevision != 0 {
			t.Errorf("Get of a buffered put: got (%s, %v, %v), want value 1 at revision 0", fmtKV(kv), ok, err)
		}
		tx.Put("new", []byte("2"))
		tx.Delete("deleted")
		if _, ok, err := tx.Get("deleted"); err != nil || ok {
			t.Errorf("Get of a buffered delete: got (%v, %v), want absent", ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update = %v", err)
	}
	wantKV(t, s, "new", "2", rev, rev)
	wantAbsent(t, s, "deleted")
}

// testUpdateRetriesOnConflict changes the key a closure read between its
// read and its commit, once, and checks that the closure runs again with
// the new value.
func testUpdateRetriesOnConflict(t *testing.T, s store.Store) {
	commit(t, s, ops(put("counter", "10")))
	calls := 0
	inc := increment("counter")
	_, err := store.Update(t.Context(), s, func(tx *store.Tx) error {
		calls++
		if err := inc(tx); err != nil {
			return err
		}
		if calls == 1 {
			commit(t, s, ops(put("counter", "20")))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update = %v", err)
	}
	if calls != 2 {
		t.Fatalf("closure calls: got %d, want 2", calls)
	}
	kv, _ := get(t, s, "counter")
	if string(kv.Value) != "21" {
		t.Fatalf("counter: got %s, want 21", kv.Value)
	}
}

// testUpdateRequire checks explicit conditions: one that holds lets the
// commit through; one that fails returns the conflict at once, without
// running the closure again.
func testUpdateRequire(t *testing.T, s store.Store) {
	rev := commit(t, s, ops(put("snapshot", "s")))
	tests := []struct {
		name string
		cond store.Cond
		ok   bool
	}{
		{"holds", unchanged("snapshot", rev), true},
		{"stale", unchanged("snapshot", rev+100), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			_, err := store.Update(t.Context(), s, func(tx *store.Tx) error {
				calls++
				tx.Require(tc.cond)
				tx.Put("out/"+tc.name, []byte("x"))
				return nil
			})
			if calls != 1 {
				t.Errorf("closure calls: got %d, want 1", calls)
			}
			if tc.ok {
				if err != nil {
					t.Fatalf("Update = %v, want success", err)
				}
				return
			}
			wantConflict(t, err, []store.Cond{tc.cond}, []store.KV{{Key: "snapshot", Value: []byte("s"), CreateRevision: rev, ModRevision: rev}})
			wantAbsent(t, s, "out/"+tc.name)
		})
	}
}

// testUpdateReadOnly checks that an Update that only reads commits nothing
// and returns the current revision.
func testUpdateReadOnly(t *testing.T, s store.Store) {
	commit(t, s, ops(put("k", "v")))
	rev0 := revision(t, s)
	rev, err := store.Update(t.Context(), s, func(tx *store.Tx) error {
		_, _, err := tx.Get("k")
		return err
	})
	if err != nil || rev != rev0 {
		t.Fatalf("Update: got (%d, %v), want (%d, nil)", rev, err, rev0)
	}
}

// testView checks that View's Gets are memoised and its List reads the
// store.
func testView(t *testing.T, s store.Store) {
	rev := putAll(t, s, listFixture)
	err := store.View(t.Context(), s, func(tx *store.ReadTx) error {
		first, _, err := tx.Get("a/1")
		if err != nil {
			return err
		}
		commit(t, s, ops(put("a/1", "changed")))
		again, _, err := tx.Get("a/1")
		if err != nil {
			return err
		}
		if !sameKV(first, again) {
			t.Errorf("second Get in one View: got %s, want %s", fmtKV(again), fmtKV(first))
		}
		kvs, listRev, err := tx.List("a/", store.ListOptions{})
		if err != nil {
			return err
		}
		if len(kvs) != 3 || listRev != rev+1 {
			t.Errorf("List in View: got %d keys at revision %d, want 3 at %d", len(kvs), listRev, rev+1)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("View = %v", err)
	}
}
