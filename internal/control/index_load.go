package control

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/placement"
	"github.com/berth-io/berth/internal/store"
)

// Loading the index
//
// New rebuilds every cluster's index from the stored instance records and
// task summaries (see index.go, task_summary.go). With a million tasks
// that is most of a restart, so loadIndex streams the summaries a page at
// a time, from several ranges of keys at once (index_load_pages.go), and
// turns pages into index entries on every core (each decoder interning
// the strings that repeat, and allocating a page's entries together),
// while the calling goroutine adds them in key order to their cluster's
// taskLoad (index_task.go), which builds the rest of the index once at
// the end.

// loadIndex builds the index of every cluster from the instance records
// and the task summaries. It runs in New, before any request, so it takes
// no locks. A store written before summaries existed is loaded from its
// task records once, and given its summaries (migrateSummaries).
func (s *Service) loadIndex(ctx context.Context) error {
	// The load allocates the whole index at once, and every listed page
	// becomes garbage right after: at the default GC percent the collector
	// would run a dozen times over a growing heap. Collect less often while
	// loading (nothing else runs yet) and restore the setting after.
	defer debug.SetGCPercent(debug.SetGCPercent(loadGCPercent))
	s.idx.clusters = map[string]*clusterState{}
	err := loadPages(ctx, s.store, prefixInstances, sharedDecoder(decode[instanceRecord]), func(kv store.KV, rec *instanceRecord) {
		s.state(rec.Cluster).applyInstance(rec, kv.ModRevision)
	})
	if err != nil {
		return fmt.Errorf("control: load instances: %w", err)
	}
	_, done, err := s.store.Get(ctx, keySummariesDone)
	if err != nil {
		return fmt.Errorf("control: load tasks: %w", err)
	}
	if !done {
		return s.migrateSummaries(ctx)
	}
	loads := map[string]*taskLoad{}
	var cur *taskLoad
	curName := ""
	err = streamPages(ctx, s.store, prefixSummaries, newEntryPageDecoder, func(p *entryPage) {
		start := 0
		for _, run := range p.runs {
			if cur == nil || run.cluster != curName {
				if cur = loads[run.cluster]; cur == nil {
					cur = newTaskLoad(s.state(strings.Clone(run.cluster))) // not the key it is part of
					loads[run.cluster] = cur
				}
				curName = run.cluster
			}
			for _, e := range p.entries[start:run.end] {
				cur.add(e)
			}
			start = run.end
		}
	})
	if err != nil {
		return fmt.Errorf("control: load tasks: %w", err)
	}
	for _, tl := range loads {
		tl.finish()
	}
	return nil
}

// loadGCPercent is the GC percent while the index loads.
const loadGCPercent = 400

// entryPage is a page of task summaries made index entries, in key order:
// entries[runs[i-1].end:runs[i].end] are tasks of runs[i].cluster.
type entryPage struct {
	entries []*taskEntry
	runs    []clusterRun
}

// clusterRun ends a run of a page's entries that are of one cluster.
type clusterRun struct {
	cluster string
	end     int
}

// newEntryPageDecoder returns a decoder of pages of /taskidx/<cluster>/<id>
// keys for one loading goroutine, with its own interner and summaries.
// A page's entries are allocated together, in two arrays: those of tasks
// whose desired status is RUNNING, with their allocations, and the others
// (that the janitor deletes sooner), each array with its tasks' ids in
// one string, so that a million tasks cost a few thousand allocations.
// An array stays allocated while one of its entries is in the index.
func newEntryPageDecoder() func([]store.KV) (*entryPage, error) {
	in := interner{}
	var sums []taskSummary
	var running, other entrySlab
	return func(kvs []store.KV) (*entryPage, error) {
		sums = slices.Grow(sums[:0], len(kvs))[:len(kvs)]
		p := &entryPage{entries: make([]*taskEntry, len(kvs))}
		for i, kv := range kvs {
			rest := strings.TrimPrefix(kv.Key, prefixSummaries)
			cluster, _, _ := strings.Cut(rest, "/")
			sum := &sums[i]
			if err := decodeTaskSummaryInto(sum, rest[strings.LastIndexByte(rest, '/')+1:], kv.Value, in); err != nil {
				return nil, err
			}
			slabFor(sum, &running, &other).plan(sum.id)
			if len(p.runs) == 0 || p.runs[len(p.runs)-1].cluster != cluster {
				p.runs = append(p.runs, clusterRun{cluster: cluster})
			}
			p.runs[len(p.runs)-1].end = i + 1
		}
		running.alloc(true)
		other.alloc(false)
		for i, kv := range kvs {
			p.entries[i] = slabFor(&sums[i], &running, &other).entry(&sums[i], kv.ModRevision)
		}
		return p, nil
	}
}

// slabFor picks the array of a task's entry: running for a task whose
// desired status is RUNNING, other for the rest.
func slabFor(sum *taskSummary, running, other *entrySlab) *entrySlab {
	if sum.desired == statusRunning {
		return running
	}
	return other
}

// entrySlab makes the entries of one array of a page: plan counts each
// task in key order, alloc allocates, entry fills the next entry, in the
// same order. The id buffer is reused from page to page.
type entrySlab struct {
	ids     []byte
	planned int
	entries []taskEntry
	allocs  []placement.Allocation // one per entry, when they hold one
	idStr   string
}

func (s *entrySlab) plan(id string) {
	s.ids = append(s.ids, id...)
	s.planned++
}

