package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/berth-io/berth/internal/agent"
	"github.com/berth-io/berth/internal/agent/runtime/docker"
	"github.com/berth-io/berth/internal/gctune"
	"github.com/berth-io/berth/internal/server"
)

// upFlags are the flags of `berth up`: the server's, and the local agent's.
type upFlags struct {
	serverFlags
	runtime, zone string
	keepTasks     bool
}

// localCluster is the cluster the local agent of `berth up` joins.
const localCluster = "default"

// newUpSettings returns the settings of `berth up`.
func newUpSettings() (*settings, *upFlags) {
	s := newSettings("berth up")
	var f upFlags
	f.serverFlags.register(s)
	s.String(&f.runtime, "runtime", "", "how the local agent runs tasks: docker or process (default: docker when a Docker daemon answers, else process)", "BERTH_RUNTIME")
	s.String(&f.zone, "availability-zone", "local", "ecs.availability-zone of the local agent")
	s.Bool(&f.keepTasks, "keep-tasks", false, "on Ctrl-C leave the local agent's tasks running (the next berth up on this data dir adopts them) instead of stopping them", "BERTH_KEEP_TASKS")
	return s, &f
}

// runUp starts the control plane and one local agent in one process: the
// embedded default and the README's first command. On Ctrl-C it stops the
// local agent's tasks (unless --keep-tasks), then the agent, then the
// server and its store.
func runUp(ctx context.Context, args []string) error {
	s, f := newUpSettings()
	if err := s.parse(args); err != nil {
		return err
	}
	setup, err := f.config(s)
	if err != nil {
		return err
	}
	cfg := setup.cfg
	srv, err := server.Start(ctx, cfg)
	if err != nil {
		return err
	}
	gctune.Start(ctx, os.Getenv) // after Start: loading the index sets its own
	endpoint := clientURL(srv.URL)
	rt := f.runtime
	if rt == "" {
		rt = detectRuntime(ctx)
	}
	primary := setup.creds.Primary()
	a, err := agent.New(agent.Config{
		Endpoint:         endpoint,
		Region:           cfg.Region,
		AccessKeyID:      primary.AccessKeyID,
		SecretAccessKey:  primary.SecretAccessKey,
		Cluster:          localCluster,
		Runtime:          rt,
		AvailabilityZone: f.zone,
		StateDir:         filepath.Join(cfg.DataDir, "agent"),
		Logger:           cfg.Logger,
	})
	if err != nil {
		_ = srv.Close()
		return err
	}
	printWelcome(os.Stdout, welcome{
		endpoint:    endpoint,
		region:      cfg.Region,
		dataDir:     cfg.DataDir,
		etcdStore:   etcdStoreOf(cfg),
		runtime:     rt,
		keyID:       primary.AccessKeyID,
		secret:      primary.SecretAccessKey,
		keyFrom:     setup.primaryFrom,
		keepTasks:   f.keepTasks,
		self:        selfCommand(),
		configFile:  configPath(s),
		defaultAddr: f.listen == server.DefaultListen,
	})

	agentCtx, stopAgent := context.WithCancel(context.WithoutCancel(ctx))
	defer stopAgent()
	agentDone := make(chan error, 1)
	go func() { agentDone <- a.Run(agentCtx) }()

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-agentDone:
		agentDone = nil
	}
	if agentDone != nil && !f.keepTasks {
		if err := stopLocalTasks(os.Stderr, localTasks{
			endpoint: endpoint, region: cfg.Region, cluster: localCluster,
			instanceArn: a.ContainerInstanceArn(), keyID: primary.AccessKeyID, secret: primary.SecretAccessKey,
		}); err != nil {
			cfg.Logger.Warn("stopping the local tasks", "err", err)
		}
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

// welcome is what `berth up` tells a newcomer.
type welcome struct {
	endpoint, region, dataDir, runtime string
	keyID, secret, keyFrom             string
	keepTasks                          bool
	// etcdStore describes the etcd store the state is in; empty when it
	// is the data dir's berth.db.
	etcdStore string
	// self is how to run this binary again ("berth", "go run ./cmd/berth").
	self string
	// configFile is the config file berth up read, if any.
	configFile string
	// defaultAddr is set when the server listens on the default address,
	// which `berth env` assumes.
	defaultAddr bool
}

// printWelcome tells a newcomer where everything is and what to type next.
// The lines under "Try it" run verbatim in a POSIX shell.
func printWelcome(w io.Writer, m welcome) {
	runtimeNote := "tasks run as Docker containers"
	if m.runtime == agent.RuntimeProcess {
		runtimeNote = "tasks run as host processes; images are ignored"
	}
	envCmd := m.self + " env"
	if m.configFile != "" {
		envCmd += " --config " + shellQuote(m.configFile)
	}
	envCmd += " --data-dir " + shellQuote(m.dataDir)
	if !m.defaultAddr {
		envCmd += " --listen " + shellQuote(hostPort(m.endpoint))
	}
	if m.region != server.DefaultRegion {
		envCmd += " --region " + shellQuote(m.region)
	}
	stopNote := "Ctrl-C stops berth and the tasks it runs (start with --keep-tasks to leave them running)."
	if m.keepTasks {
		stopNote = "Ctrl-C stops berth; its tasks keep running (--keep-tasks) and the next berth up adopts them."
	}
	dataDirNote := "(berth.db, credentials, agent/)"
	if m.etcdStore != "" {
		dataDirNote = "(credentials, agent/)\n  store:       " + m.etcdStore
	}
	ep := shellQuote(m.endpoint)
	fmt.Fprintf(w, `berth is up
  endpoint:    %s
  region:      %s
  data dir:    %s %s
  runtime:     %s (one local agent in cluster %q; %s)
  credentials: %s (from %s)
               as export lines and an ~/.aws/config profile: %s

Try it with the aws CLI:

  export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_DEFAULT_REGION=%s
  aws --endpoint-url %s ecs register-task-definition --family sleep360 --container-definitions '[{"name":"sleep","image":"busybox","cpu":10,"memory":10,"command":["sleep","360"],"essential":true}]'
  aws --endpoint-url %s ecs run-task --cluster default --task-definition sleep360:1
  aws --endpoint-url %s ecs list-tasks --cluster default

%s
`, m.endpoint, m.region, m.dataDir, dataDirNote, m.runtime, localCluster, runtimeNote, m.keyID, m.keyFrom, envCmd,
		shellQuote(m.keyID), shellQuote(m.secret), shellQuote(m.region), ep, ep, ep, stopNote)
}

// hostPort returns the host:port of a URL.
func hostPort(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
		return u.Host
	}
	return rawURL
}

// etcdStoreOf describes cfg's store for the welcome when it is etcd.
func etcdStoreOf(cfg server.Config) string {
	if cfg.Store != server.StoreEtcd {
		return ""
	}
	return describeStore(cfg)
}
