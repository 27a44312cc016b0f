package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/berth-io/berth/internal/store"
)

// testRevisions walks one key through create, update, delete and
// re-create, checking the revision each batch gets and the key's
// CreateRevision and ModRevision after it. Revisions are offsets from the
// store's revision before the first step.
func testRevisions(t *testing.T, s store.Store) {
	type state struct {
		exists         bool
		value          string
		create, modRev int64 // offsets
	}
	steps := []struct {
		name  string
		batch store.Batch
		want  state
	}{
		{"create", ops(put("k", "v1")), state{true, "v1", 1, 1}},
		{"update", ops(put("k", "v2")), state{true, "v2", 1, 2}},
		{"other key", ops(put("other", "x")), state{true, "v2", 1, 2}},
		{"delete", ops(del("k")), state{false, "", 0, 0}},
		{"re-create", ops(put("k", "v3")), state{true, "v3", 5, 5}},
	}
	rev0 := revision(t, s)
	if rev0 < 1 {
		t.Fatalf("Revision() of a new store: got %d, want at least 1 (0 means \"from now\" to Watch)", rev0)
	}
	for i, step := range steps {
		rev := commit(t, s, step.batch)
		if want := rev0 + int64(i) + 1; rev != want {
			t.Fatalf("%s: Commit revision: got %d, want %d", step.name, rev, want)
		}
		if got := revision(t, s); got != rev {
			t.Fatalf("%s: Revision(): got %d, want %d", step.name, got, rev)
		}
		if !step.want.exists {
			wantAbsent(t, s, "k")
			continue
		}
		wantKV(t, s, "k", step.want.value, rev0+step.want.create, rev0+step.want.modRev)
	}
}

// testMultiOpBatch checks that one batch is one revision, shared by all its
// writes.
func testMultiOpBatch(t *testing.T, s store.Store) {
	commit(t, s, ops(put("c", "old")))
	rev0 := revision(t, s)
	rev := commit(t, s, ops(put("a", "1"), put("b", "2"), put("c", "3")))
	if rev != rev0+1 {
		t.Fatalf("Commit of three puts: got revision %d, want %d", rev, rev0+1)
	}
	wantKV(t, s, "a", "1", rev, rev)
	wantKV(t, s, "b", "2", rev, rev)
	wantKV(t, s, "c", "3", rev0, rev)
}

// testNoChangeBatch checks that a batch that changes nothing leaves the
// revision where it is, as an etcd Txn without changes does.
func testNoChangeBatch(t *testing.T, s store.Store) {
	commit(t, s, ops(put("k", "v")))
	rev0 := revision(t, s)
	tests := []struct {
		name  string
		batch store.Batch
	}{
		{"delete of an absent key", ops(del("missing"))},
		{"conditions only", store.Batch{Conds: []store.Cond{exists("k"), absent("missing")}}},
		{"empty", store.Batch{}},
	}
	for _, tc := range tests {
		rev := commit(t, s, tc.batch)
		if rev != rev0 {
			t.Errorf("%s: Commit revision: got %d, want %d (unchanged)", tc.name, rev, rev0)
		}
		if got := revision(t, s); got != rev0 {
			t.Errorf("%s: Revision(): got %d, want %d (unchanged)", tc.name, got, rev0)
		}
	}
}

// testValueIsCopied checks that the store keeps its own copy of a value, and
// hands out copies.
func testValueIsCopied(t *testing.T, s store.Store) {
	value := []byte("before")
	rev := commit(t, s, store.Batch{Ops: []store.Op{{Key: "k", Value: value}}})
	copy(value, "XXXXXX")
	kv, _ := get(t, s, "k")
	copy(kv.Value, "YYYYYY")
	wantKV(t, s, "k", "before", rev, rev)
}

// listFixture is the key set testList and testListPages read.
var listFixture = []string{"a/1", "a/2", "a/3", "ab", "b/1"}

