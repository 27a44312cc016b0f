package control

import (
	"sync"

	"github.com/berth-io/berth/internal/placement"
)

// The index
//
// Every cluster has an in-memory state (clusterState): the placement engine's
// view of its instances (placement.Cluster), an entry per instance with what
// its tasks use, and an entry per task with the summary ListTasks, the
// counters and the janitor need. It is the authority for allocations: no
// allocation is stored, and New rebuilds the index from the instance and
// task records (remaining = registered − the reservations of the tasks whose
// desired status is RUNNING).
//
// Writers update the index after their commit, under the cluster's mutex,
// with the revision the commit got; an entry only takes changes newer than
// the revision it has, so two writers that commit in one order and reach the
// index in the other leave it right. Task launches are the exception: they
// reserve in the index before they commit (an uncommitted task entry that
// holds the reservation) and drop the entry and release on failure, so two
// concurrent launches can never overcommit an instance. The mutex is never
// held across a commit, so concurrent launches share one fsync.

// clusterState is the index of one cluster. Every field is guarded by mu.
type clusterState struct {
	mu    sync.Mutex
	place *placement.Cluster
	insts map[string]*instEntry
	tasks map[string]*taskEntry
	// listed holds the committed entries of tasks in id order for
	// ListTasks (index_lists.go).
	listed taskLists
	// live counts the instances that are ACTIVE or DRAINING.
	live int
}

func newClusterState() *clusterState {
	return &clusterState{place: placement.NewCluster(), insts: map[string]*instEntry{}, tasks: map[string]*taskEntry{}}
}

// indexes maps cluster names to their states.
type indexes struct {
	mu       sync.RWMutex
	clusters map[string]*clusterState
}

// state returns the index of a cluster, creating an empty one for a name
// not seen before (everything stored was loaded by New, so a cluster
// without a state has no instances or tasks).
func (s *Service) state(cluster string) *clusterState {
	s.idx.mu.RLock()
	cs := s.idx.clusters[cluster]
	s.idx.mu.RUnlock()
	if cs != nil {
		return cs
	}
	s.idx.mu.Lock()
	defer s.idx.mu.Unlock()
	if cs = s.idx.clusters[cluster]; cs == nil {
		cs = newClusterState()
		s.idx.clusters[cluster] = cs
	}
	return cs
}

// states returns every cluster's index by name.
func (s *Service) states() map[string]*clusterState {
	s.idx.mu.RLock()
	defer s.idx.mu.RUnlock()
	out := make(map[string]*clusterState, len(s.idx.clusters))
	for k, v := range s.idx.clusters {
		out[k] = v
	}
	return out
}

// indexInstance applies a committed instance record to its cluster's index.
func (s *Service) indexInstance(rec *instanceRecord, rev int64) {
	cs := s.state(rec.Cluster)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.applyInstance(rec, rev)
}

// indexTasks applies committed task records of one cluster to its index.
func (s *Service) indexTasks(cluster string, recs []*taskRecord, rev int64) {
	if len(recs) == 0 {
		return
	}
	cs := s.state(cluster)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for _, rec := range recs {
		cs.applyRecord(rec, rev)
	}
}
