package etcdstore

import (
	"context"
	"fmt"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/berth-io/berth/internal/store"
)

// Get reads one key with a linearizable Range.
func (s *Store) Get(ctx context.Context, key string) (kv store.KV, ok bool, err error) {
	ctx, end, err := s.begin(ctx)
	if err != nil {
		return store.KV{}, false, err
	}
	defer end()
	resp, err := s.client.Get(ctx, s.key(key))
	if err != nil {
		return store.KV{}, false, fail(ctx, fmt.Sprintf("get %q", key), err)
	}
	if len(resp.Kvs) == 0 {
		return store.KV{}, false, nil
	}
	return s.toKV(resp.Kvs[0]), true, nil
}

// List reads the keys under prefix in key order with one linearizable
// Range, starting after opts.StartAfter and returning at most opts.Limit
// keys; the revision is the Range's header revision, the state the keys
// were read at.
func (s *Store) List(ctx context.Context, prefix string, opts store.ListOptions) (kvs []store.KV, rev int64, err error) {
	ctx, end, err := s.begin(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer end()
	from, to := s.listRange(prefix, opts.StartAfter)
	ropts := []clientv3.OpOption{clientv3.WithRange(to)}
	if opts.Limit > 0 {
		ropts = append(ropts, clientv3.WithLimit(int64(opts.Limit)))
	}
	resp, err := s.client.Get(ctx, from, ropts...)
	if err != nil {
		return nil, 0, fail(ctx, fmt.Sprintf("list %q", prefix), err)
	}
	if len(resp.Kvs) > 0 {
		kvs = make([]store.KV, len(resp.Kvs))
		for i, kv := range resp.Kvs {
			kvs[i] = s.toKV(kv)
		}
	}
	return kvs, resp.Header.Revision, nil
}

// listRange is the etcd key range [from, to) of the keys under prefix that
// sort after startAfter. The namespace is never empty, so neither is from,
// and to is a real upper bound.
func (s *Store) listRange(prefix, startAfter string) (from, to string) {
	from = s.key(prefix)
	to = clientv3.GetPrefixRangeEnd(from)
	if startAfter >= prefix {
		// The smallest key greater than startAfter is startAfter + "\x00".
		from = s.key(startAfter) + "\x00"
	}
	return from, to
}

// Revision is the cluster's current revision, from the header of a
// linearizable count-only Range of one key: it reflects every commit that
// returned before the call.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	ctx, end, err := s.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer end()
	resp, err := s.client.Get(ctx, s.ns, clientv3.WithCountOnly())
	if err != nil {
		return 0, fail(ctx, "read revision", err)
	}
	return resp.Header.Revision, nil
}

// toKV converts an etcd key-value under the namespace.
func (s *Store) toKV(kv *mvccpb.KeyValue) store.KV {
	return store.KV{
		Key:            s.storeKey(kv.Key),
		Value:          kv.Value,
		CreateRevision: kv.CreateRevision,
		ModRevision:    kv.ModRevision,
	}
}
