package server

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStartRejectsBadStoreSettings checks that store settings that cannot
// work fail Start with an error naming the problem, before anything is
// opened or created.
func TestStartRejectsBadStoreSettings(t *testing.T) {
	tests := []struct {
		name string
		opts []func(*Config)
		want string
	}{
		{name: "unknown backend", opts: []func(*Config){func(c *Config) { c.Store = "sqlite" }}, want: `unknown store "sqlite" (want bolt or etcd)`},
		{name: "etcd without endpoints", opts: []func(*Config){func(c *Config) { c.Store = StoreEtcd }}, want: "needs at least one endpoint"},
		{name: "etcd with an empty endpoint", opts: []func(*Config){func(c *Config) {
			c.Store, c.Etcd.Endpoints = StoreEtcd, []string{"http://127.0.0.1:2379", " "}
		}}, want: "empty etcd endpoint"},
		{name: "etcd prefix without a trailing slash", opts: []func(*Config){func(c *Config) {
			c.Store, c.Etcd.Endpoints, c.Etcd.Prefix = StoreEtcd, []string{"http://127.0.0.1:2379"}, "/berth"
		}}, want: `etcd prefix "/berth" must end with "/"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := configOn(t, tc.opts...)
			cfg.DataDir = filepath.Join(cfg.DataDir, "not-created")
			srv, err := Start(context.Background(), cfg)
			if err == nil {
				srv.Close()
				t.Fatalf("Start: got a server, want an error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Start: got %v, want an error containing %q", err, tc.want)
			}
			if _, err := os.Stat(cfg.DataDir); !os.IsNotExist(err) {
				t.Errorf("data dir after a failed Start: got %v, want it not created", err)
			}
		})
	}
}

// TestStartOnUnreachableEtcd checks that a server pointed at an etcd that
// does not answer fails to start instead of starting without its state.
func TestStartOnUnreachableEtcd(t *testing.T) {
	cfg := configOn(t, func(c *Config) {
		c.Store = StoreEtcd
		c.Etcd.Endpoints = []string{"unix://" + filepath.Join(t.TempDir(), "nobody.sock")}
		c.Etcd.DialTimeout = 200 * time.Millisecond
	})
	srv, err := Start(context.Background(), cfg)
	if err == nil {
		srv.Close()
		t.Fatal("Start: got a server, want an error")
	}
	if !strings.Contains(err.Error(), "did not answer") {
		t.Errorf("Start: got %v, want an error saying etcd did not answer", err)
	}
}

// TestBoltIsTheDefault checks that a Config without Store keeps its state
// in the data dir's bbolt file, as before there was a choice.
func TestBoltIsTheDefault(t *testing.T) {
	cfg := configOn(t)
	srv := startOn(t, cfg)
	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cfg.DataDir, StoreFile)); err != nil {
		t.Errorf("store file: got %v, want %s in the data dir", err, StoreFile)
	}
}
