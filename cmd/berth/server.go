package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/berth-io/berth/internal/credentials"
	"github.com/berth-io/berth/internal/server"
)

// serverFlags are the flags of `berth server` (and the control-plane half of `berth up`).
type serverFlags struct {
	listen, dataDir, region, accountID, credentialsFile string
	advertiseURL                                        string
	logLevel, logFormat                                 string
}

func (f *serverFlags) register(s *settings) {
	s.String(&f.listen, "listen", server.DefaultListen, "address of the ECS API (host:port)", "BERTH_LISTEN")
	s.String(&f.dataDir, "data-dir", server.DefaultDataDir, "directory of the state store and the generated credentials", "BERTH_DATA_DIR")
	s.String(&f.region, "region", server.DefaultRegion, "region in ARNs and in the SigV4 scope", "BERTH_REGION")
	s.String(&f.accountID, "account-id", server.DefaultAccountID, "account id in ARNs", "BERTH_ACCOUNT_ID")
	s.String(&f.advertiseURL, "advertise-url", "", "URL agents are told to open their channel to (default: the URL they reached the API on)", "BERTH_ADVERTISE_URL")
	s.String(&f.credentialsFile, "credentials", "", "INI file of extra key pairs (aws_access_key_id/aws_secret_access_key per section)", "BERTH_CREDENTIALS_FILE")
	registerLogFlags(s, &f.logLevel, &f.logFormat)
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
	return serverSetup{
		cfg: server.Config{
			Listen:       f.listen,
			DataDir:      dataDir,
			Region:       f.region,
			AccountID:    f.accountID,
			AdvertiseURL: f.advertiseURL,
			Credentials:  creds,
			Logger:       logger,
		},
		creds:       creds,
		primaryFrom: from,
	}, nil
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
	fmt.Printf("berth server listening\n  endpoint:    %s\n  data dir:    %s\n  credentials: %s (from %s)\n",
		clientURL(srv.URL), setup.cfg.DataDir, setup.creds.Primary().AccessKeyID, setup.primaryFrom)
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
