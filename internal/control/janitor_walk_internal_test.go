package control

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// TestSweepCandidatesInChunks checks that the janitor's walk, letting go
// of the cluster lock every few entries, finds the same old tasks as one
// walk does, and that launches applied between its chunks (run it with
// -race) neither break the walk nor appear as old.
func TestSweepCandidatesInChunks(t *testing.T) {
	tests := []struct {
		name  string
		chunk int
		grow  bool // apply more tasks while the walk runs
	}{
		{"one chunk", 1 << 20, false},
		{"chunks of 7", 7, false},
		{"chunks of 1", 1, false},
		{"chunks of 7, cluster growing", 7, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := listService(t)
			tasks := bigCluster(2_000, 10)
			apply(s, tasks[:1_000])
			cutoff := listT0.Add(24 * time.Hour)
			// The fixture's instances are not registered, so its live
			// tasks are orphans.
			first := map[string]bool{}
			var want, wantOrphans []string
			for _, task := range tasks[:1_000] {
				first[task.id] = true
				if task.desired == statusStopped {
					want = append(want, task.id)
				} else {
					wantOrphans = append(wantOrphans, task.id)
				}
			}
			slices.Sort(want) // ids of one millisecond are not in creation order
			slices.Sort(wantOrphans)
			defer func(c int) { sweepWalkChunk = c }(sweepWalkChunk)
			sweepWalkChunk = tc.chunk
			var wg sync.WaitGroup
			if tc.grow {
				wg.Go(func() {
					for i := 1_000; i < 2_000; i += 100 {
						apply(s, tasks[i:i+100])
					}
				})
			}
			old, orphans := s.sweepCandidates(listCluster, cutoff)
			wg.Wait()
			var got []string
			for _, o := range old {
				got = append(got, o.id)
			}
			if tc.grow {
				// Tasks applied during the walk may or may not be seen;
				// every one of the first thousand must be.
				notFirst := func(id string) bool { return !first[id] }
				got = slices.DeleteFunc(got, notFirst)
				orphans = slices.DeleteFunc(orphans, notFirst)
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %d old tasks, want the %d STOPPED ones in id order", len(got), len(want))
			}
			if !slices.Equal(orphans, wantOrphans) {
				t.Errorf("got %d orphans, want the %d live tasks of unknown instances", len(orphans), len(wantOrphans))
			}
		})
	}
}
