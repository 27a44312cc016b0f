package etcdstore

import (
	"context"
	"errors"
	"fmt"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"

	"github.com/berth-io/berth/internal/store"
)

// getManyAttempts bounds how often GetMany starts over when the revision it
// pinned its later parts to was compacted while it read.
const getManyAttempts = 3

// GetMany reads keys with Txns of Get operations, at most store.MaxOps of
// them (and requestBudget bytes of keys) per Txn. The first Txn is a
// linearizable read whose header revision is the snapshot; the others read
// at that revision, so the answer is one snapshot however many parts it
// took. If that revision is compacted before the last part is read, GetMany
// starts over, getManyAttempts times at most.
func (s *Store) GetMany(ctx context.Context, keys []string) ([]store.KV, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	if err := store.CheckKeys(keys); err != nil {
		return nil, 0, err
	}
	if len(keys) == 0 {
		rev, err := s.Revision(ctx)
		return nil, rev, err
	}
	ctx, end, err := s.begin(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer end()
	for attempt := 1; ; attempt++ {
		kvs, rev, err := s.getMany(ctx, keys)
		if err == nil {
			return kvs, rev, nil
		}
		if rev == 0 || attempt == getManyAttempts || !errors.Is(err, rpctypes.ErrCompacted) {
			return nil, 0, fail(ctx, fmt.Sprintf("get %d keys", len(keys)), err)
		}
	}
}

// getMany makes one attempt of GetMany. On failure rev is the revision the
// parts were pinned to, 0 when the first part failed.
func (s *Store) getMany(ctx context.Context, keys []string) (kvs []store.KV, rev int64, err error) {
	kvs = make([]store.KV, 0, len(keys))
	for rest := keys; len(rest) > 0; {
		n := s.readPart(rest)
		part := rest[:n]
		rest = rest[n:]
		resp, err := s.client.Txn(ctx).Then(s.gets(part, rev)...).Commit()
		if err != nil {
			return nil, rev, err
		}
		if len(resp.Responses) != len(part) {
			return nil, rev, fmt.Errorf("etcd answered %d reads for %d keys", len(resp.Responses), len(part))
		}
		if rev == 0 {
			rev = resp.Header.Revision
		}
		for i, k := range part {
			kvs = append(kvs, s.readResult(k, resp.Responses[i]))
		}
	}
	return kvs, rev, nil
}

// readPart is how many of keys (at least one) the next Txn of GetMany
// reads: at most store.MaxOps, within requestBudget bytes of request.
func (s *Store) readPart(keys []string) int {
	size := 0
	for i, k := range keys {
		size += len(s.ns) + len(k) + opOverhead
		if i == store.MaxOps || (i > 0 && size > requestBudget) {
			return i
		}
	}
	return len(keys)
}
