package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/berth-io/berth/internal/store"
	"github.com/berth-io/berth/internal/store/boltstore"
	"github.com/berth-io/berth/internal/store/etcdstore"
)

// The store backends Config.Store names.
const (
	// StoreBolt keeps the state in one bbolt file in the data dir.
	StoreBolt = "bolt"
	// StoreEtcd keeps the state in an etcd cluster.
	StoreEtcd = "etcd"
)

// DefaultEtcdPrefix is the namespace of berth's keys in etcd when
// EtcdConfig.Prefix is empty.
const DefaultEtcdPrefix = etcdstore.DefaultPrefix

// DefaultCompactInterval is how often a server on etcd compacts etcd's
// history, as kube-apiserver does.
const DefaultCompactInterval = 5 * time.Minute

// EtcdConfig says where a server on etcd keeps its state.
type EtcdConfig struct {
	// Endpoints are the client URLs of the cluster's members
	// ("http://10.0.0.1:2379", "unix:///run/etcd.sock"). Required.
	Endpoints []string
	// Prefix is the namespace of berth's keys; empty means
	// DefaultEtcdPrefix. It must end with "/", so that it cannot be
	// the start of another namespace.
	Prefix string
	// DialTimeout bounds connecting to the cluster at start; zero means
	// etcdstore.DefaultDialTimeout.
	DialTimeout time.Duration
	// CompactInterval is how often the server compacts etcd's history to
	// the revision it saw one interval earlier. Zero means
	// DefaultCompactInterval; a negative value turns compaction off (when
	// something else compacts, such as etcd's --auto-compaction-retention).
	CompactInterval time.Duration
}

// openedStore is a backend opened for a server.
type openedStore struct {
	store.Store
	// collectors are the backend's metrics, if it has any.
	collectors []prometheus.Collector
	// compactor is set when the server must compact the backend
	// periodically (etcd keeps its history until told otherwise).
	compactor store.Compactor
	// compactEvery is the period of that compaction.
	compactEvery time.Duration
	// describe names the backend in logs.
	describe []any
}

// checkStore validates the store settings of cfg (after withDefaults).
func checkStore(cfg Config) error {
	switch cfg.Store {
	case StoreBolt:
		return nil
	case StoreEtcd:
		if len(cfg.Etcd.Endpoints) == 0 {
			return errors.New("server: the etcd store needs at least one endpoint")
		}
		for _, e := range cfg.Etcd.Endpoints {
			if strings.TrimSpace(e) == "" {
				return fmt.Errorf("server: empty etcd endpoint in %q", strings.Join(cfg.Etcd.Endpoints, ","))
			}
		}
		if !strings.HasSuffix(cfg.Etcd.Prefix, "/") {
			return fmt.Errorf("server: etcd prefix %q must end with \"/\"", cfg.Etcd.Prefix)
		}
		return nil
	}
	return fmt.Errorf("server: unknown store %q (want %s or %s)", cfg.Store, StoreBolt, StoreEtcd)
}

// openStore opens the backend cfg.Store names.
func openStore(ctx context.Context, cfg Config) (*openedStore, error) {
	if err := checkStore(cfg); err != nil {
		return nil, err
	}
	if cfg.Store == StoreEtcd {
		st, err := etcdstore.Open(ctx, etcdstore.Options{
			Endpoints:   cfg.Etcd.Endpoints,
			Prefix:      cfg.Etcd.Prefix,
			DialTimeout: cfg.Etcd.DialTimeout,
		})
		if err != nil {
			return nil, fmt.Errorf("server: open store: %w", err)
		}
		o := &openedStore{Store: st,
			describe: []any{"store", StoreEtcd, "etcd_endpoints", strings.Join(cfg.Etcd.Endpoints, ","), "etcd_prefix", st.Prefix()}}
		if cfg.Etcd.CompactInterval > 0 {
			o.compactor, o.compactEvery = st, cfg.Etcd.CompactInterval
		}
		return o, nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("server: data dir: %w", err)
	}
	st, err := boltstore.Open(filepath.Join(cfg.DataDir, StoreFile), boltstore.Options{NoSync: cfg.NoSync})
	if err != nil {
		return nil, fmt.Errorf("server: open store in %s: %w", cfg.DataDir, err)
	}
	return &openedStore{Store: st, collectors: st.Collectors(), describe: []any{"store", StoreBolt, "data_dir", cfg.DataDir}}, nil
}
