package etcdstore

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

// memberStartTimeout bounds how long TestMain waits for the embedded member
// to become ready; a guard against hanging, not a speed check.
const memberStartTimeout = 2 * time.Minute

// memberLog is the file, in the member's directory, it logs errors to.
const memberLog = "etcd.log"

// endpoint is the client URL of the embedded member every test uses.
var endpoint string

// TestMain starts one embedded etcd member for the whole test binary, on
// unix sockets in a fresh temporary directory, so that test binaries
// running at the same time never collide.
func TestMain(m *testing.M) {
	os.Exit(runWithMember(m))
}

func runWithMember(m *testing.M) int {
	dir, err := os.MkdirTemp("", "etcdstore-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcdstore test:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	e, err := startMember(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcdstore test: start embedded etcd:", err)
		return 1
	}
	defer e.Close()
	endpoint = e.Config().ListenClientUrls[0].String()
	code := m.Run()
	if code != 0 {
		showLog(dir)
	}
	return code
}

// showLog copies the member's log to stderr, for a failed run.
func showLog(dir string) {
	log, err := os.ReadFile(filepath.Join(dir, memberLog))
	if err == nil && len(log) > 0 {
		fmt.Fprintf(os.Stderr, "--- embedded etcd log:\n%s", log)
	}
}

// startMember starts a single-member cluster with its data in dir and
// waits until it serves.
func startMember(dir string) (*embed.Etcd, error) {
	client := url.URL{Scheme: "unix", Path: filepath.Join(dir, "client.sock")}
	peer := url.URL{Scheme: "unix", Path: filepath.Join(dir, "peer.sock")}
	// etcd wants advertised URLs in host:port form, which a socket path is
	// not. A lone member never dials its peers, and tests dial the socket,
	// so the advertised URLs are placeholders.
	placeholder := url.URL{Scheme: "unix", Host: "localhost:0"}
	cfg := embed.NewConfig()
	cfg.Name = "test"
	cfg.Dir = filepath.Join(dir, "data")
	cfg.ListenClientUrls = []url.URL{client}
	cfg.AdvertiseClientUrls = []url.URL{placeholder}
	cfg.ListenPeerUrls = []url.URL{peer}
	cfg.AdvertisePeerUrls = []url.URL{placeholder}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.LogLevel = "error"
	cfg.LogOutputs = []string{filepath.Join(dir, memberLog)}
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, err
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, nil
	case err := <-e.Err():
		e.Close()
		return nil, err
	case <-time.After(memberStartTimeout):
		e.Close()
		return nil, fmt.Errorf("not ready after %s", memberStartTimeout)
	}
}

// prefixes numbers the namespaces handed to tests.
var prefixes atomic.Int64

// newPrefix is a namespace no other test uses. The number comes first, so
// no prefix is a prefix of another.
func newPrefix(t testing.TB) string {
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
	return fmt.Sprintf("/test/%d/%s/", prefixes.Add(1), name)
}

// openStore opens a store on the embedded member under a fresh prefix and
// closes it when the test ends.
func openStore(t testing.TB) *Store {
	t.Helper()
	return openWith(t, Options{Endpoints: []string{endpoint}, Prefix: newPrefix(t)})
}

// openWith opens a store with opts and closes it when the test ends.
func openWith(t testing.TB, opts Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("Open(%+v) = %v", opts, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return s
}
