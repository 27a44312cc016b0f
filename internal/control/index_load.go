package control

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// Loading the index
//
// New rebuilds every cluster's index from the stored instance records and
// task summaries (see index.go, task_summary.go). With a million tasks
// that is most of a restart, so loadIndex streams the summaries a page at
// a time (it never holds more than a few pages of values), decodes pages
// on every core (each decoder interning the strings that repeat) while the
// calling goroutine applies them in key order.

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
	err = loadPages(ctx, s.store, prefixSummaries, newSummaryDecoder, func(kv store.KV, sum *taskSummary) {
		cluster, _, _ := strings.Cut(strings.TrimPrefix(kv.Key, prefixSummaries), "/")
		s.state(cluster).applyTask(sum, kv.ModRevision)
	})
	if err != nil {
		return fmt.Errorf("control: load tasks: %w", err)
	}
	return nil
}

// loadGCPercent is the GC percent while the index loads.
const loadGCPercent = 400

// newSummaryDecoder returns a decoder of /taskidx/<cluster>/<id> keys and
// values for one loading goroutine, with its own interner.
func newSummaryDecoder() func(store.KV) (*taskSummary, error) {
	in := interner{}
	return func(kv store.KV) (*taskSummary, error) {
		id := kv.Key[strings.LastIndexByte(kv.Key, '/')+1:]
		return decodeTaskSummary(id, kv.Value, in)
	}
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

// interner makes equal strings of the loaded tasks share one copy. The
// index keeps a handful of strings per task (statuses, family, group,
// startedBy, ...) that are the same for most tasks; decoded, each would be
// an allocation of its own. It remembers at most maxInterned strings, so
// that a field unique per task (a startedBy, say) does not grow it.
type interner map[string]string

const maxInterned = 1 << 15

func (in interner) str(s *string) {
	if v, ok := in[*s]; ok {
		*s = v
	} else if len(in) < maxInterned {
		in[*s] = *s
	}
}

// bytes returns b as a string, the remembered copy when there is one:
// looking up string(b) in a map does not allocate.
func (in interner) bytes(b []byte) string {
	if v, ok := in[string(b)]; ok {
		return v
	}
	s := string(b)
	if len(in) < maxInterned {
		in[s] = s
	}
	return s
}

// task interns the fields of a record from decodeTaskForIndex that the
// index keeps and that repeat across tasks.
func (in interner) task(rec *taskRecord) {
	t := &rec.Task
	for _, s := range []*string{&t.DesiredStatus, &t.LastStatus, &t.StartedBy, &t.Group, (*string)(&t.LaunchType),
		&t.CapacityProviderName, &rec.Family, &rec.ServiceName, &rec.Alloc.Group} {
		in.str(s)
	}
}

// loadPage is one page of records on its way from the lister through a
// decoder to the applier; done is closed once recs (or err) is set.
type loadPage[T any] struct {
	kvs  []store.KV
	recs []*T
	err  error
	done chan struct{}
}

// loadPages lists every key under prefix, listPage keys at a time, decodes
// the pages on up to GOMAXPROCS goroutines (each with its own decoder from
// newDecoder) and calls apply for every record in key order on the calling
// goroutine. It stops at the first error.
func loadPages[T any](ctx context.Context, st store.Store, prefix string, newDecoder func() func(store.KV) (*T, error), apply func(store.KV, *T)) error {
	ctx, cancel := context.WithCancel(ctx)
	workers := runtime.GOMAXPROCS(0)
	ordered := make(chan *loadPage[T], 2*workers) // to the applier, in key order
	work := make(chan *loadPage[T], workers)      // to the decoders
	var wg sync.WaitGroup
	defer func() {
		cancel()
		for range ordered { // lets the lister end
		}
		wg.Wait()
	}()
	wg.Go(func() { listPages(ctx, st, prefix, ordered, work) })
	for range workers {
		wg.Go(func() {
			decode := newDecoder()
			for p := range work {
				p.recs = make([]*T, len(p.kvs))
				for i, kv := range p.kvs {
					if p.recs[i], p.err = decode(kv); p.err != nil {
						break
					}
				}
				close(p.done)
			}
		})
	}
	for p := range ordered {
		<-p.done
		if p.err != nil {
			return p.err
		}
		for i, kv := range p.kvs {
			apply(kv, p.recs[i])
		}
	}
	return ctx.Err()
}

// listPages reads the pages of loadPages. Every page goes to ordered
// before it goes to work, so the applier only ever waits for a page a
// decoder has or will get. A failed List is handed on as a page that
// carries the error. It closes both channels when done.
func listPages[T any](ctx context.Context, st store.Store, prefix string, ordered, work chan<- *loadPage[T]) {
	defer close(ordered)
	defer close(work)
	after := ""
	for {
		p := &loadPage[T]{done: make(chan struct{})}
		p.kvs, _, p.err = st.List(ctx, prefix, store.ListOptions{StartAfter: after, Limit: listPage})
		if p.err != nil {
			close(p.done)
		}
		select {
		case ordered <- p:
		case <-ctx.Done():
			return
		}
		if p.err != nil {
			return
		}
		select {
		case work <- p:
		case <-ctx.Done():
			return
		}
		if len(p.kvs) < listPage {
			return
		}
		after = p.kvs[len(p.kvs)-1].Key
	}
}
