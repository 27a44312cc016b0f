package boltstore

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Bucket and meta key names; the layout is drawn in doc.go.
var (
	bucketKV    = []byte("kv")
	bucketMeta  = []byte("meta")
	keyRevision = []byte("revision")
	keySchema   = []byte("schema")
)

// migration moves the file's layout from version-1 to version. Every
// migration runs inside the same write transaction as the ones after it and
// as the schema version update, so a crash leaves the file at the old
// version or the new one. Each migration has its own test in
// migrations_test.go.
type migration struct {
	version int64
	name    string
	migrate func(tx *bolt.Tx) error
}

// migrations is ordered by version, starting at 1, without gaps. Append
// only; never edit one that has shipped.
var migrations = []migration{
	{version: 1, name: "initial layout: kv and meta buckets, revision 1", migrate: migrateInitial},
}

// latestSchema is the layout version this code writes.
func latestSchema() int64 {
	return migrations[len(migrations)-1].version
}

// migrateInitial creates the buckets and starts the revision at 1, as a new
// etcd cluster does, so that revision 0 never names a state of the store
// (Watch reads fromRev 0 as "from now").
func migrateInitial(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketKV); err != nil {
		return err
	}
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	return meta.Put(keyRevision, encodeUint(1))
}

// schemaVersion is the file's layout version; 0 for a new, empty file.
func schemaVersion(tx *bolt.Tx) (int64, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0, nil
	}
	v := meta.Get(keySchema)
	if v == nil {
		return 0, nil
	}
	return decodeUint("schema", v)
}

// migrateTo brings the file from its version up to target.
func migrateTo(tx *bolt.Tx, target int64) error {
	cur, err := schemaVersion(tx)
	if err != nil {
		return err
	}
	if cur > latestSchema() {
		return fmt.Errorf("boltstore: file has layout version %d, but this berth knows versions up to %d: it was written by a newer berth", cur, latestSchema())
	}
	for _, m := range migrations {
		if m.version <= cur || m.version > target {
			continue
		}
		if err := m.migrate(tx); err != nil {
			return fmt.Errorf("boltstore: migration %d (%s): %w", m.version, m.name, err)
		}
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return fmt.Errorf("boltstore: migration %d (%s) left no meta bucket", m.version, m.name)
		}
		if err := meta.Put(keySchema, encodeUint(m.version)); err != nil {
			return err
		}
	}
	return nil
}

// needsMigration reports whether the file is older than this code.
func needsMigration(db *bolt.DB) (bool, error) {
	var cur int64
	err := db.View(func(tx *bolt.Tx) error {
		var err error
		cur, err = schemaVersion(tx)
		return err
	})
	return cur != latestSchema(), err
}
