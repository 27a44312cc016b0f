//go:build etcdcluster

package etcdstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/berth-io/berth/internal/store"
)

// This file needs a real etcd binary and is left out of the default run:
//
//	apt-get install etcd-server   # Debian's etcd 3.4
//	go test -tags etcdcluster -run TestCluster -v ./internal/store/etcdstore/
//
// $ETCD_BIN names the binary; otherwise etcd is looked up on $PATH.

// clusterMember is one etcd process on loopback.
type clusterMember struct {
	name, clientURL, peerURL string
	cmd                      *exec.Cmd
	exited                   chan struct{}
}

// freePort asks the kernel for a loopback port that is free now. Another
// process could take it before etcd binds it; the test then fails at
// start-up, never silently.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on loopback: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startCluster starts a three-member cluster on loopback and stops it when
// the test ends. Each member logs to a file in its directory.
func startCluster(t *testing.T) []*clusterMember {
	t.Helper()
	bin := os.Getenv("ETCD_BIN")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("etcd"); err != nil {
			t.Skip("no etcd binary: install etcd-server or set ETCD_BIN")
		}
	}
	members := make([]*clusterMember, 3)
	var initial []string
	for i := range members {
		m := &clusterMember{
			name:      fmt.Sprintf("m%d", i),
			clientURL: fmt.Sprintf("http://127.0.0.1:%d", freePort(t)),
			peerURL:   fmt.Sprintf("http://127.0.0.1:%d", freePort(t)),
			exited:    make(chan struct{}),
		}
		members[i] = m
		initial = append(initial, m.name+"="+m.peerURL)
	}
	root := t.TempDir()
	for _, m := range members {
		dir := filepath.Join(root, m.name)
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		log, err := os.Create(filepath.Join(dir, "etcd.log"))
		if err != nil {
			t.Fatal(err)
		}
		m.cmd = exec.Command(bin,
			"--name", m.name,
			"--data-dir", filepath.Join(dir, "data"),
			"--listen-client-urls", m.clientURL,
			"--advertise-client-urls", m.clientURL,
			"--listen-peer-urls", m.peerURL,
			"--initial-advertise-peer-urls", m.peerURL,
			"--initial-cluster", strings.Join(initial, ","),
			"--initial-cluster-state", "new",
			"--initial-cluster-token", "berth-test",
		)
		m.cmd.Stdout, m.cmd.Stderr = log, log
		if err := m.cmd.Start(); err != nil {
			t.Fatalf("start %s: %v", bin, err)
		}
		go func() {
			m.cmd.Wait()
			log.Close()
			close(m.exited)
		}()
		t.Cleanup(func() {
			m.cmd.Process.Kill()
			<-m.exited
			if t.Failed() {
				if b, err := os.ReadFile(log.Name()); err == nil {
					t.Logf("--- %s log (last 2000 bytes):\n%s", m.name, b[max(0, len(b)-2000):])
				}
			}
		})
	}
	return members
}

// leader is the member the cluster currently follows.
func leader(t *testing.T, c *clientv3.Client, members []*clusterMember) *clusterMember {
	t.Helper()
	for _, m := range members {
		st, err := c.Status(t.Context(), m.clientURL)
		if err == nil && st.Leader == st.Header.MemberId {
			return m
		}
	}
	t.Fatalf("no member reports itself as leader")
	return nil
}

