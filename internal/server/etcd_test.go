package server

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

// memberStartTimeout bounds the wait for the embedded member; a guard
// against hanging, not a speed check.
const memberStartTimeout = 2 * time.Minute

// member is the embedded etcd member the tests of this package share,
// started by the first test that needs it and stopped by TestMain.
var member struct {
	once     sync.Once
	dir      string
	etcd     *embed.Etcd
	endpoint string
	err      error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if member.etcd != nil {
		member.etcd.Close()
	}
	if member.dir != "" {
		if code != 0 {
			if log, err := os.ReadFile(filepath.Join(member.dir, "etcd.log")); err == nil && len(log) > 0 {
				fmt.Fprintf(os.Stderr, "--- embedded etcd log:\n%s", log)
			}
		}
		os.RemoveAll(member.dir)
	}
	os.Exit(code)
}

// etcdEndpoint returns the client URL of the shared embedded member,
// starting it on first use. The member listens on unix sockets in a fresh
// temporary directory, so that test binaries running at once never
// collide on a port.
func etcdEndpoint(t *testing.T) string {
	t.Helper()
	member.once.Do(func() {
		member.dir, member.err = os.MkdirTemp("", "berth-server-etcd-")
		if member.err != nil {
			return
		}
		member.etcd, member.err = startMember(member.dir)
		if member.err == nil {
			member.endpoint = member.etcd.Config().ListenClientUrls[0].String()
		}
	})
	if member.err != nil {
		t.Fatalf("embedded etcd: %v", member.err)
	}
	return member.endpoint
}

// startMember starts a single-member cluster with its data in dir and
// waits until it serves.
func startMember(dir string) (*embed.Etcd, error) {
	client := url.URL{Scheme: "unix", Path: filepath.Join(dir, "client.sock")}
	peer := url.URL{Scheme: "unix", Path: filepath.Join(dir, "peer.sock")}
	// etcd wants advertised URLs in host:port form, which a socket path is
	// not; a lone member never dials them, so they are placeholders.
	placeholder := url.URL{Scheme: "unix", Host: "localhost:0"}
	cfg := embed.NewConfig()
	cfg.Name = "server-test"
	cfg.Dir = filepath.Join(dir, "data")
	cfg.ListenClientUrls = []url.URL{client}
	cfg.AdvertiseClientUrls = []url.URL{placeholder}
	cfg.ListenPeerUrls = []url.URL{peer}
	cfg.AdvertisePeerUrls = []url.URL{placeholder}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.LogLevel = "error"
	cfg.LogOutputs = []string{filepath.Join(dir, "etcd.log")}
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

// prefixes numbers the etcd namespaces handed to tests.
var prefixes atomic.Int64

// newPrefix is an etcd namespace no other test uses; the number comes
// first, so no prefix is a prefix of another.
func newPrefix(t *testing.T) string {
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
	return fmt.Sprintf("/server-test/%d/%s/", prefixes.Add(1), name)
}
