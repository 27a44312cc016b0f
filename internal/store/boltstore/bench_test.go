package boltstore

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/berth-io/berth/internal/store"
)

// transactions is how many group-commit transactions the store has run.
func transactions(b *testing.B, s *Store) uint64 {
	f := gather(b, s)["berth_boltstore_group_size_batches"]
	if f == nil {
		return 0
	}
	return f.GetMetric()[0].GetHistogram().GetSampleCount()
}

// BenchmarkCommitParallel commits one small batch per operation from many
// goroutines at once, fsync on, and reports durable commits per second and
// the average number of batches that shared one transaction.
func BenchmarkCommitParallel(b *testing.B) {
	for _, goroutines := range []int{1, 8, 64, 256} {
		b.Run(fmt.Sprintf("goroutines=%d", goroutines), func(b *testing.B) {
			s := openTemp(b, Options{})
			value := make([]byte, 256)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for range goroutines {
				wg.Go(func() {
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						key := fmt.Sprintf("bench/%d", i)
						_, err := s.Commit(b.Context(), store.Batch{
							Conds: []store.Cond{{Key: key, Kind: store.Absent}},
							Ops:   []store.Op{{Key: key, Value: value}},
						})
						if err != nil {
							b.Errorf("Commit = %v", err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
			if txs := transactions(b, s); txs > 0 {
				b.ReportMetric(float64(b.N)/float64(txs), "batches/txn")
			}
		})
	}
}

// loadKeys fills s with n keys "bench/<i>" of 256 bytes each.
func loadKeys(b *testing.B, s *Store, n int) {
	value := make([]byte, 256)
	for start := 0; start < n; start += store.MaxOps {
		var batch store.Batch
		for i := start; i < min(start+store.MaxOps, n); i++ {
			batch.Ops = append(batch.Ops, store.Op{Key: fmt.Sprintf("bench/%06d", i), Value: value})
		}
		if _, err := s.Commit(b.Context(), batch); err != nil {
			b.Fatalf("Commit = %v", err)
		}
	}
}

// BenchmarkGet reads random keys of a 10,000-key store from parallel
// goroutines.
func BenchmarkGet(b *testing.B) {
	const keys = 10_000
	s := openTemp(b, Options{})
	loadKeys(b, s, keys)
	var seed atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := int(seed.Add(7919))
		for pb.Next() {
			i = (i + 7919) % keys
			if _, ok, err := s.Get(b.Context(), fmt.Sprintf("bench/%06d", i)); err != nil || !ok {
				b.Errorf("Get = (%v, %v)", ok, err)
				return
			}
		}
	})
}

// BenchmarkList reads pages of 100 keys from a 10,000-key store.
func BenchmarkList(b *testing.B) {
	const keys, page = 10_000, 100
	s := openTemp(b, Options{})
	loadKeys(b, s, keys)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		after := fmt.Sprintf("bench/%06d", (i*page)%keys)
		kvs, _, err := s.List(b.Context(), "bench/", store.ListOptions{StartAfter: after, Limit: page})
		if err != nil || len(kvs) == 0 {
			b.Fatalf("List = (%d keys, %v)", len(kvs), err)
		}
	}
}
