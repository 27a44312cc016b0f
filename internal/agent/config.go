package agent

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// Runtime names Config.Runtime accepts.
const (
	RuntimeDocker  = "docker"
	RuntimeProcess = "process"
	RuntimeSim     = "sim"
)

// Config is what `berth agent` is configured with. Endpoint and the
// credentials are required; the rest has defaults.
type Config struct {
	// Endpoint is the berth server's ECS API URL, e.g.
	// http://127.0.0.1:8080. Required.
	Endpoint string
	// Region signs requests (default us-east-1).
	Region string
	// AccessKeyID and SecretAccessKey (and SessionToken, if any) are the
	// static credentials the agent signs with. Required.
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// Cluster is the cluster name or ARN to join (default "default").
	Cluster string
	// Runtime is RuntimeDocker (default), RuntimeProcess or RuntimeSim.
	Runtime string
	// DockerHost is the Docker daemon address for the docker runtime;
	// empty means DOCKER_HOST or the default socket.
	DockerHost string
	// Attributes are custom attributes, each "NAME" or "NAME=VALUE"; at
	// most 10.
	Attributes []string
	// AvailabilityZone becomes the ecs.availability-zone attribute.
	AvailabilityZone string
	// CapacityProvider is the capacity provider the instance belongs to.
	// RegisterContainerInstance has no member for it, so it is sent as the
	// attribute berth.capacity-provider.
	CapacityProvider string
	// StateDir keeps instance.json (the registered container instance ARN)
	// and the process runtime's records. Required.
	StateDir string
	// CPU overrides the registered CPU units (default cores × 1024).
	CPU int32
	// MemoryMiB overrides the registered memory (default MemTotal of
	// /proc/meminfo).
	MemoryMiB int32
	// StopTimeout is the default grace period between SIGTERM and SIGKILL
	// (30 s); a task definition's container stopTimeout overrides it.
	StopTimeout time.Duration
	// CleanupWait is how long a stopped task's containers are kept (1 h).
	CleanupWait time.Duration
	// HTTPClient carries the ECS API calls; nil means a client of its own.
	HTTPClient *http.Client
	// Logger; nil means slog.Default().
	Logger *slog.Logger
	// RuntimeInstance, when set, is used instead of opening Runtime by
	// name (tests, fleets).
	RuntimeInstance runtime.Runtime
}

// maxCustomAttributes is ECS's limit of custom attributes per resource.
const maxCustomAttributes = 10

// Attribute names and values as ECS allows them.
var (
	attributeName  = regexp.MustCompile(`^[A-Za-z0-9\-_/\\.]{1,128}$`)
	attributeValue = regexp.MustCompile(`^[A-Za-z0-9\-_.@/\\: ]{1,128}$`)
)

// withDefaults returns c with the defaults filled in.
func (c Config) withDefaults() Config {
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	if c.Cluster == "" {
		c.Cluster = "default"
	}
	if c.Runtime == "" {
		c.Runtime = RuntimeDocker
	}
	if c.StopTimeout <= 0 {
		c.StopTimeout = runtime.DefaultStopTimeout
	}
	if c.CleanupWait <= 0 {
		c.CleanupWait = time.Hour
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Validate reports the first problem with the configuration.
func (c Config) Validate() error {
	switch {
	case c.Endpoint == "":
		return errors.New("agent: the ECS endpoint is required")
	case c.AccessKeyID == "" || c.SecretAccessKey == "":
		return errors.New("agent: an access key id and secret access key are required")
	case c.StateDir == "":
		return errors.New("agent: a state directory is required")
	case c.CPU < 0 || c.MemoryMiB < 0:
		return errors.New("agent: cpu and memory overrides must not be negative")
	}
	switch c.Runtime {
	case "", RuntimeDocker, RuntimeProcess, RuntimeSim:
	default:
		return fmt.Errorf("agent: unknown runtime %q (want docker, process or sim)", c.Runtime)
	}
	if _, err := parseAttributes(c.Attributes); err != nil {
		return err
	}
	for name, v := range map[string]string{"availability zone": c.AvailabilityZone, "capacity provider": c.CapacityProvider} {
		if v != "" && !validValue(v) {
			return fmt.Errorf("agent: %s %q is not a valid attribute value", name, v)
		}
	}
	return nil
}

// attribute is one name/value pair to register; Value may be empty.
type attribute struct {
	Name, Value string
}

// parseAttributes parses "NAME" and "NAME=VALUE" items, checking ECS's
// character sets and lengths, the limit of 10 and duplicate names.
func parseAttributes(items []string) ([]attribute, error) {
	if len(items) > maxCustomAttributes {
		return nil, fmt.Errorf("agent: %d custom attributes given; ECS allows at most %d", len(items), maxCustomAttributes)
	}
	seen := make(map[string]bool, len(items))
	out := make([]attribute, 0, len(items))
	for _, item := range items {
		name, value, hasValue := strings.Cut(item, "=")
		if !attributeName.MatchString(name) {
			return nil, fmt.Errorf("agent: attribute name %q must be 1-128 letters, digits, '-', '_', '/', '\\' or '.'", name)
		}
		if hasValue && !validValue(value) {
			return nil, fmt.Errorf("agent: attribute %s: value %q must be 1-128 letters, digits, spaces or '-_.@/\\:' without leading or trailing spaces", name, value)
		}
		if seen[name] {
			return nil, fmt.Errorf("agent: attribute %s is given twice", name)
		}
		seen[name] = true
		out = append(out, attribute{Name: name, Value: value})
	}
	return out, nil
}

func validValue(v string) bool {
	return attributeValue.MatchString(v) && strings.TrimSpace(v) == v
}
