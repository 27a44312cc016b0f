package bench

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/berth-io/berth/internal/clientconfig"
)

// Defaults of the run flags.
const (
	defaultScenario  = "runtask"
	defaultClients   = 16
	defaultDuration  = 10 * time.Second
	defaultCluster   = "berth-bench"
	defaultInstances = 10
	defaultTimeout   = 30 * time.Second
)

// options is a parsed and validated command line of a run.
type options struct {
	endpoint  string
	region    string
	scenario  string
	clients   int
	duration  time.Duration // 0 when the run is bounded by requests
	requests  int64         // 0 when the run is bounded by duration
	cluster   string
	instances int // container instances setup registers (or runs, with --fleet); 0 with --no-setup
	noSetup   bool
	// fleet: run --instances simulated instances in this process (an
	// agent.Fleet against --endpoint-url) instead of registering them.
	fleet bool
	// ec2Instances: create the EC2 instances the container instances
	// claim to be, for emulators that check (moto).
	ec2Instances bool
	// lenientJSON: rewrite the numbers moto sends where ECS has strings.
	lenientJSON bool
	taskDef     string // existing task definition to run; "" registers berth-bench
	jsonPath    string
	label       string
	quiet       bool
	timeout     time.Duration

	// accessKeyID and secretAccessKey come from BERTH_ACCESS_KEY_ID and
	// BERTH_SECRET_ACCESS_KEY, read to refuse half a pair before any
	// request; clientconfig.Resolve signs with them when both are set,
	// and with the AWS default chain when both are empty.
	accessKeyID     string
	secretAccessKey string
}

// usageError is a command line the tool cannot run: exit code 2, no
// request made.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// newRunFlags declares the run flags on a new set that writes its usage
// to out.
func newRunFlags(o *options, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("berth bench", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.endpoint, "endpoint-url", "", "ECS endpoint, e.g. http://127.0.0.1:8080 (default: the SDK's endpoint for the region)")
	fs.StringVar(&o.region, "region", "", "region to sign for (default: AWS_REGION or the profile, else us-east-1)")
	fs.StringVar(&o.scenario, "scenario", defaultScenario, "what each call does: "+strings.Join(scenarioNames(), ", "))
	fs.IntVar(&o.clients, "clients", defaultClients, "concurrent clients, each with one call in flight")
	fs.DurationVar(&o.duration, "duration", 0, "how long to send calls (default 10s unless --requests is given)")
	fs.Int64Var(&o.requests, "requests", 0, "total calls to make across all clients (instead of --duration)")
	fs.StringVar(&o.cluster, "cluster", defaultCluster, "cluster to create (or use, with --no-setup)")
	fs.IntVar(&o.instances, "instances", defaultInstances, "container instances setup registers with RegisterContainerInstance (with --fleet: simulated instances it runs)")
	fs.BoolVar(&o.fleet, "fleet", false, "run the instances as a berth fleet of simulated agents in this process, which connect the agent channel and run the tasks placed on them (berth only)")
	fs.BoolVar(&o.noSetup, "no-setup", false, "use the cluster and the instances already there (e.g. from berth fleet)")
	fs.BoolVar(&o.ec2Instances, "ec2-instances", false, "create the instances' EC2 instances first with EC2 RunInstances at --endpoint-url (moto needs this)")
	fs.BoolVar(&o.lenientJSON, "lenient-json", false, "accept container cpu/memory sent as numbers instead of strings (moto needs this); the rewrite time is not counted")
	fs.StringVar(&o.taskDef, "task-definition", "", "run this task definition instead of registering "+taskFamily)
	fs.StringVar(&o.jsonPath, "json", "", "write the machine-readable result to this file")
	fs.StringVar(&o.label, "label", "", "name of the system under test, shown by compare (e.g. berth, moto)")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress lines on stderr")
	fs.DurationVar(&o.timeout, "timeout", defaultTimeout, "limit of one call, after which it counts as a Timeout error")
	fs.Usage = func() {
		fmt.Fprintf(out, "usage: berth bench [flags]\n       berth bench compare RESULT.json RESULT.json...\n\nflags:\n")
		fs.PrintDefaults()
	}
	return fs
}