// retryUntil calls fn until it succeeds or patience runs out.
func retryUntil[T any](t *testing.T, what string, fn func() (T, error)) T {
	t.Helper()
	deadline := time.Now().Add(patience)
	for {
		v, err := fn()
		if err == nil {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still failing after %s: %v", what, patience, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// follower keeps a set of every task key it has seen, by listing and then
// watching, and listing again whenever the watch ends.
type follower struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (f *follower) run(ctx context.Context, s store.Store, prefix string) {
	for ctx.Err() == nil {
		kvs, rev, err := s.List(ctx, prefix, store.ListOptions{})
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		f.mark(kvs...)
		ch, err := s.Watch(ctx, prefix, rev)
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		for ev := range ch {
			if ev.Type == store.EventPut {
				f.mark(ev.KV)
			}
		}
	}
}

func (f *follower) mark(kvs ...store.KV) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, kv := range kvs {
		f.seen[kv.Key] = true
	}
}

func (f *follower) missing(keys []string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, k := range keys {
		if !f.seen[k] {
			out = append(out, k)
		}
	}
	return out
}

// commitResult is what one RunTask-shaped commit returned.
type commitResult struct {
	batch store.Batch
	token string
	task  string
	rev   int64
	err   error
}

// TestClusterKillLeader commits RunTask-shaped batches (a clientToken key
// under an Absent condition plus a task key) from parallel writers, kills
// the leader with SIGKILL a third of the way through, and then checks the
// contract under failure: every acknowledged commit is durable at its
// revision, every definite failure wrote nothing, every unknown outcome is
// resolved by reading its token (and committed again when absent), and a
// watcher that re-lists whenever its watch ends sees every task.
func TestClusterKillLeader(t *testing.T) {
	members := startCluster(t)
	var endpoints []string
	for _, m := range members {
		endpoints = append(endpoints, m.clientURL)
	}
	raw, err := clientv3.New(clientv3.Config{Endpoints: endpoints, DialTimeout: DefaultDialTimeout, Logger: zap.NewNop()})
	if err != nil {
		t.Fatalf("clientv3.New = %v", err)
	}
	defer raw.Close()
	s := retryUntil(t, "Open", func() (*Store, error) {
		return Open(t.Context(), Options{Endpoints: endpoints, Prefix: "/berth-cluster-test/"})
	})
	defer s.Close()
	victim := leader(t, raw, members)

	watchCtx, stopWatch := context.WithCancel(t.Context())
	defer stopWatch()
	f := &follower{seen: map[string]bool{}}
	go f.run(watchCtx, s, "task/")

	const writers, each = 16, 60
	results := make([]commitResult, writers*each)
	var done atomic.Int64
	killed := make(chan struct{})
	var wg sync.WaitGroup
	start := time.Now()
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				r := &results[w*each+i]
				r.token, r.task = fmt.Sprintf("token/%d-%d", w, i), fmt.Sprintf("task/%d-%d", w, i)
				r.batch = store.Batch{
					Conds: []store.Cond{absent(r.token)},
					Ops:   []store.Op{put(r.token, r.task), put(r.task, "PENDING")},
				}
				// The timeout bounds a commit caught in the election.
				ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
				r.rev, r.err = s.Commit(ctx, r.batch)
				cancel()
				if done.Add(1) == writers*each/3 {
					close(killed)
				}
			}
		})
	}
	<-killed
	t.Logf("killing leader %s after %d commits", victim.name, done.Load())
	victim.cmd.Process.Kill()
	wg.Wait()
	elapsed := time.Since(start)

	var ok, unknownApplied, unknownRetried, definite int
	var tasks []string
	for _, r := range results {
		tasks = append(tasks, r.task)
		switch {
		case r.err == nil:
			ok++
			if kv, found := lookup(t, s, r.task); !found || kv.ModRevision != r.rev {
				t.Errorf("acknowledged %s: got (%s, %v), want it at revision %d", r.task, fmtKV(kv), found, r.rev)
			}
		case errors.Is(r.err, ErrOutcomeUnknown):
			if _, found := lookup(t, s, r.token); found {
				unknownApplied++
				continue
			}
			unknownRetried++
			recommit(t, s, r.batch, r.token)
		default:
			definite++
			if _, found := lookup(t, s, r.token); found {
				t.Errorf("%s failed with %v, a definite error, but its token exists", r.task, r.err)
			}
			recommit(t, s, r.batch, r.token)
		}
	}
	t.Logf("%d commits in %s with the leader killed: %d acknowledged, %d unknown and applied, %d unknown and not applied, %d definite errors",
		len(results), elapsed.Round(time.Millisecond), ok, unknownApplied, unknownRetried, definite)

	deadline := time.Now().Add(patience)
	for missing := f.missing(tasks); len(missing) > 0; missing = f.missing(tasks) {
		if time.Now().After(deadline) {
			t.Fatalf("watcher never saw %d tasks, first %q", len(missing), missing[0])
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// lookup reads key, retrying while the cluster has no leader.
func lookup(t *testing.T, s store.Store, key string) (store.KV, bool) {
	t.Helper()
	type result struct {
		kv    store.KV
		found bool
	}
	r := retryUntil(t, "Get "+key, func() (result, error) {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		kv, found, err := s.Get(ctx, key)
		return result{kv, found}, err
	})
	return r.kv, r.found
}

// recommit commits b again until its outcome is known. Its Absent
// condition on token makes this safe: a conflict on token means that an
// earlier attempt, whose outcome was unknown, was applied.
func recommit(t *testing.T, s store.Store, b store.Batch, token string) {
	t.Helper()
	retryUntil(t, "re-commit "+token, func() (int64, error) {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		rev, err := s.Commit(ctx, b)
		if isConflictOn(err, token) {
			return rev, nil
		}
		return rev, err
	})
}
