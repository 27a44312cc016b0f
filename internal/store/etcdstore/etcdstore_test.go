package etcdstore

import (
	"errors"
	"slices"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/berth-io/berth/internal/store"
	"github.com/berth-io/berth/internal/store/storetest"
)

// patience bounds waits for events; a guard against hanging, not a speed
// check.
const patience = time.Minute

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openStore(t)
	})
}

// Fixture builders.

func put(key, value string) store.Op { return store.Op{Key: key, Value: []byte(value)} }
func del(key string) store.Op        { return store.Op{Key: key, Delete: true} }
func ops(o ...store.Op) store.Batch  { return store.Batch{Ops: o} }

func commit(t testing.TB, s store.Store, b store.Batch) int64 {
	t.Helper()
	rev, err := s.Commit(t.Context(), b)
	if err != nil {
		t.Fatalf("Commit = %v, want success", err)
	}
	return rev
}

func revision(t testing.TB, s store.Store) int64 {
	t.Helper()
	rev, err := s.Revision(t.Context())
	if err != nil {
		t.Fatalf("Revision() = %v", err)
	}
	return rev
}

// rawClient is a plain etcd client on the embedded member, for looking at
// what the store wrote from outside it.
func rawClient(t testing.TB) *clientv3.Client {
	t.Helper()
	c, err := clientv3.New(clientv3.Config{Endpoints: []string{endpoint}, DialTimeout: DefaultDialTimeout, Logger: zap.NewNop()})
	if err != nil {
		t.Fatalf("clientv3.New = %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestNamespace checks that two stores under different prefixes of one
// cluster see only their own keys, and that keys are stored as
// prefix+key.
func TestNamespace(t *testing.T) {
	a, b := openStore(t), openStore(t)
	rev := commit(t, a, ops(put("k/1", "a1"), put("k/2", "a2")))
	commit(t, b, ops(put("k/1", "b1")))

	tests := []struct {
		name string
		s    *Store
		want []string
	}{
		{"first", a, []string{"k/1=a1", "k/2=a2"}},
		{"second", b, []string{"k/1=b1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kvs, _, err := tc.s.List(t.Context(), "", store.ListOptions{})
			if err != nil {
				t.Fatalf("List = %v", err)
			}
			var got []string
			for _, kv := range kvs {
				got = append(got, kv.Key+"="+string(kv.Value))
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("List: got %q, want %q", got, tc.want)
			}
		})
	}

	resp, err := rawClient(t).Get(t.Context(), a.Prefix()+"k/2")
	if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "a2" || resp.Kvs[0].ModRevision != rev {
		t.Fatalf("raw Get(%q): got %v (err %v), want a2 at revision %d", a.Prefix()+"k/2", resp, err, rev)
	}
}

// TestDefaultPrefix checks that the zero Prefix means DefaultPrefix.
func TestDefaultPrefix(t *testing.T) {
	s := openWith(t, Options{Endpoints: []string{endpoint}})
	if got := s.Prefix(); got != DefaultPrefix {
		t.Fatalf("Prefix(): got %q, want %q", got, DefaultPrefix)
	}
}

// TestSharedClient checks that a store on a client passed in leaves it
// open on Close, and refuses calls afterwards.
func TestSharedClient(t *testing.T) {
	c := rawClient(t)
	s, err := Open(t.Context(), Options{Client: c, Prefix: newPrefix(t)})
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	commit(t, s, ops(put("k", "v")))
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if _, _, err := s.Get(t.Context(), "k"); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("Get after Close: got %v, want ErrClosed", err)
	}
	resp, err := c.Get(t.Context(), s.Prefix()+"k")
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("shared client after the store's Close: got %v (err %v), want the key", resp, err)
	}
}

// TestOpenUnreachable checks that Open fails when no member answers.
func TestOpenUnreachable(t *testing.T) {
	missing := "unix://" + t.TempDir() + "/nobody.sock"
	s, err := Open(t.Context(), Options{Endpoints: []string{missing}, DialTimeout: 200 * time.Millisecond})
	if err == nil {
		s.Close()
		t.Fatalf("Open(%s): got a store, want an error", missing)
	}
}

// TestCloseEndsWatch checks that Close closes the channels of running
// watches.
func TestCloseEndsWatch(t *testing.T) {
	s, err := Open(t.Context(), Options{Endpoints: []string{endpoint}, Prefix: newPrefix(t)})
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	ch, err := s.Watch(t.Context(), "", 0)
	if err != nil {
		t.Fatalf("Watch = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	select {
	case ev, ok := <-ch:
		if ok {
			t.Fatalf("watch after Close: got event %+v, want the channel closed", ev)
		}
	case <-time.After(patience):
		t.Fatalf("watch channel still open %s after Close", patience)
	}
}