// alloc allocates the planned entries, and an allocation for each when
// they hold one (desired status RUNNING).
func (s *entrySlab) alloc(held bool) {
	s.entries, s.allocs = make([]taskEntry, 0, s.planned), nil
	if held {
		s.allocs = make([]placement.Allocation, 0, s.planned)
	}
	s.idStr, s.ids, s.planned = string(s.ids), s.ids[:0], 0
}

// entry returns the next entry, made from sum and committed at rev.
func (s *entrySlab) entry(sum *taskSummary, rev int64) *taskEntry {
	s.entries = s.entries[:len(s.entries)+1]
	e := &s.entries[len(s.entries)-1]
	e.id, s.idStr = s.idStr[:len(sum.id)], s.idStr[len(sum.id):]
	e.rev, e.committed = rev, true
	e.summarize(sum)
	if s.allocs != nil {
		s.allocs = append(s.allocs, sum.alloc.allocation())
		e.held = &s.allocs[len(s.allocs)-1]
	}
	return e
}

// migrateSummaries loads the index from the full task records of a store
// that has no summaries yet, writes every task's summary, then the mark
// that they are complete. The index takes the summaries' revisions, as a
// load from summaries would. A crash part way leaves no mark, and the next
// start does it again (the puts are idempotent).
func (s *Service) migrateSummaries(ctx context.Context) error {
	type pending struct {
		cluster string
		rec     *taskRecord
	}
	var todo []pending
	in := interner{}
	err := loadPages(ctx, s.store, prefixTasks, sharedDecoder(decodeTaskForIndex), func(kv store.KV, rec *taskRecord) {
		cluster, _, _ := strings.Cut(strings.TrimPrefix(kv.Key, prefixTasks), "/")
		in.task(rec)
		todo = append(todo, pending{cluster, rec})
	})
	if err != nil {
		return fmt.Errorf("control: load tasks: %w", err)
	}
	if len(todo) > 0 {
		s.log.Info("writing task summaries (once, for a store from an earlier version)", "tasks", len(todo))
	}
	const perBatch = store.MaxOps
	for start := 0; start < len(todo); start += perBatch {
		chunk := todo[start:min(start+perBatch, len(todo))]
		var b store.Batch
		for _, p := range chunk {
			b.Ops = append(b.Ops, taskSummaryOp(p.cluster, ecs.LastSegment(p.rec.Task.TaskArn), p.rec))
		}
		rev, err := s.store.Commit(ctx, b)
		if err != nil {
			return fmt.Errorf("control: write task summaries: %w", err)
		}
		for _, p := range chunk {
			sum := summaryOf(p.rec)
			s.state(p.cluster).applyTask(&sum, rev)
		}
	}
	if _, err := s.store.Commit(ctx, store.Batch{Ops: []store.Op{{Key: keySummariesDone, Value: []byte("1")}}}); err != nil {
		return fmt.Errorf("control: write task summaries: %w", err)
	}
	return nil
}

// taskIndexRecord is the part of a stored taskRecord that the index keeps
// (what summaryOf reads), with the same JSON names. Only a store from
// before summaries is loaded through it (migrateSummaries).
// Decoding only these fields skips building the containers, attributes
// and overrides of every task.
type taskIndexRecord struct {
	Task struct {
		TaskArn              string              `json:"taskArn"`
		DesiredStatus        string              `json:"desiredStatus"`
		LastStatus           string              `json:"lastStatus"`
		StartedBy            string              `json:"startedBy"`
		Group                string              `json:"group"`
		LaunchType           ecsmodel.LaunchType `json:"launchType"`
		CapacityProviderName string              `json:"capacityProviderName"`
		CreatedAt            ecsmodel.Time       `json:"createdAt"`
		StoppingAt           ecsmodel.Time       `json:"stoppingAt"`
		StoppedAt            ecsmodel.Time       `json:"stoppedAt"`
	} `json:"task"`
	InstanceID  string    `json:"instanceId"`
	Family      string    `json:"family"`
	ServiceName string    `json:"serviceName"`
	Alloc       taskAlloc `json:"alloc"`
}

// decodeTaskForIndex decodes the index's part of a task record into a
// taskRecord whose other fields are zero. Such a record is only for
// applyTask.
func decodeTaskForIndex(kv store.KV) (*taskRecord, error) {
	var r taskIndexRecord
	if err := json.Unmarshal(kv.Value, &r); err != nil {
		return nil, fmt.Errorf("control: decode %s: %w", kv.Key, err)
	}
	rec := &taskRecord{InstanceID: r.InstanceID, Family: r.Family, ServiceName: r.ServiceName, Alloc: r.Alloc}
	t := &rec.Task
	t.TaskArn, t.DesiredStatus, t.LastStatus = r.Task.TaskArn, r.Task.DesiredStatus, r.Task.LastStatus
	t.StartedBy, t.Group, t.LaunchType, t.CapacityProviderName = r.Task.StartedBy, r.Task.Group, r.Task.LaunchType, r.Task.CapacityProviderName
	t.CreatedAt, t.StoppingAt, t.StoppedAt = r.Task.CreatedAt, r.Task.StoppingAt, r.Task.StoppedAt
	return rec, nil
}

// sharedDecoder is a newDecoder for loadPages whose goroutines can share
// one stateless decoder.
func sharedDecoder[T any](decode func(store.KV) (*T, error)) func() func(store.KV) (*T, error) {
	return func() func(store.KV) (*T, error) { return decode }
}
