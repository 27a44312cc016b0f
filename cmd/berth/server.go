package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/berth-io/berth/internal/credentials"
	"github.com/berth-io/berth/internal/gctune"
	"github.com/berth-io/berth/internal/server"
)

// serverFlags are the flags of `berth server` (and the control-plane half of `berth up`).
type serverFlags struct {
	listen, dataDir, region, accountID, credentialsFile string
	advertiseURL                                        string
	logLevel, logFormat                                 string
	storeFlags
}

// storeFlags choose where the server keeps its state.
type storeFlags struct {
	store, etcdEndpoints, etcdPrefix string
	etcdCompactInterval              time.Duration
}

func (f *serverFlags) register(s *settings) {
	s.String(&f.listen, "listen", server.DefaultListen, "address of the ECS API (host:port)", "BERTH_LISTEN")
	s.String(&f.dataDir, "data-dir", server.DefaultDataDir, "directory of the generated credentials and, with --store bolt, the state store", "BERTH_DATA_DIR")
	s.String(&f.region, "region", server.DefaultRegion, "region in ARNs and in the SigV4 scope", "BERTH_REGION")
	s.String(&f.accountID, "account-id", server.DefaultAccountID, "account id in ARNs", "BERTH_ACCOUNT_ID")
	s.String(&f.advertiseURL, "advertise-url", "", "URL agents are told to open their channel to (default: the URL they reached the API on)", "BERTH_ADVERTISE_URL")
	s.String(&f.credentialsFile, "credentials", "", "INI file of extra key pairs (aws_access_key_id/aws_secret_access_key per section)", "BERTH_CREDENTIALS_FILE")
	f.storeFlags.register(s)
	registerLogFlags(s, &f.logLevel, &f.logFormat)
}

func (f *storeFlags) register(s *settings) {
	s.String(&f.store, "store", server.StoreBolt, "where the state is kept: bolt (a file in the data dir) or etcd (an etcd cluster, see --etcd-endpoints)", "BERTH_STORE")
	s.String(&f.etcdEndpoints, "etcd-endpoints", "", "comma-separated client URLs of the etcd cluster, e.g. http://10.0.0.1:2379,http://10.0.0.2:2379 (with --store etcd)", "BERTH_ETCD_ENDPOINTS")
	s.String(&f.etcdPrefix, "etcd-prefix", server.DefaultEtcdPrefix, "namespace of berth's keys in etcd, ending with / (with --store etcd)", "BERTH_ETCD_PREFIX")
	s.Duration(&f.etcdCompactInterval, "etcd-compact-interval", server.DefaultCompactInterval, "how often to compact etcd's history to the revision of one interval before; 0 leaves compaction to etcd (with --store etcd)", "BERTH_ETCD_COMPACT_INTERVAL")
}

// apply checks the store flags and puts them into cfg.
func (f *storeFlags) apply(cfg *server.Config) error {
	switch f.store {
	case server.StoreBolt:
		if f.etcdEndpoints != "" {
			return errors.New("--etcd-endpoints is set but --store is bolt (add --store etcd to keep the state in etcd)")
		}
		cfg.Store = server.StoreBolt
		return nil
	case server.StoreEtcd:
	default:
		return fmt.Errorf("--store %q: want bolt or etcd", f.store)
	}
	endpoints, err := splitEndpoints(f.etcdEndpoints)
	if err != nil {
		return err
	}
	if !strings.HasSuffix(f.etcdPrefix, "/") {
		return fmt.Errorf("--etcd-prefix %q: must end with /", f.etcdPrefix)
	}
	interval := f.etcdCompactInterval
	switch {
	case interval < 0:
		return fmt.Errorf("--etcd-compact-interval %s: want a positive duration, or 0 for none", interval)
	case interval == 0:
		interval = -1 // server.EtcdConfig: negative is off, zero the default
	}
	cfg.Store = server.StoreEtcd
	cfg.Etcd = server.EtcdConfig{Endpoints: endpoints, Prefix: f.etcdPrefix, CompactInterval: interval}
	return nil
}

