package control

import (
	"path/filepath"
	"testing"

	"github.com/berth-io/berth/internal/store/boltstore"
)

// openTestStore opens a fresh bbolt file without fsync, closed when the
// test ends.
func openTestStore(tb testing.TB) *boltstore.Store {
	tb.Helper()
	st, err := boltstore.Open(filepath.Join(tb.TempDir(), "berth.db"), boltstore.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// newTestService is a Service in loadAccount on a fresh store
// (openTestStore).
func newTestService(tb testing.TB) (*boltstore.Store, *Service) {
	tb.Helper()
	st := openTestStore(tb)
	svc, err := New(Config{Store: st, Account: loadAccount})
	if err != nil {
		tb.Fatal(err)
	}
	return st, svc
}
