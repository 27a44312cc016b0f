package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/server"
)

// storeResult is what the store settings resolve to.
type storeResult struct {
	store     string
	endpoints []string
	prefix    string
	compact   time.Duration
}

func boltStore() storeResult { return storeResult{store: server.StoreBolt} }

func etcdStore(endpoints ...string) storeResult {
	return storeResult{store: server.StoreEtcd, endpoints: endpoints, prefix: "/berth/", compact: 5 * time.Minute}
}

func (r storeResult) with(f func(*storeResult)) storeResult { f(&r); return r }

func (r storeResult) equal(o storeResult) bool {
	return r.store == o.store && slices.Equal(r.endpoints, o.endpoints) && r.prefix == o.prefix && r.compact == o.compact
}

func TestServerStoreSettings(t *testing.T) {
	cases := []struct {
		settingsCase
		want storeResult
	}{
		{settingsCase{name: "bolt by default"}, boltStore()},
		{settingsCase{name: "etcd from flags, endpoints split and trimmed",
			args: []string{"--store", "etcd", "--etcd-endpoints", "http://10.0.0.1:2379, http://10.0.0.2:2379"}},
			etcdStore("http://10.0.0.1:2379", "http://10.0.0.2:2379")},
		{settingsCase{name: "etcd from the config file",
			file: "store = etcd\netcd-endpoints = unix:///run/etcd.sock\netcd-prefix = /team-a/\netcd-compact-interval = 1m\n"},
			etcdStore("unix:///run/etcd.sock").with(func(r *storeResult) { r.prefix, r.compact = "/team-a/", time.Minute })},
		{settingsCase{name: "environment beats the config file",
			env:  map[string]string{"BERTH_STORE": "etcd", "BERTH_ETCD_ENDPOINTS": "http://env:2379", "BERTH_ETCD_PREFIX": "/env/", "BERTH_ETCD_COMPACT_INTERVAL": "10m"},
			file: "store = bolt\netcd-endpoints = http://file:2379\netcd-prefix = /file/\n"},
			etcdStore("http://env:2379").with(func(r *storeResult) { r.prefix, r.compact = "/env/", 10*time.Minute })},
		{settingsCase{name: "flags beat the environment",
			args: []string{"--etcd-endpoints", "http://flag:2379", "--etcd-compact-interval", "30s"},
			env:  map[string]string{"BERTH_STORE": "etcd", "BERTH_ETCD_ENDPOINTS": "http://env:2379"}},
			etcdStore("http://flag:2379").with(func(r *storeResult) { r.compact = 30 * time.Second })},
		{settingsCase{name: "compaction interval 0 turns compaction off",
			args: []string{"--store", "etcd", "--etcd-endpoints", "http://127.0.0.1:2379", "--etcd-compact-interval", "0"}},
			etcdStore("http://127.0.0.1:2379").with(func(r *storeResult) { r.compact = -1 })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, f := newServerSettings()
			c.args = append(c.args, "--data-dir", t.TempDir())
			if err := c.resolve(t, s); err != nil {
				t.Fatalf("parse: got error %v, want none", err)
			}
			setup, err := f.config(s)
			if err != nil {
				t.Fatalf("config: got error %v, want none", err)
			}
			cfg := setup.cfg
			got := storeResult{store: cfg.Store}
			if cfg.Store == server.StoreEtcd {
				got.endpoints, got.prefix, got.compact = cfg.Etcd.Endpoints, cfg.Etcd.Prefix, cfg.Etcd.CompactInterval
			}
			if !got.equal(c.want) {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestServerStoreSettingsErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string // in the error
	}{
		{"unknown store", []string{"--store", "sqlite"}, `--store "sqlite": want bolt or etcd`},
		{"etcd without endpoints", []string{"--store", "etcd"}, "--store etcd needs --etcd-endpoints"},
		{"empty URL in the list", []string{"--store", "etcd", "--etcd-endpoints", "http://a:2379,,http://b:2379"}, "empty URL in the list"},
		{"prefix without a trailing slash", []string{"--store", "etcd", "--etcd-endpoints", "http://a:2379", "--etcd-prefix", "/berth"}, `--etcd-prefix "/berth": must end with /`},
		{"negative compaction interval", []string{"--store", "etcd", "--etcd-endpoints", "http://a:2379", "--etcd-compact-interval", "-1m"}, "want a positive duration, or 0 for none"},
		{"endpoints without --store etcd", []string{"--etcd-endpoints", "http://a:2379"}, "--etcd-endpoints is set but --store is bolt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, f := newServerSettings()
			sc := settingsCase{name: c.name, args: append(c.args, "--data-dir", t.TempDir())}
			if err := sc.resolve(t, s); err != nil {
				t.Fatalf("parse: got error %v, want none", err)
			}
			_, err := f.config(s)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("config: got error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestUpTakesStoreSettings checks that `berth up` has the server's store
// settings and tells the newcomer where the state is.
func TestUpTakesStoreSettings(t *testing.T) {
	s, f := newUpSettings()
	sc := settingsCase{args: []string{"--store", "etcd", "--etcd-endpoints", "http://127.0.0.1:2379", "--data-dir", t.TempDir()}}
	if err := sc.resolve(t, s); err != nil {
		t.Fatalf("parse: got error %v, want none", err)
	}
	setup, err := f.config(s)
	if err != nil {
		t.Fatalf("config: got error %v, want none", err)
	}
	if got := etcdStoreOf(setup.cfg); got != "etcd http://127.0.0.1:2379, prefix /berth/" {
		t.Errorf("welcome store line: got %q, want %q", got, "etcd http://127.0.0.1:2379, prefix /berth/")
	}
	var buf strings.Builder
	printWelcome(&buf, welcome{endpoint: "http://127.0.0.1:4510", region: "us-east-1", dataDir: "/d", etcdStore: etcdStoreOf(setup.cfg)})
	if want := "  store:       etcd http://127.0.0.1:2379, prefix /berth/\n"; !strings.Contains(buf.String(), want) {
		t.Errorf("welcome: got\n%s\nwant the line %q", buf.String(), want)
	}
	if strings.Contains(buf.String(), "berth.db") {
		t.Errorf("welcome on etcd: got\n%s\nwant no mention of berth.db", buf.String())
	}
}
