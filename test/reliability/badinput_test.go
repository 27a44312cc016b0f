package reliability

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// buildCorpus generates the whole bad-input corpus.
func buildCorpus(w world) []badCase {
	valid := w.validBodies()
	impl := implementedOps()
	ops := slices.Sorted(maps.Keys(impl))
	var corpus []badCase
	for _, op := range ops {
		corpus = append(corpus, typeCases(op, impl[op], valid[op], sized(4, 6), *long)...)
	}
	corpus = append(corpus, malformedCases(valid, sized([]string{"RunTask", "RegisterTaskDefinition"}, sortedOps(valid)))...)
	corpus = append(corpus, valueCases(w, valid)...)
	corpus = append(corpus, authCases(valid)...)
	corpus = append(corpus, targetCases(valid, ops)...)
	corpus = append(corpus, edgeCases(valid)...)
	return corpus
}

// TestBadInputCorpus sends every case of the corpus to an in-process
// server holding a small world, signed (unless the case is about
// signing) as an SDK would sign it. Each answer must be the case's ECS
// error in the exact wire form; no request may write to the store (its
// count of write batches must not move) or change what the API shows (compared
// every 50 cases and at the end of each group). The answers are then fed
// to aws-sdk-go-v2's and botocore's parsers.
func TestBadInputCorpus(t *testing.T) {
	srv := startServer(t, t.TempDir(), "127.0.0.1:0")
	t.Cleanup(func() { _ = srv.Close() })
	admin := newClient(srv.URL)
	w := seedWorld(t, admin)
	corpus := buildCorpus(w)
	hc := &http.Client{Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	base, err := apiSnapshot(admin)
	if err != nil {
		t.Fatal(err)
	}
	commits, err := storeWrites(hc, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	byGroup := map[string]int{}
	failedByGroup := map[string]int{}
	fail := func(group, format string, args ...any) {
		failedByGroup[group]++
		if failedByGroup[group] <= 25 {
			t.Errorf(format, args...)
		}
	}
	var recs []*recorded
	for i, bc := range corpus {
		byGroup[bc.group]++
		req, err := bc.spec.build(srv.URL)
		if err != nil {
			t.Fatalf("%s / %s: build: %v", bc.group, bc.name, err)
		}
		r, err := send(hc, bc.group+" / "+bc.name, req)
		if err != nil {
			fail(bc.group, "%s / %s: %v", bc.group, bc.name, err)
			continue
		}
		if err := checkError(r, bc.wantStatus, bc.wantCode); err != nil {
			fail(bc.group, "%s / %s: %v", bc.group, bc.name, err)
		}
		recs = append(recs, r)
		after, err := storeWrites(hc, srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		if after != commits {
			fail(bc.group, "%s / %s: the store got %v write batches, want none", bc.group, bc.name, after-commits)
			commits = after
		}
		if i%50 == 49 || i == len(corpus)-1 || corpus[i+1].group != bc.group {
			snap, err := apiSnapshot(admin)
			if err != nil {
				t.Fatal(err)
			}
			if snap != base {
				fail(bc.group, "after %s / %s: the API shows a changed state:\n%s", bc.group, bc.name, diffLines(base, snap))
				base = snap
			}
		}
	}
	var summary []string
	for _, g := range slices.Sorted(maps.Keys(byGroup)) {
		summary = append(summary, fmt.Sprintf("%s %d (%d failed)", g, byGroup[g], failedByGroup[g]))
	}
	t.Logf("corpus of %d cases: %s", len(corpus), strings.Join(summary, ", "))
	checkSDKParses(t, recs)
	checkBotocoreParses(t, recs)
}

// diffLines lists the lines only one of two texts has.
func diffLines(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for l := range ma {
		if !mb[l] {
			out = append(out, "- "+l)
		}
	}
	for l := range mb {
		if !ma[l] {
			out = append(out, "+ "+l)
		}
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}
