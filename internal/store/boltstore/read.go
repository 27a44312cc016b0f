package boltstore

import (
	"bytes"
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/berth-io/berth/internal/store"
)

// view runs fn in a bbolt read transaction unless the store is closed.
func (s *Store) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return store.ErrClosed
	}
	return s.db.View(fn)
}

// Get reads one key.
func (s *Store) Get(ctx context.Context, key string) (kv store.KV, ok bool, err error) {
	err = s.view(ctx, func(tx *bolt.Tx) error {
		k := []byte(key)
		rec := tx.Bucket(bucketKV).Get(k)
		if rec == nil {
			return nil
		}
		ok = true
		kv, err = decodeRecord(k, rec)
		return err
	})
	if err != nil {
		return store.KV{}, false, err
	}
	return kv, ok, nil
}

// GetMany reads keys in one bbolt read transaction, so from one snapshot,
// with the revision of that snapshot. The values are copied out into one
// allocation shared by the answer.
func (s *Store) GetMany(ctx context.Context, keys []string) (kvs []store.KV, rev int64, err error) {
	if err := store.CheckKeys(keys); err != nil {
		return nil, 0, err
	}
	err = s.view(ctx, func(tx *bolt.Tx) error {
		rev, err = readRevision(tx)
		if err != nil {
			return err
		}
		kvs, err = getManyTx(tx, keys)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return kvs, rev, nil
}

// getManyTx reads keys in tx: a first pass finds the records (valid until
// the transaction ends) and sizes their values, a second copies the values
// into one slab.
func getManyTx(tx *bolt.Tx, keys []string) ([]store.KV, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	b := tx.Bucket(bucketKV)
	recs := make([][]byte, len(keys))
	size := 0
	for i, key := range keys {
		rec := b.Get([]byte(key))
		if rec == nil {
			continue
		}
		if len(rec) < headerLen {
			return nil, fmt.Errorf("boltstore: corrupt record for key %q: %d bytes, want at least %d", key, len(rec), headerLen)
		}
		recs[i] = rec
		size += len(rec) - headerLen
	}
	slab := make([]byte, 0, size)
	kvs := make([]store.KV, len(keys))
	for i, rec := range recs {
		kvs[i].Key = keys[i]
		if rec == nil {
			continue
		}
		start := len(slab)
		slab = append(slab, rec[headerLen:]...)
		kvs[i].Value = slab[start:len(slab):len(slab)]
		kvs[i].CreateRevision, kvs[i].ModRevision, _ = revisionsOf(nil, rec)
	}
	return kvs, nil
}

// List reads the keys under prefix in key order, after opts.StartAfter and
// at most opts.Limit of them, with the revision of the snapshot they come
// from.
func (s *Store) List(ctx context.Context, prefix string, opts store.ListOptions) (kvs []store.KV, rev int64, err error) {
	err = s.view(ctx, func(tx *bolt.Tx) error {
		rev, err = readRevision(tx)
		if err != nil {
			return err
		}
		kvs, err = listTx(tx, []byte(prefix), opts)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return kvs, rev, nil
}

func listTx(tx *bolt.Tx, prefix []byte, opts store.ListOptions) ([]store.KV, error) {
	start := prefix
	after := []byte(opts.StartAfter)
	if bytes.Compare(after, prefix) >= 0 {
		start = after
	}
	var kvs []store.KV
	c := tx.Bucket(bucketKV).Cursor()
	for k, rec := c.Seek(start); k != nil && bytes.HasPrefix(k, prefix); k, rec = c.Next() {
		if len(after) > 0 && bytes.Equal(k, after) {
			continue
		}
		kv, err := decodeRecord(k, rec)
		if err != nil {
			return nil, err
		}
		kvs = append(kvs, kv)
		if opts.Limit > 0 && len(kvs) == opts.Limit {
			break
		}
	}
	return kvs, nil
}

// Revision is the revision of the last committed batch that changed
// something.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return 0, store.ErrClosed
	}
	return s.rev.Load(), nil
}
