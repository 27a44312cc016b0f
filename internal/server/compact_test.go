package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/berth-io/berth/internal/store"
	"github.com/berth-io/berth/internal/store/boltstore"
	"github.com/berth-io/berth/internal/store/etcdstore"
)

// TestCompactionStep drives the compaction's steps by hand on a real
// bbolt store (whose watch horizon follows Compact as etcd's history
// does): each step compacts to the revision the step before it read.
func TestCompactionStep(t *testing.T) {
	ctx := context.Background()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), StoreFile), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n := 0
	write := func() int64 {
		t.Helper()
		n++
		rev, err := st.Commit(ctx, store.Batch{Ops: []store.Op{{Key: fmt.Sprintf("k%d", n), Value: []byte("v")}}})
		if err != nil {
			t.Fatalf("Commit: %v", err)
		}
		return rev
	}
	c := newCompaction(st, st, time.Hour, slog.New(slog.DiscardHandler))
	// horizon checks that Watch from rev-1 is refused as compacted and
	// Watch from rev is not.
	horizon := func(rev int64) {
		t.Helper()
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		if _, err := st.Watch(wctx, "", rev-1); !errors.Is(err, store.ErrCompacted) {
			t.Errorf("Watch from %d: got %v, want ErrCompacted", rev-1, err)
		}
		if _, err := st.Watch(wctx, "", rev); err != nil {
			t.Errorf("Watch from %d: got %v, want it open", rev, err)
		}
	}
	check := func(step string, wantRev int64, wantOK, wantErr float64) {
		t.Helper()
		if got := metricValue(t, c.revision); got != float64(wantRev) {
			t.Errorf("%s: compacted revision gauge: got %v, want %d", step, got, wantRev)
		}
		if got := metricValue(t, c.runs.WithLabelValues("ok")); got != wantOK {
			t.Errorf("%s: ok compactions: got %v, want %v", step, got, wantOK)
		}
		if got := metricValue(t, c.runs.WithLabelValues("error")); got != wantErr {
			t.Errorf("%s: failed compactions: got %v, want %v", step, got, wantErr)
		}
	}

	r0 := write()
	c.step(ctx)
	check("first step (notes the revision only)", 0, 0, 0)

	r1 := write()
	c.step(ctx)
	check("second step", r0, 1, 0)
	horizon(r0)

	c.step(ctx)
	check("third step, no writes since the second", r1, 2, 0)
	horizon(r1)

	c.step(ctx)
	check("fourth step, nothing new to compact", r1, 2, 0)

	write()
	c.step(ctx) // compacts to r1 again: no-op, notes the new revision
	check("fifth step", r1, 2, 0)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	c.step(ctx)
	check("step on a closed store", r1, 2, 1)
}

// TestEtcdServerCompacts runs a server on etcd with a short compaction
// interval and writes through the API: etcd's history is compacted past
// the revision before the writes (a read of that revision is refused),
// and the compacted revision keeps advancing as writes go on.
func TestEtcdServerCompacts(t *testing.T) {
	prefix := newPrefix(t)
	srv := startOn(t, configOn(t, onEtcd(t, prefix), compactEvery(50*time.Millisecond)))
	client := sdk(srv)
	ctx := ctxFor(t)

	probe, err := etcdstore.Open(ctx, etcdstore.Options{Endpoints: []string{etcdEndpoint(t)}, Prefix: prefix})
	if err != nil {
		t.Fatalf("open a second store on the prefix: %v", err)
	}
	defer probe.Close()
	before, err := probe.Revision(ctx)
	if err != nil {
		t.Fatal(err)
	}

	var last float64
	for round := range 3 {
		if _, err := client.RegisterTaskDefinition(ctx, sleepTaskDef(fmt.Sprintf("round%d", round))); err != nil {
			t.Fatalf("RegisterTaskDefinition: %v", err)
		}
		written, err := probe.Revision(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Within two intervals the server compacts to a revision at or
		// past the write; the deadline is a guard, not a speed check.
		deadline := time.Now().Add(30 * time.Second)
		for {
			got := compactedRevision(t, srv.URL)
			if got >= float64(written) {
				if got <= last {
					t.Errorf("round %d: compacted revision: got %v, want above the previous round's %v", round, got, last)
				}
				last = got
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: compacted revision: got %v after 30s, want at least %d", round, got, written)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if _, err := probe.Watch(wctx, "", before); !errors.Is(err, store.ErrCompacted) {
		t.Errorf("Watch from revision %d, before the writes: got %v, want ErrCompacted", before, err)
	}
	// The API still works on the compacted store.
	if _, err := client.DescribeTaskDefinition(ctx, describeTD("round0")); err != nil {
		t.Errorf("DescribeTaskDefinition after compaction: %v", err)
	}
}

// compactedRevision reads berth_store_compacted_revision from the
// server's /metrics.
func compactedRevision(t *testing.T, url string) float64 {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "berth_store_compacted_revision "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("metrics line %q: %v", sc.Text(), err)
			}
			return f
		}
	}
	t.Fatalf("GET /metrics: no berth_store_compacted_revision (scan error %v)", sc.Err())
	return 0
}

// metricValue is the value of a gauge or counter.
func metricValue(t *testing.T, m prometheus.Metric) float64 {
	t.Helper()
	var out dto.Metric
	if err := m.Write(&out); err != nil {
		t.Fatalf("read metric: %v", err)
	}
	if g := out.GetGauge(); g != nil {
		return g.GetValue()
	}
	return out.GetCounter().GetValue()
}
