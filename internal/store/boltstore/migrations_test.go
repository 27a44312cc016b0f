package boltstore

import (
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// rawDB opens a bare bbolt file, for building files in old layouts.
func rawDB(t *testing.T) (*bolt.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "berth.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatalf("bolt.Open = %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func readMeta(t *testing.T, db *bolt.DB, key []byte) int64 {
	t.Helper()
	var v int64
	err := db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			t.Fatalf("no meta bucket")
		}
		var err error
		v, err = decodeUint(string(key), meta.Get(key))
		return err
	})
	if err != nil {
		t.Fatalf("read meta %s = %v", key, err)
	}
	return v
}

func TestMigrationsAreOrdered(t *testing.T) {
	for i, m := range migrations {
		if m.version != int64(i+1) {
			t.Fatalf("migrations[%d].version: got %d, want %d", i, m.version, i+1)
		}
	}
}

// TestMigration1 takes an empty file to version 1: both buckets, revision
// 1, schema 1.
func TestMigration1(t *testing.T) {
	db, _ := rawDB(t)
	if err := db.Update(func(tx *bolt.Tx) error { return migrateTo(tx, 1) }); err != nil {
		t.Fatalf("migrateTo(1) = %v", err)
	}
	err := db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketKV) == nil {
			t.Errorf("kv bucket: got none, want one")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := readMeta(t, db, keyRevision); got != 1 {
		t.Errorf("revision: got %d, want 1", got)
	}
	if got := readMeta(t, db, keySchema); got != 1 {
		t.Errorf("schema: got %d, want 1", got)
	}
}

// TestMigrateIsIdempotent checks that an up-to-date file is left alone.
func TestMigrateIsIdempotent(t *testing.T) {
	db, _ := rawDB(t)
	for range 2 {
		if err := db.Update(func(tx *bolt.Tx) error { return migrateTo(tx, latestSchema()) }); err != nil {
			t.Fatalf("migrateTo = %v", err)
		}
	}
	if got := readMeta(t, db, keySchema); got != latestSchema() {
		t.Errorf("schema: got %d, want %d", got, latestSchema())
	}
}

// TestOpenRefusesNewerLayout checks that a file from a newer berth is not
// touched.
func TestOpenRefusesNewerLayout(t *testing.T) {
	db, path := rawDB(t)
	err := db.Update(func(tx *bolt.Tx) error {
		if err := migrateTo(tx, latestSchema()); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, encodeUint(latestSchema()+1))
	})
	if err != nil {
		t.Fatalf("setup = %v", err)
	}
	db.Close()
	s, err := Open(path, Options{})
	if err == nil {
		s.Close()
		t.Fatalf("Open of a newer layout: got nil, want an error")
	}
	if !strings.Contains(err.Error(), "newer berth") {
		t.Fatalf("Open of a newer layout: got %q, want it to mention a newer berth", err)
	}
}