// parseOptions parses the run flags in args and checks them; getenv reads
// the credential variables. A *usageError (or flag.ErrHelp) means no
// request should be made.
func parseOptions(args []string, getenv func(string) string, out io.Writer) (options, error) {
	var o options
	fs := newRunFlags(&o, out)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, &usageError{msg: err.Error()}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if fs.NArg() > 0 {
		return o, usagef("unexpected argument %q", fs.Arg(0))
	}
	if err := o.check(set); err != nil {
		return o, err
	}
	if o.noSetup {
		o.instances = 0
	}
	if !set["duration"] && !set["requests"] {
		o.duration = defaultDuration
	}
	o.accessKeyID = getenv(clientconfig.EnvAccessKeyID)
	o.secretAccessKey = getenv(clientconfig.EnvSecretAccessKey)
	switch {
	case o.accessKeyID != "" && o.secretAccessKey == "":
		return o, usagef("%s is set but %s is not", clientconfig.EnvAccessKeyID, clientconfig.EnvSecretAccessKey)
	case o.accessKeyID == "" && o.secretAccessKey != "":
		return o, usagef("%s is set but %s is not", clientconfig.EnvSecretAccessKey, clientconfig.EnvAccessKeyID)
	}
	return o, nil
}

// check validates the flag values; set names the flags given explicitly.
func (o *options) check(set map[string]bool) error {
	if _, ok := scenarios[o.scenario]; !ok {
		return usagef("unknown scenario %q (want one of %s)", o.scenario, strings.Join(scenarioNames(), ", "))
	}
	if o.clients < 1 {
		return usagef("--clients must be at least 1, got %d", o.clients)
	}
	if set["duration"] && set["requests"] {
		return usagef("--duration and --requests cannot be used together")
	}
	if set["duration"] && o.duration <= 0 {
		return usagef("--duration must be positive, got %s", o.duration)
	}
	if set["requests"] && o.requests < 1 {
		return usagef("--requests must be at least 1, got %d", o.requests)
	}
	if o.noSetup && set["instances"] {
		return usagef("--instances registers instances during setup and cannot be used with --no-setup")
	}
	if o.ec2Instances && o.noSetup {
		return usagef("--ec2-instances creates instances during setup and cannot be used with --no-setup")
	}
	if o.fleet && o.noSetup {
		return usagef("--fleet starts its instances during setup and cannot be used with --no-setup")
	}
	if o.fleet && o.ec2Instances {
		return usagef("--fleet and --ec2-instances cannot be used together: the fleet's agents register their own instances")
	}
	if o.fleet && o.endpoint == "" {
		return usagef("--fleet needs --endpoint-url: its agents connect to a berth server")
	}
	if o.ec2Instances && o.endpoint == "" {
		return usagef("--ec2-instances needs --endpoint-url: it is meant for emulators, not for AWS")
	}
	if !o.noSetup && o.instances < 1 {
		return usagef("--instances must be at least 1 (or use --no-setup), got %d", o.instances)
	}
	if o.cluster == "" {
		return usagef("--cluster must not be empty")
	}
	if o.timeout <= 0 {
		return usagef("--timeout must be positive, got %s", o.timeout)
	}
	if o.endpoint != "" {
		u, err := url.Parse(o.endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usagef("--endpoint-url %q is not an http:// or https:// URL", o.endpoint)
		}
	}
	return nil
}

// bound describes what ends the run, for reports: "30 requests" or "10s".
func (o options) bound() string {
	if o.requests > 0 {
		return fmt.Sprintf("%d requests", o.requests)
	}
	return o.duration.String()
}
