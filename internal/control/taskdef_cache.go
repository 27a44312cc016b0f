package control

import (
	"context"

	"github.com/berth-io/berth/internal/store"
)

// defaultTaskDefCacheBytes bounds the decoded task definition and family
// records a Service keeps: some thousands of definitions.
const defaultTaskDefCacheBytes = 16 << 20

// taskDefCache holds decoded task definition and family records by key and
// ModRevision (see revCache). Every RunTask and StartTask resolves its
// task definition, and decoding the stored JSON of a definition was about
// a twentieth of the server's work per call; a definition changes only
// when it is deregistered or deleted, which gives it a new revision.
// Cached records are shared: nobody changes them.
type taskDefCache struct {
	defs     *revCache[*taskDefRecord]
	families *revCache[*familyRecord]
}

func newTaskDefCache(budget int64) *taskDefCache {
	return &taskDefCache{
		defs:     newRevCache[*taskDefRecord](budget - budget/8),
		families: newRevCache[*familyRecord](budget / 8),
	}
}

// getCached reads key and returns its record decoded, from c when c holds
// it at the revision read. The record is shared: do not change it.
func getCached[T any](ctx context.Context, st store.Store, c *revCache[*T], key string) (*T, bool, error) {
	kv, ok, err := st.Get(ctx, key)
	if err != nil || !ok {
		return nil, false, err
	}
	v, err := decodeCached(c, kv)
	return v, err == nil, err
}
