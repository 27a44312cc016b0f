package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/berth-io/berth/internal/agent"
	"github.com/berth-io/berth/internal/agent/runtime/docker"
	"github.com/berth-io/berth/internal/credentials"
	"github.com/berth-io/berth/internal/server"
)

// runUp starts the control plane and one local agent in one process: the
// embedded default and the README's first command.
func runUp(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("berth up", flag.ContinueOnError)
	var f serverFlags
	f.register(fs)
	runtimeName := fs.String("runtime", envOr("BERTH_RUNTIME", ""), "how the local agent runs tasks: docker or process (default: docker when a Docker daemon answers, else process) [BERTH_RUNTIME]")
	zone := fs.String("availability-zone", "local", "ecs.availability-zone of the local agent")
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
	rt := *runtimeName
	if rt == "" {
		rt = detectRuntime(ctx)
	}
	primary := creds.Primary()
	a, err := agent.New(agent.Config{
		Endpoint:         srv.URL,
		Region:           cfg.Region,
		AccessKeyID:      primary.AccessKeyID,
		SecretAccessKey:  primary.SecretAccessKey,
		Cluster:          "default",
		Runtime:          rt,
		AvailabilityZone: *zone,
		StateDir:         filepath.Join(cfg.DataDir, "agent"),
		Logger:           cfg.Logger,
	})
	if err != nil {
		_ = srv.Close()
		return err
	}
	printWelcome(os.Stdout, srv.URL, cfg, primary, rt)

	agentCtx, stopAgent := context.WithCancel(context.WithoutCancel(ctx))
	agentDone := make(chan error, 1)
	go func() { agentDone <- a.Run(agentCtx) }()

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-agentDone:
		agentDone = nil
	}
	cfg.Logger.Info("shutting down")
	stopAgent()
	if agentDone != nil {
		runErr = <-agentDone
	}
	if errors.Is(runErr, context.Canceled) {
		runErr = nil
	}
	return errors.Join(runErr, srv.Close())
}

// detectRuntime picks docker when a daemon answers within a second, else process.
func detectRuntime(ctx context.Context) string {
	rt, err := docker.New(docker.Options{})
	if err != nil {
		return agent.RuntimeProcess
	}
	defer rt.Close()
	pingCtx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if rt.Ping(pingCtx) != nil {
		return agent.RuntimeProcess
	}
	return agent.RuntimeDocker
}

// printWelcome tells a newcomer where everything is and what to type next.
func printWelcome(w io.Writer, endpoint string, cfg server.Config, p credentials.Pair, rt string) {
	fmt.Fprintf(w, `berth is up
  endpoint:    %s
  region:      %s
  data dir:    %s
  runtime:     %s (one local agent in cluster "default")
  credentials: %s   (run "berth env --data-dir %s" for export lines and an ~/.aws/config profile)

Try it with the aws CLI:

  export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_DEFAULT_REGION=%s
  aws --endpoint-url %s ecs register-task-definition --family sleep360 --container-definitions '[{"name":"sleep","image":"busybox","cpu":10,"memory":10,"command":["sleep","360"],"essential":true}]'
  aws --endpoint-url %s ecs run-task --cluster default --task-definition sleep360:1

Ctrl-C stops berth.
`, endpoint, cfg.Region, cfg.DataDir, rt, p.AccessKeyID, cfg.DataDir, p.AccessKeyID, p.SecretAccessKey, cfg.Region, endpoint, endpoint)
}

// runEnv prints the credentials of a data dir as export lines and as an
// ~/.aws/config profile.
func runEnv(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("berth env", flag.ContinueOnError)
	dataDir := fs.String("data-dir", envOr("BERTH_DATA_DIR", server.DefaultDataDir), "the data dir of the server [BERTH_DATA_DIR]")
	listen := fs.String("listen", defaultListen(), "the server's address [BERTH_LISTEN]")
	region := fs.String("region", envOr("BERTH_REGION", server.DefaultRegion), "region [BERTH_REGION]")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(*dataDir, credentials.FileName)); err != nil && os.Getenv(credentials.EnvAccessKeyID) == "" {
		return fmt.Errorf("no credentials in %s: start berth there first (berth up --data-dir %s)", *dataDir, *dataDir)
	}
	creds, err := credentials.Load(credentials.Options{DataDir: *dataDir})
	if err != nil {
		return err
	}
	p := creds.Primary()
	endpoint := "http://" + *listen
	fmt.Printf(`export BERTH_ENDPOINT=%[1]s
export AWS_ENDPOINT_URL_ECS=%[1]s
export AWS_ACCESS_KEY_ID=%[2]s
export AWS_SECRET_ACCESS_KEY=%[3]s
export AWS_DEFAULT_REGION=%[4]s

# Or, as a profile: add to ~/.aws/config and use --profile berth (or AWS_PROFILE=berth)
# [profile berth]
# region = %[4]s
# endpoint_url = %[1]s
# aws_access_key_id = %[2]s
# aws_secret_access_key = %[3]s
`, endpoint, p.AccessKeyID, p.SecretAccessKey, *region)
	return nil
}