func putAll(t *testing.T, s store.Store, keys []string) int64 {
	t.Helper()
	b := store.Batch{}
	for _, k := range keys {
		b.Ops = append(b.Ops, put(k, "v-"+k))
	}
	return commit(t, s, b)
}

func keysOf(kvs []store.KV) []string {
	keys := make([]string, 0, len(kvs))
	for _, kv := range kvs {
		keys = append(keys, kv.Key)
	}
	return keys
}

func testList(t *testing.T, s store.Store) {
	rev := putAll(t, s, listFixture)
	tests := []struct {
		name   string
		prefix string
		opts   store.ListOptions
		want   []string
	}{
		{"prefix with slash", "a/", store.ListOptions{}, []string{"a/1", "a/2", "a/3"}},
		{"bare prefix matches siblings", "a", store.ListOptions{}, []string{"a/1", "a/2", "a/3", "ab"}},
		{"empty prefix lists all", "", store.ListOptions{}, listFixture},
		{"no match", "c/", store.ListOptions{}, nil},
		{"limit", "a/", store.ListOptions{Limit: 2}, []string{"a/1", "a/2"}},
		{"start after", "a/", store.ListOptions{StartAfter: "a/1"}, []string{"a/2", "a/3"}},
		{"start after with limit", "a/", store.ListOptions{StartAfter: "a/1", Limit: 1}, []string{"a/2"}},
		{"start after the last", "a/", store.ListOptions{StartAfter: "a/3"}, nil},
		{"start after a missing key", "a/", store.ListOptions{StartAfter: "a/15"}, []string{"a/2", "a/3"}},
		{"start after below prefix", "a/", store.ListOptions{StartAfter: "0"}, []string{"a/1", "a/2", "a/3"}},
		{"start after above prefix", "a/", store.ListOptions{StartAfter: "b"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kvs, listRev, err := s.List(t.Context(), tc.prefix, tc.opts)
			if err != nil {
				t.Fatalf("List(%q, %+v) = %v", tc.prefix, tc.opts, err)
			}
			if got := keysOf(kvs); !slices.Equal(got, tc.want) {
				t.Errorf("List(%q, %+v) keys: got %q, want %q", tc.prefix, tc.opts, got, tc.want)
			}
			if listRev != rev {
				t.Errorf("List(%q, %+v) revision: got %d, want %d", tc.prefix, tc.opts, listRev, rev)
			}
			for _, kv := range kvs {
				want := store.KV{Key: kv.Key, Value: []byte("v-" + kv.Key), CreateRevision: rev, ModRevision: rev}
				if !sameKV(kv, want) {
					t.Errorf("List(%q) entry: got %s, want %s", tc.prefix, fmtKV(kv), fmtKV(want))
				}
			}
		})
	}
}

// testListPages pages through a prefix with StartAfter and Limit, and checks
// that List's revision follows later commits.
func testListPages(t *testing.T, s store.Store) {
	var want []string
	for i := range 10 {
		want = append(want, fmt.Sprintf("p/%02d", i))
	}
	putAll(t, s, append([]string{"o/x", "q/x"}, want...))
	var got []string
	after := ""
	for page := 0; ; page++ {
		kvs, _, err := s.List(t.Context(), "p/", store.ListOptions{StartAfter: after, Limit: 3})
		if err != nil {
			t.Fatalf("List page %d = %v", page, err)
		}
		if len(kvs) == 0 {
			break
		}
		if len(kvs) > 3 {
			t.Fatalf("List page %d: got %d keys, want at most 3", page, len(kvs))
		}
		got = append(got, keysOf(kvs)...)
		after = kvs[len(kvs)-1].Key
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paged keys: got %q, want %q", got, want)
	}
	rev := commit(t, s, ops(put("z", "1")))
	if _, listRev, err := s.List(t.Context(), "p/", store.ListOptions{}); err != nil || listRev != rev {
		t.Fatalf("List after a commit: got revision %d (err %v), want %d", listRev, err, rev)
	}
}
