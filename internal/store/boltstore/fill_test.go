package boltstore

import (
	"fmt"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/berth-io/berth/internal/store"
)

// TestAppendedKeysFillPages commits records whose keys arrive in order, as
// task records with time-ordered ids do, and checks that the leaf pages
// they take are mostly full: with bbolt's default split every appended
// page would stay about half full.
func TestAppendedKeysFillPages(t *testing.T) {
	s := openTemp(t, Options{NoSync: true})
	value := make([]byte, 600)
	const records, perBatch = 4000, 40
	for i := 0; i < records; i += perBatch {
		var b store.Batch
		for j := i; j < i+perBatch; j++ {
			b.Ops = append(b.Ops, store.Op{Key: fmt.Sprintf("/tasks/c/%012d", j), Value: value})
		}
		if _, err := s.Commit(t.Context(), b); err != nil {
			t.Fatalf("Commit = %v", err)
		}
	}
	var st bolt.BucketStats
	if err := s.db.View(func(tx *bolt.Tx) error {
		st = tx.Bucket(bucketKV).Stats()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	fill := float64(st.LeafInuse) / float64(st.LeafAlloc)
	if fill < 0.8 {
		t.Fatalf("leaf pages of appended keys: got %.0f%% full (%d of %d bytes), want at least 80%%",
			100*fill, st.LeafInuse, st.LeafAlloc)
	}
}