// splitEndpoints splits the comma-separated --etcd-endpoints.
func splitEndpoints(list string) ([]string, error) {
	if strings.TrimSpace(list) == "" {
		return nil, errors.New("--store etcd needs --etcd-endpoints (comma-separated client URLs, e.g. http://127.0.0.1:2379)")
	}
	var out []string
	for _, e := range strings.Split(list, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			return nil, fmt.Errorf("--etcd-endpoints %q: empty URL in the list", list)
		}
		out = append(out, e)
	}
	return out, nil
}

// describeStore says where the state of cfg is kept, for the start-up banner.
func describeStore(cfg server.Config) string {
	if cfg.Store == server.StoreEtcd {
		return fmt.Sprintf("etcd %s, prefix %s", strings.Join(cfg.Etcd.Endpoints, ","), cfg.Etcd.Prefix)
	}
	return filepath.Join(cfg.DataDir, server.StoreFile)
}

func registerLogFlags(s *settings, level, format *string) {
	s.String(level, "log-level", "info", "debug, info, warn or error", "BERTH_LOG_LEVEL")
	s.String(format, "log-format", "text", "text or json", "BERTH_LOG_FORMAT")
}

// serverSetup is what the flags resolve to: the server configuration, the
// key pairs and where the primary pair came from.
type serverSetup struct {
	cfg         server.Config
	creds       *credentials.Store
	primaryFrom string
}

// config turns the flags into a server configuration, loading (or
// generating and saving) the key pairs. The primary pair comes from
// BERTH_ACCESS_KEY_ID/BERTH_SECRET_ACCESS_KEY, else the config file's
// access-key-id/secret-access-key, else the data dir.
func (f *serverFlags) config(s *settings) (serverSetup, error) {
	logger, err := newLogger(f.logLevel, f.logFormat)
	if err != nil {
		return serverSetup{}, err
	}
	var cfg server.Config
	if err := f.storeFlags.apply(&cfg); err != nil {
		return serverSetup{}, err
	}
	if err := os.MkdirAll(f.dataDir, 0o700); err != nil {
		return serverSetup{}, fmt.Errorf("data dir: %w", err)
	}
	// Absolute, so that paths recorded under it (the agent's process
	// records of berth up) stay valid when berth is started elsewhere.
	dataDir, err := filepath.Abs(f.dataDir)
	if err != nil {
		return serverSetup{}, fmt.Errorf("data dir: %w", err)
	}
	id, secret, from := s.keyPair(credentials.EnvAccessKeyID, credentials.EnvSecretAccessKey)
	getenv := func(name string) string {
		switch name {
		case credentials.EnvAccessKeyID:
			return id
		case credentials.EnvSecretAccessKey:
			return secret
		}
		return s.getenv(name)
	}
	creds, err := credentials.Load(credentials.Options{DataDir: dataDir, File: f.credentialsFile, Getenv: getenv})
	if err != nil {
		return serverSetup{}, err
	}
	if from == "" {
		from = creds.Primary().Source
	}
	cfg.Listen = f.listen
	cfg.DataDir = dataDir
	cfg.Region = f.region
	cfg.AccountID = f.accountID
	cfg.AdvertiseURL = f.advertiseURL
	cfg.Credentials = creds
	cfg.Logger = logger
	return serverSetup{cfg: cfg, creds: creds, primaryFrom: from}, nil
}

// newServerSettings returns the settings of `berth server`.
func newServerSettings() (*settings, *serverFlags) {
	s := newSettings("berth server")
	var f serverFlags
	f.register(s)
	return s, &f
}

func runServer(ctx context.Context, args []string) error {
	s, f := newServerSettings()
	if err := s.parse(args); err != nil {
		return err
	}
	setup, err := f.config(s)
	if err != nil {
		return err
	}
	srv, err := server.Start(ctx, setup.cfg)
	if err != nil {
		return err
	}
	gctune.Start(ctx, os.Getenv) // after Start: loading the index sets its own
	fmt.Printf("berth server listening\n  endpoint:    %s\n  store:       %s\n  data dir:    %s\n  credentials: %s (from %s)\n",
		clientURL(srv.URL), describeStore(setup.cfg), setup.cfg.DataDir, setup.creds.Primary().AccessKeyID, setup.primaryFrom)
	<-ctx.Done()
	setup.cfg.Logger.Info("shutting down")
	return srv.Close()
}

func newLogger(level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}
