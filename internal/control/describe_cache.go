package control

import (
	"slices"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// defaultDescribeCacheBytes bounds the memory of a Service's describe
// cache: about 15,000 decoded tasks of two containers (some 45 MiB of
// heap), whatever the number of tasks in the store.
const defaultDescribeCacheBytes = 64 << 20

// cacheEntryOverhead is what one cache entry costs besides its value: the
// entry, its map slot and its ring slot.
const cacheEntryOverhead = 160

// describeCache holds what DescribeTasks decoded from task records and
// task tag records, by store key and ModRevision (see revCache), so a
// record read again unchanged is not decoded again. Decoding the stored
// JSON was most of a DescribeTasks' cost.
type describeCache struct {
	tasks *revCache[*ecsmodel.Task]
	tags  *revCache[[]ecsmodel.Tag]
}

// newDescribeCache returns a cache bounded to about budget bytes, an
// eighth of them for tags.
func newDescribeCache(budget int64) *describeCache {
	return &describeCache{
		tasks: newRevCache[*ecsmodel.Task](budget - budget/8),
		tags:  newRevCache[[]ecsmodel.Tag](budget / 8),
	}
}

// decodedCost estimates the bytes a record decodes to: about one and a
// half times its JSON for a task (measured on two-container tasks), so
// twice is a bound with room to spare.
func decodedCost(kv store.KV) int64 {
	return int64(2*len(kv.Value) + len(kv.Key) + cacheEntryOverhead)
}

// describedTask is the part of a taskRecord DescribeTasks returns; the
// decoder skips the rest.
type describedTask struct {
	Task ecsmodel.Task `json:"task"`
}

// task returns the Task stored in the task record kv, which must exist.
// The Task is shared: callers copy it before changing a member, and never
// change what its slices and pointers reach.
func (c *describeCache) task(kv store.KV) (*ecsmodel.Task, error) {
	if t, ok := c.tasks.get(kv.Key, kv.ModRevision); ok {
		return t, nil
	}
	rec, err := decode[describedTask](kv)
	if err != nil {
		return nil, err
	}
	c.tasks.put(kv.Key, kv.ModRevision, &rec.Task, decodedCost(kv))
	return &rec.Task, nil
}

// taskTags returns the tags of the tag record kv, none when it is absent.
// The slice is shared and must not be modified.
func (c *describeCache) taskTags(kv store.KV) ([]ecsmodel.Tag, error) {
	if kv.ModRevision == 0 {
		return nil, nil
	}
	if tags, ok := c.tags.get(kv.Key, kv.ModRevision); ok {
		return tags, nil
	}
	rec, err := decode[tagsRecord](kv)
	if err != nil {
		return nil, err
	}
	// Clipped, so that a caller appending to its Task's Tags copies them
	// rather than writing past their end into the shared array.
	tags := slices.Clip(rec.Tags)
	c.tags.put(kv.Key, kv.ModRevision, tags, decodedCost(kv))
	return tags, nil
}
