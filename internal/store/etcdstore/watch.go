package etcdstore

import (
	"context"
	"errors"
	"fmt"

	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/berth-io/berth/internal/store"
)

// watchChanBuffer is the buffer of the channel Watch returns.
const watchChanBuffer = 64

// Watch streams the changes under prefix with a revision above fromRev;
// see store.Store. fromRev 0 means from the revision at the time of the
// call.
//
// Before watching, Watch reads one key at fromRev: etcd refuses that read
// with ErrCompacted exactly when fromRev is below the compaction revision,
// so Watch can fail with store.ErrCompacted itself instead of opening a
// channel that closes at once. The watch then runs with WithRequireLeader,
// so a member cut off from the cluster ends it instead of stalling it. The
// returned channel closes when ctx ends, when the store closes, and when
// etcd ends the watch (compaction overtook it, the member lost its leader,
// or the watch was cancelled): a close while ctx is live means list again
// and watch from the list's revision.
func (s *Store) Watch(ctx context.Context, prefix string, fromRev int64) (<-chan store.Event, error) {
	if fromRev < 0 {
		return nil, fmt.Errorf("etcdstore: watch from negative revision %d", fromRev)
	}
	rev, err := s.watchStart(ctx, fromRev)
	if err != nil {
		return nil, err
	}

	wctx, end, err := s.begin(clientv3.WithRequireLeader(ctx))
	if err != nil {
		return nil, err
	}
	wch := s.client.Watch(wctx, s.key(prefix), clientv3.WithPrefix(), clientv3.WithRev(rev+1))
	out := make(chan store.Event, watchChanBuffer)
	go func() {
		defer end()
		defer close(out)
		s.pump(wctx, wch, out)
	}()
	return out, nil
}

// watchStart checks that fromRev is not compacted and returns the revision
// to watch after: fromRev, or the current revision when fromRev is 0. A
// future fromRev is fine; the watch waits for it.
func (s *Store) watchStart(ctx context.Context, fromRev int64) (int64, error) {
	ctx, end, err := s.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer end()
	opts := []clientv3.OpOption{clientv3.WithCountOnly()}
	if fromRev > 0 {
		opts = append(opts, clientv3.WithRev(fromRev))
	}
	resp, err := s.client.Get(ctx, s.ns, opts...)
	switch {
	case errors.Is(err, rpctypes.ErrCompacted):
		return 0, fmt.Errorf("%w: watch from revision %d: %v", store.ErrCompacted, fromRev, err)
	case errors.Is(err, rpctypes.ErrFutureRev):
		return fromRev, nil
	case err != nil:
		return 0, fail(ctx, fmt.Sprintf("watch from revision %d", fromRev), err)
	case fromRev == 0:
		return resp.Header.Revision, nil
	}
	return fromRev, nil
}

// pump converts etcd's watch responses into events on out until ctx ends
// or etcd ends the watch (compaction, no leader, cancellation). Progress
// notifications carry no events and are skipped.
func (s *Store) pump(ctx context.Context, wch clientv3.WatchChan, out chan<- store.Event) {
	for resp := range wch {
		if resp.Canceled || resp.Err() != nil {
			return
		}
		for _, ev := range resp.Events {
			select {
			case out <- s.toEvent(ev):
			case <-ctx.Done():
				return
			}
		}
	}
}

// toEvent converts one etcd event under the namespace.
func (s *Store) toEvent(ev *clientv3.Event) store.Event {
	if ev.Type == mvccpb.DELETE {
		return store.Event{Type: store.EventDelete, KV: store.KV{Key: s.storeKey(ev.Kv.Key), ModRevision: ev.Kv.ModRevision}}
	}
	return store.Event{Type: store.EventPut, KV: s.toKV(ev.Kv)}
}

// Compact discards the cluster's history before rev, as the server must do
// periodically (etcd keeps every revision until compacted). It compacts the
// whole cluster, not just this store's prefix. Compacting to a revision at
// or below an earlier compaction is a no-op; a future revision is an
// error.
func (s *Store) Compact(ctx context.Context, rev int64) error {
	ctx, end, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer end()
	if _, err := s.client.Compact(ctx, rev); err != nil && !errors.Is(err, rpctypes.ErrCompacted) {
		return fail(ctx, fmt.Sprintf("compact to revision %d", rev), err)
	}
	return nil
}
