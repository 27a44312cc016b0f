package boltstore

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/berth-io/berth/internal/store"
)

// gather registers the store's collectors on a fresh registry and returns
// the metric families by name.
func gather(t testing.TB, s *Store) map[string]*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	for _, c := range s.Collectors() {
		if err := reg.Register(c); err != nil {
			t.Fatalf("Register = %v", err)
		}
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather = %v", err)
	}
	byName := map[string]*dto.MetricFamily{}
	for _, f := range families {
		byName[f.GetName()] = f
	}
	return byName
}

// TestMetrics checks that commits are counted by result and that group
// sizes and latencies are observed.
func TestMetrics(t *testing.T) {
	s := openTemp(t, Options{NoSync: true})
	ctx := t.Context()
	for _, b := range []store.Batch{
		{Ops: []store.Op{putOp("a", "1")}},
		{Ops: []store.Op{putOp("b", "1")}},
		{Conds: []store.Cond{{Key: "a", Kind: store.Absent}}, Ops: []store.Op{putOp("a", "2")}},
		{Ops: make([]store.Op, store.MaxOps+1)},
	} {
		s.Commit(ctx, b)
	}
	families := gather(t, s)

	counts := map[string]float64{}
	for _, m := range families["berth_boltstore_commits_total"].GetMetric() {
		counts[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
	}
	want := map[string]float64{resultOK: 2, resultConflict: 1, resultError: 1}
	for result, w := range want {
		if counts[result] != w {
			t.Errorf("commits_total{result=%q}: got %v, want %v", result, counts[result], w)
		}
	}
	histCount := func(name string) uint64 {
		f := families[name]
		if f == nil || len(f.GetMetric()) != 1 {
			t.Fatalf("%s: got %v, want one series", name, f)
		}
		return f.GetMetric()[0].GetHistogram().GetSampleCount()
	}
	// Three batches reached the committer one after another: three
	// transactions. The oversized one was refused before.
	if got := histCount("berth_boltstore_group_size_batches"); got != 3 {
		t.Errorf("group_size_batches samples: got %d, want 3", got)
	}
	if got := histCount("berth_boltstore_transaction_duration_seconds"); got != 3 {
		t.Errorf("transaction_duration_seconds samples: got %d, want 3", got)
	}
}
