package boltstore

import (
	"bytes"
	"context"

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
