package control

import (
	"context"
	"sync"

	"github.com/berth-io/berth/internal/store"
)

// clusterCache holds the last decoded record of each cluster with the
// revision it was read at. Every launch, report, description and listing
// reads its cluster's record to check that the cluster is ACTIVE; the
// record changes rarely, so decoding it each time was a tenth of the cost
// of applying an agent's report. A reader still reads the key from the
// store (the revision is its proof of freshness) and decodes only when the
// revision is not the cached one. Cached records are shared and never
// changed.
type clusterCache struct {
	m sync.Map // cluster name → *cachedCluster
}

// cachedCluster is a cluster record decoded at one revision.
type cachedCluster struct {
	rev int64
	rec *clusterRecord
}

// readCluster reads the record of cluster name outside a transaction; ok
// is false when there is none. The record is shared: do not change it.
func (s *Service) readCluster(ctx context.Context, name string) (rec *clusterRecord, rev int64, ok bool, err error) {
	kv, ok, err := s.store.Get(ctx, clusterKey(name))
	if err != nil || !ok {
		return nil, 0, false, err
	}
	return s.clusters.decode(kv)
}

// decode returns the record in kv, decoding it unless the cache holds it
// at kv's revision.
func (c *clusterCache) decode(kv store.KV) (*clusterRecord, int64, bool, error) {
	if v, ok := c.m.Load(kv.Key); ok {
		if cc := v.(*cachedCluster); cc.rev == kv.ModRevision {
			return cc.rec, cc.rev, true, nil
		}
	}
	rec, err := decode[clusterRecord](kv)
	if err != nil {
		return nil, 0, false, err
	}
	c.m.Store(kv.Key, &cachedCluster{rev: kv.ModRevision, rec: rec})
	return rec, kv.ModRevision, true, nil
}
