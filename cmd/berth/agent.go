package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/berth-io/berth/internal/agent"
	"github.com/berth-io/berth/internal/clientconfig"
	"github.com/berth-io/berth/internal/server"
)

// Default state directories of `berth agent` and `berth fleet`.
const (
	defaultAgentStateDir = "berth-agent"
	defaultFleetStateDir = "berth-fleet"
)

// agentFlags are the flags `berth agent` and `berth fleet` share.
type agentFlags struct {
	endpoint, region, cluster, runtime, dockerHost string
	zone, capacityProvider, stateDir               string
	logLevel, logFormat                            string
	cpu, memory                                    int
	stopTimeout                                    time.Duration
	attributes                                     multiFlag
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func (f *agentFlags) register(s *settings, defaultStateDir string) {
	s.String(&f.endpoint, "endpoint", "http://"+server.DefaultListen, "the berth server's ECS API URL", "BERTH_ENDPOINT")
	s.String(&f.region, "region", server.DefaultRegion, "region to sign with", "AWS_REGION", "AWS_DEFAULT_REGION")
	s.String(&f.cluster, "cluster", "default", "cluster to join (name or ARN)")
	s.String(&f.runtime, "runtime", agent.RuntimeDocker, "how tasks run: docker, process or sim")
	s.String(&f.dockerHost, "docker-host", "", "Docker daemon address for the docker runtime", "DOCKER_HOST")
	s.String(&f.zone, "availability-zone", "", "value of the ecs.availability-zone attribute")
	s.String(&f.capacityProvider, "capacity-provider", "", "capacity provider this instance serves")
	s.String(&f.stateDir, "state-dir", defaultStateDir, "where the agent keeps its container instance ARN and runtime records", "BERTH_AGENT_STATE_DIR")
	s.Int(&f.cpu, "cpu", 0, "CPU units to register (default: cores × 1024)")
	s.Int(&f.memory, "memory", 0, "MiB of memory to register (default: the machine's)")
	s.Duration(&f.stopTimeout, "stop-timeout", 30*time.Second, "grace period between SIGTERM and SIGKILL when a task stops")
	s.Repeated(&f.attributes, "attribute", "custom attribute NAME or NAME=VALUE (repeatable, at most 10)")
	registerLogFlags(s, &f.logLevel, &f.logFormat)
}

// config builds the agent configuration, signing with agentKeyPair's pair.
func (f *agentFlags) config(s *settings) (agent.Config, error) {
	key, secret, token := agentKeyPair(s)
	if key == "" || secret == "" {
		return agent.Config{}, fmt.Errorf("no credentials: set BERTH_ACCESS_KEY_ID and BERTH_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or access-key-id and secret-access-key in the config file)")
	}
	logger, err := newLogger(f.logLevel, f.logFormat)
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

// agentKeyPair returns the pair an agent signs with, the one clients use
// (clientconfig.EnvCredentials: the BERTH_* pair, else the AWS_* pair, each
// with its session token), else the config file's
// access-key-id/secret-access-key.
func agentKeyPair(s *settings) (key, secret, token string) {
	if c, ok := clientconfig.EnvCredentials(s.getenv); ok {
		return c.AccessKeyID, c.SecretAccessKey, c.SessionToken
	}
	key, _, _ = s.file.value(keyAccessKeyID)
	secret, _, _ = s.file.value(keySecretAccessKey)
	return key, secret, ""
}

// newAgentSettings returns the settings of `berth agent` (name) with the
// given default state directory.
func newAgentSettings(name, defaultStateDir string) (*settings, *agentFlags) {
	s := newSettings(name)
	var f agentFlags
	f.register(s, defaultStateDir)
	return s, &f
}

func runAgent(ctx context.Context, args []string) error {
	s, f := newAgentSettings("berth agent", defaultAgentStateDir)
	if err := s.parse(args); err != nil {
		return err
	}
	cfg, err := f.config(s)
	if err != nil {
		return err
	}
	a, err := agent.New(cfg)
	if err != nil {
		return err
	}
	return a.Run(ctx)
}

// fleetFlags are `berth fleet`'s flags beyond the agent's.
type fleetFlags struct {
	agentFlags
	instances int
	zones     string
}

// newFleetSettings returns the settings of `berth fleet`.
func newFleetSettings() (*settings, *fleetFlags) {
	s := newSettings("berth fleet")
	var f fleetFlags
	f.register(s, defaultFleetStateDir)
	s.Int(&f.instances, "instances", 10, "how many simulated container instances to run")
	s.String(&f.zones, "zones", "", "comma-separated availability zones assigned round-robin (e.g. a,b,c)")
	return s, &f
}

func runFleet(ctx context.Context, args []string) error {
	s, f := newFleetSettings()
	if err := s.parse(args); err != nil {
		return err
	}
	if f.cpu == 0 {
		f.cpu = 4096
	}
	if f.memory == 0 {
		f.memory = 16384
	}
	f.runtime = agent.RuntimeSim
	base, err := f.config(s)
	if err != nil {
		return err
	}
	var zoneList []string
	if f.zones != "" {
		zoneList = strings.Split(f.zones, ",")
	}
	fleet, err := agent.NewFleet(agent.FleetConfig{Agents: f.instances, Zones: zoneList, Base: base})
	if err != nil {
		return err
	}
	return fleet.Run(ctx)
}
