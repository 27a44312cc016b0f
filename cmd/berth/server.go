package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/berth-io/berth/internal/credentials"
	"github.com/berth-io/berth/internal/server"
)

// serverFlags are the flags of `berth server` (and the control-plane half of `berth up`).
type serverFlags struct {
	listen, dataDir, region, accountID, credentialsFile string
	logLevel, logFormat                                 string
}

func (f *serverFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.listen, "listen", envOr("BERTH_LISTEN", server.DefaultListen), "address of the ECS API (host:port) [BERTH_LISTEN]")
	fs.StringVar(&f.dataDir, "data-dir", envOr("BERTH_DATA_DIR", server.DefaultDataDir), "directory of the state store and the generated credentials [BERTH_DATA_DIR]")
	fs.StringVar(&f.region, "region", envOr("BERTH_REGION", server.DefaultRegion), "region in ARNs and in the SigV4 scope [BERTH_REGION]")
	fs.StringVar(&f.accountID, "account-id", envOr("BERTH_ACCOUNT_ID", server.DefaultAccountID), "account id in ARNs [BERTH_ACCOUNT_ID]")
	fs.StringVar(&f.credentialsFile, "credentials", os.Getenv("BERTH_CREDENTIALS_FILE"), "INI file of extra key pairs (aws_access_key_id/aws_secret_access_key per section) [BERTH_CREDENTIALS_FILE]")
	fs.StringVar(&f.logLevel, "log-level", envOr("BERTH_LOG_LEVEL", "info"), "debug, info, warn or error [BERTH_LOG_LEVEL]")
	fs.StringVar(&f.logFormat, "log-format", envOr("BERTH_LOG_FORMAT", "text"), "text or json [BERTH_LOG_FORMAT]")
}

// config turns the flags into a server configuration, loading (or
// generating and saving) the key pairs.
func (f *serverFlags) config() (server.Config, *credentials.Store, error) {
	logger, err := newLogger(f.logLevel, f.logFormat)
	if err != nil {
		return server.Config{}, nil, err
	}
	if err := os.MkdirAll(f.dataDir, 0o700); err != nil {
		return server.Config{}, nil, fmt.Errorf("data dir: %w", err)
	}
	creds, err := credentials.Load(credentials.Options{DataDir: f.dataDir, File: f.credentialsFile})
	if err != nil {
		return server.Config{}, nil, err
	}
	return server.Config{
		Listen:      f.listen,
		DataDir:     f.dataDir,
		Region:      f.region,
		AccountID:   f.accountID,
		Credentials: creds,
		Logger:      logger,
	}, creds, nil
}

func runServer(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("berth server", flag.ContinueOnError)
	var f serverFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, creds, err := f.config()
	if err != nil {
		return err
	}
	srv, err := server.Start(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Printf("berth server listening\n  endpoint:    %s\n  data dir:    %s\n  credentials: %s\n", srv.URL, cfg.DataDir, creds.Primary())
	<-ctx.Done()
	cfg.Logger.Info("shutting down")
	return srv.Close()
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
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
