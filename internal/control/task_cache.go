package control

import (
	"slices"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// defaultTaskCacheBytes bounds the memory of a Service's task cache:
// about 15,000 decoded tasks of two containers (some 45 MiB of heap),
// whatever the number of tasks in the store.
const defaultTaskCacheBytes = 64 << 20

// cacheEntryOverhead is what one cache entry costs besides its value: the
// entry, its map slot and its ring slot.
const cacheEntryOverhead = 160

// taskCache holds decoded task records and task tag records by store key
// and ModRevision (see revCache), so that a record read again unchanged
// is not decoded again: decoding the stored JSON was most of the cost of
// a DescribeTasks and of applying an agent's report. The writers that
// already hold a record as they commit it (launches, reported state
// changes) put it in at the revision of their commit, so the report that
// follows a launch and the DescribeTasks that follows either find it.
//
// Cached records are shared by every reader: nobody changes a cached
// record or anything it reaches. Readers that change one take a copy
// (taskRecord.copyForChange).
type taskCache struct {
	records *revCache[*taskRecord]
	tags    *revCache[[]ecsmodel.Tag]
}

// newTaskCache returns a cache bounded to about budget bytes, an eighth
// of them for tags.
func newTaskCache(budget int64) *taskCache {
	return &taskCache{
		records: newRevCache[*taskRecord](budget - budget/8),
		tags:    newRevCache[[]ecsmodel.Tag](budget / 8),
	}
}

// decodedCost estimates the bytes a record of encodedLen bytes of JSON
// decodes to: about one and a half times its JSON for a task (measured on
// two-container tasks), so twice is a bound with room to spare.
func decodedCost(key string, encodedLen int) int64 {
	return int64(2*encodedLen + len(key) + cacheEntryOverhead)
}

// record returns the task record stored in kv, which must exist. The
// record is shared: see taskCache.
func (c *taskCache) record(kv store.KV) (*taskRecord, error) {
	return decodeCached(c.records, kv)
}

// decodeCached returns the record stored in kv, which must exist, from c
// when c holds it at kv's revision, else decoded and put in c. The record
// is shared: do not change it.
func decodeCached[T any](c *revCache[*T], kv store.KV) (*T, error) {
	if v, ok := c.get(kv.Key, kv.ModRevision); ok {
		return v, nil
	}
	v, err := decode[T](kv)
	if err != nil {
		return nil, err
	}
	c.put(kv.Key, kv.ModRevision, v, decodedCost(kv.Key, len(kv.Value)))
	return v, nil
}

// task returns the Task of the task record kv, which must exist. The Task
// is shared: callers copy it before changing a member, and never change
// what its slices and pointers reach.
func (c *taskCache) task(kv store.KV) (*ecsmodel.Task, error) {
	rec, err := c.record(kv)
	if err != nil {
		return nil, err
	}
	return &rec.Task, nil
}

// remember caches rec as the record committed at key in revision rev,
// encoded in encodedLen bytes. From then on rec is shared and must not
// change.
func (c *taskCache) remember(key string, rev int64, rec *taskRecord, encodedLen int) {
	c.records.put(key, rev, rec, decodedCost(key, encodedLen))
}

// taskTags returns the tags of the tag record kv, none when it is absent.
// The slice is shared and must not be modified.
func (c *taskCache) taskTags(kv store.KV) ([]ecsmodel.Tag, error) {
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
	c.tags.put(kv.Key, kv.ModRevision, tags, decodedCost(kv.Key, len(kv.Value)))
	return tags, nil
}

// copyForChange returns a copy of a shared record that a task change may
// change: the record, its Task, and its Task's containers and attachments
// are copied; everything else they reach stays shared. A change sets
// fields of those (LastStatus, StoppedAt, a container's ExitCode, an
// attachment's Status, ...) and gives a field a new slice or pointer
// rather than writing into the one it has.
func (rec *taskRecord) copyForChange() *taskRecord {
	c := *rec
	c.Task.Containers = slices.Clone(rec.Task.Containers)
	c.Task.Attachments = slices.Clone(rec.Task.Attachments)
	return &c
}
