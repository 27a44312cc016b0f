package boltstore

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/berth-io/berth/internal/store"
)

// crashEnv names the file the crash child commits to; the child test
// does nothing without it.
const crashEnv = "BERTH_BOLTSTORE_CRASH_DB"

// Crash test sizes: child writers, and acknowledged commits the parent
// waits for before it kills the child.
const (
	crashWriters = 8
	crashAcks    = 600
)

// TestCrashChild is the child half of TestCrashKeepsAcknowledgedCommits:
// several goroutines commit two-key batches in a loop and print "ack <rev>
// <key prefix>" for every commit once Commit has returned, until the parent
// kills the process.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("run by TestCrashKeepsAcknowledgedCommits")
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	var wg sync.WaitGroup
	for w := range crashWriters {
		wg.Go(func() {
			for i := 0; i < 1_000_000; i++ {
				prefix := fmt.Sprintf("crash/%d/%06d/", w, i)
				rev, err := s.Commit(t.Context(), store.Batch{Ops: []store.Op{putOp(prefix+"a", prefix), putOp(prefix+"b", prefix)}})
				if err != nil {
					t.Errorf("Commit = %v", err)
					return
				}
				// One write per line: pipe writes this small are atomic.
				os.Stdout.WriteString(fmt.Sprintf("ack %d %s\n", rev, prefix))
			}
		})
	}
	wg.Wait()
}

// TestCrashKeepsAcknowledgedCommits runs TestCrashChild in a child
// process, SIGKILLs it while it is committing, reopens the file and checks
// that every commit the child acknowledged is there at its revision, and
// that no batch was half applied.
func TestCrashKeepsAcknowledgedCommits(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("already the child")
	}
	path := filepath.Join(t.TempDir(), "berth.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	acked := map[string]int64{} // key prefix -> revision
	killed := false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		var rev int64
		var prefix string
		if n, _ := fmt.Sscanf(sc.Text(), "ack %d %s", &rev, &prefix); n != 2 {
			continue // the test framework's own output
		}
		acked[prefix] = rev
		if len(acked) == crashAcks && !killed {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatalf("kill child: %v", err)
			}
			killed = true
		}
	}
	waitErr := cmd.Wait()
	if !killed {
		t.Fatalf("child ended after %d acknowledged commits, want at least %d (wait: %v)\n%s", len(acked), crashAcks, waitErr, stderr.String())
	}

	s := openAt(t, path, Options{})
	ctx := t.Context()
	var maxRev int64
	for prefix, rev := range acked {
		maxRev = max(maxRev, rev)
		for _, key := range []string{prefix + "a", prefix + "b"} {
			kv, ok, err := s.Get(ctx, key)
			if err != nil || !ok || kv.ModRevision != rev || string(kv.Value) != prefix {
				t.Fatalf("acknowledged %s at revision %d: got (%+v, %v, %v)", key, rev, kv, ok, err)
			}
		}
	}
	if rev, _ := s.Revision(ctx); rev < maxRev {
		t.Fatalf("Revision() after the crash: got %d, want at least %d", rev, maxRev)
	}
	kvs, _, err := s.List(ctx, "crash/", store.ListOptions{})
	if err != nil {
		t.Fatalf("List = %v", err)
	}
	halves := map[string]int{}
	for _, kv := range kvs {
		halves[kv.Key[:strings.LastIndexByte(kv.Key, '/')+1]]++
	}
	for prefix, n := range halves {
		if n != 2 {
			t.Fatalf("batch %s: got %d of its 2 keys, want both or neither", prefix, n)
		}
	}
	t.Logf("child acknowledged %d commits before the kill; %d batches found after reopening", len(acked), len(halves))
}
