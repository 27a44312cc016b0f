package etcdstore

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/berth-io/berth/internal/store"
)

// BenchmarkCommitParallel commits batches from many goroutines at once
// against the embedded member (fsync on), each batch creating keysPerBatch
// new keys under Absent conditions, the shape of a RunTask commit. It
// reports committed batches and keys per second.
func BenchmarkCommitParallel(b *testing.B) {
	cases := []struct{ goroutines, keysPerBatch int }{
		{1, 1}, {8, 1}, {64, 1}, {256, 1},
		{8, 50},
	}
	for _, c := range cases {
		b.Run(fmt.Sprintf("goroutines=%d/keys=%d", c.goroutines, c.keysPerBatch), func(b *testing.B) {
			s := openStore(b)
			value := make([]byte, 256)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for range c.goroutines {
				wg.Go(func() {
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						var batch store.Batch
						for k := range c.keysPerBatch {
							key := fmt.Sprintf("bench/%d/%d", i, k)
							batch.Conds = append(batch.Conds, store.Cond{Key: key, Kind: store.Absent})
							batch.Ops = append(batch.Ops, store.Op{Key: key, Value: value})
						}
						if _, err := s.Commit(b.Context(), batch); err != nil {
							b.Errorf("Commit = %v", err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
			b.ReportMetric(float64(b.N*c.keysPerBatch)/b.Elapsed().Seconds(), "keys/s")
		})
	}
}

// BenchmarkConflict measures a commit whose condition fails, with the
// current value coming back in the same round trip.
func BenchmarkConflict(b *testing.B) {
	s := openStore(b)
	rev := commit(b, s, ops(put("hot", "v")))
	batch := store.Batch{
		Conds: []store.Cond{{Key: "hot", Kind: store.Unchanged, Revision: rev - 1}},
		Ops:   []store.Op{put("out", "x")},
	}
	for b.Loop() {
		if _, err := s.Commit(b.Context(), batch); !isConflictOn(err, "hot") {
			b.Fatalf("Commit: got %v, want a conflict on hot", err)
		}
	}
}
