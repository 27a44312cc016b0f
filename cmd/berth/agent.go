package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/berth-io/berth/internal/agent"
)

// agentFlags are the flags `berth agent` and `berth fleet` share.
type agentFlags struct {
	endpoint, region, cluster, runtime, dockerHost string
	zone, capacityProvider, stateDir               string
	cpu, memory                                    int
	stopTimeout                                    time.Duration
	attributes                                     multiFlag
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func (f *agentFlags) register(fs *flag.FlagSet, defaultStateDir string) {
	fs.StringVar(&f.endpoint, "endpoint", envOr("BERTH_ENDPOINT", "http://"+defaultListen()), "the berth server's ECS API URL [BERTH_ENDPOINT]")
	fs.StringVar(&f.region, "region", envOr("AWS_REGION", envOr("AWS_DEFAULT_REGION", "us-east-1")), "region to sign with [AWS_REGION]")
	fs.StringVar(&f.cluster, "cluster", "default", "cluster to join (name or ARN)")
	fs.StringVar(&f.runtime, "runtime", "docker", "how tasks run: docker, process or sim")
	fs.StringVar(&f.dockerHost, "docker-host", os.Getenv("DOCKER_HOST"), "Docker daemon address for the docker runtime [DOCKER_HOST]")
	fs.StringVar(&f.zone, "availability-zone", "", "value of the ecs.availability-zone attribute")
	fs.StringVar(&f.capacityProvider, "capacity-provider", "", "capacity provider this instance serves")
	fs.StringVar(&f.stateDir, "state-dir", envOr("BERTH_AGENT_STATE_DIR", defaultStateDir), "where the agent keeps its container instance ARN and runtime records")
	fs.IntVar(&f.cpu, "cpu", 0, "CPU units to register (default: cores × 1024)")
	fs.IntVar(&f.memory, "memory", 0, "MiB of memory to register (default: the machine's)")
	fs.DurationVar(&f.stopTimeout, "stop-timeout", 30*time.Second, "grace period between SIGTERM and SIGKILL when a task stops")
	fs.Var(&f.attributes, "attribute", "custom attribute NAME or NAME=VALUE (repeatable, at most 10)")
}

// config builds the agent configuration, with credentials from the same
// environment variables the CLI reads.
func (f *agentFlags) config() (agent.Config, error) {
	key, secret, token := clientCredentials()
	if key == "" || secret == "" {
		return agent.Config{}, fmt.Errorf("no credentials: set BERTH_ACCESS_KEY_ID and BERTH_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
	}
	logger, err := newLogger(envOr("BERTH_LOG_LEVEL", "info"), envOr("BERTH_LOG_FORMAT", "text"))
	if err != nil {
		return agent.Config{}, err
	}
	return agent.Config{
		Endpoint:         f.endpoint,
		Region:           f.region,
		AccessKeyID:      key,
		SecretAccessKey:  secret,
		SessionToken:     token,
		Cluster:          f.cluster,
		Runtime:          f.runtime,
		DockerHost:       f.dockerHost,
		Attributes:       f.attributes,
		AvailabilityZone: f.zone,
		CapacityProvider: f.capacityProvider,
		StateDir:         f.stateDir,
		CPU:              int32(f.cpu),
		MemoryMiB:        int32(f.memory),
		StopTimeout:      f.stopTimeout,
		Logger:           logger,
	}, nil
}

// clientCredentials reads the key pair clients use: BERTH_* first, then AWS_*.
func clientCredentials() (key, secret, token string) {
	if k, s := os.Getenv("BERTH_ACCESS_KEY_ID"), os.Getenv("BERTH_SECRET_ACCESS_KEY"); k != "" && s != "" {
		return k, s, ""
	}
	return os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN")
}

func defaultListen() string { return envOr("BERTH_LISTEN", "127.0.0.1:4510") }

func runAgent(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("berth agent", flag.ContinueOnError)
	var f agentFlags
	f.register(fs, "berth-agent")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := f.config()
	if err != nil {
		return err
	}
	a, err := agent.New(cfg)
	if err != nil {
		return err
	}
	return a.Run(ctx)
}

func runFleet(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("berth fleet", flag.ContinueOnError)
	var f agentFlags
	f.register(fs, "berth-fleet")
	instances := fs.Int("instances", 10, "how many simulated container instances to run")
	zones := fs.String("zones", "", "comma-separated availability zones assigned round-robin (e.g. a,b,c)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if f.cpu == 0 {
		f.cpu = 4096
	}
	if f.memory == 0 {
		f.memory = 16384
	}
	f.runtime = "sim"
	base, err := f.config()
	if err != nil {
		return err
	}
	var zoneList []string
	if *zones != "" {
		zoneList = strings.Split(*zones, ",")
	}
	fleet, err := agent.NewFleet(agent.FleetConfig{Agents: *instances, Zones: zoneList, Base: base})
	if err != nil {
		return err
	}
	return fleet.Run(ctx)
}
