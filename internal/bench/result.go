package bench

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"time"

	"github.com/berth-io/berth/internal/buildinfo"
)

// ResultFormat names the layout of Result; compare refuses other files.
const ResultFormat = "berth-bench/1"

// Result is the outcome of one run, as --json writes it. Counts cover the
// measured calls only (not setup). A call is ok when the server answered
// 200, even with entries in failures[]; latencies are of ok calls.
type Result struct {
	Format      string `json:"format"`
	Label       string `json:"label,omitempty"`
	ToolVersion string `json:"tool_version"`

	Scenario        string `json:"scenario"`
	ScenarioSummary string `json:"scenario_summary"`
	Endpoint        string `json:"endpoint"`
	Region          string `json:"region"`
	Cluster         string `json:"cluster"`
	Clients         int    `json:"clients"`
	// Exactly one of the two limits is set.
	DurationLimitSeconds float64 `json:"duration_limit_s,omitempty"`
	RequestsLimit        int64   `json:"requests_limit,omitempty"`

	Setup SetupResult `json:"setup"`
	// LenientJSON is true when responses were rewritten for moto
	// (--lenient-json); the rewrite time is not in the latencies.
	LenientJSON bool `json:"lenient_json,omitempty"`

	StartedAt      time.Time `json:"started_at"`
	ElapsedSeconds float64   `json:"elapsed_s"`
	// Interrupted is true when the run was cut short (Ctrl-C).
	Interrupted bool `json:"interrupted,omitempty"`
	// Fleet is how --fleet's instances caught up with the tasks the run
	// placed; nil without --fleet.
	Fleet *FleetResult `json:"fleet,omitempty"`

	Calls          int64   `json:"calls"`
	OK             int64   `json:"ok"`
	Errors         int64   `json:"errors"`
	CallsPerSecond float64 `json:"calls_per_s"`
	OKPerSecond    float64 `json:"ok_per_s"`
	// TasksRequested is the count asked for by ok RunTask and StartTask
	// calls; TasksPlaced the tasks their responses returned.
	TasksRequested int64          `json:"tasks_requested"`
	TasksPlaced    int64          `json:"tasks_placed"`
	TasksPerSecond float64        `json:"tasks_per_s"`
	Latency        LatencySummary `json:"latency"`
	// Failures counts failures[].reason of ok responses (RESOURCE:MEMORY,
	// MISSING, ...); ErrorsByName the failed calls by ECS exception name
	// (ThrottlingException, ...) or Timeout, ConnectionError, Canceled,
	// OtherError. Both largest first.
	Failures     []Count           `json:"failures"`
	ErrorsByName []Count           `json:"errors_by_name"`
	Operations   []OperationResult `json:"operations"`

	Host HostInfo `json:"host"`
}

// SetupResult is what setup did before the measured calls.
type SetupResult struct {
	Skipped             bool    `json:"skipped,omitempty"` // --no-setup
	TaskDefinition      string  `json:"task_definition"`
	InstancesRegistered int     `json:"instances_registered"`
	EC2InstancesCreated int     `json:"ec2_instances_created,omitempty"` // --ec2-instances
	Instances           int     `json:"instances"`                       // used by StartTask
	TasksStarted        int     `json:"tasks_started"`
	Seconds             float64 `json:"seconds"`
	// Fleet counts the simulated instances --fleet ran in the tool's own
	// process (agents with their agent channel up) instead of registering
	// instances; 0 without --fleet.
	Fleet int `json:"fleet,omitempty"`
}

// OperationResult is the tally of one ECS operation in a run.
type OperationResult struct {
	Name           string         `json:"name"`
	Calls          int64          `json:"calls"`
	OK             int64          `json:"ok"`
	Errors         int64          `json:"errors"`
	CallsPerSecond float64        `json:"calls_per_s"`
	TasksRequested int64          `json:"tasks_requested"`
	TasksPlaced    int64          `json:"tasks_placed"`
	Failures       int64          `json:"failures"`
	Items          int64          `json:"items"` // tasks or task ARNs returned
	Latency        LatencySummary `json:"latency"`
}

// HostInfo describes the machine the tool ran on.
type HostInfo struct {
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	CPUs      int    `json:"cpus"`
	GoVersion string `json:"go_version"`
}

// perSecond is n/secs rounded to one decimal; 0 when secs is 0.
func perSecond(n int64, secs float64) float64 {
	if secs <= 0 {
		return 0
	}
	return math.Round(float64(n)/secs*10) / 10
}

// buildResult assembles the result of a run from its tally.
func buildResult(opts options, sc scenario, setup SetupResult, started time.Time, col *collector, elapsed time.Duration, interrupted bool) *Result {
	secs := elapsed.Seconds()
	r := &Result{
		Format:          ResultFormat,
		Label:           opts.label,
		ToolVersion:     buildinfo.Version,
		Scenario:        opts.scenario,
		ScenarioSummary: sc.summary,
		Endpoint:        opts.endpoint,
		Region:          opts.region,
		Cluster:         opts.cluster,
		Clients:         opts.clients,
		RequestsLimit:   opts.requests,
		Setup:           setup,
		LenientJSON:     opts.lenientJSON,
		StartedAt:       started.UTC().Round(time.Millisecond),
		ElapsedSeconds:  math.Round(secs*1000) / 1000,
		Interrupted:     interrupted,
		Operations:      []OperationResult{},
		Host:            HostInfo{OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(), GoVersion: runtime.Version()},
	}
	if opts.requests == 0 {
		r.DurationLimitSeconds = opts.duration.Seconds()
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	all := col.all
	r.Calls, r.OK, r.Errors = all.calls, all.ok, all.errors
	r.CallsPerSecond, r.OKPerSecond = perSecond(all.calls, secs), perSecond(all.ok, secs)
	r.TasksRequested, r.TasksPlaced = all.requested, all.placed
	r.TasksPerSecond = perSecond(all.placed, secs)
	r.Latency = summarize(all.hist)
	r.Failures = sortedCounts(col.failures)
	r.ErrorsByName = sortedCounts(col.errors)
	for i := range r.ErrorsByName {
		r.ErrorsByName[i].Example = col.samples[r.ErrorsByName[i].Name]
	}
	for name, t := range col.ops {
		r.Operations = append(r.Operations, OperationResult{
			Name: name, Calls: t.calls, OK: t.ok, Errors: t.errors,
			CallsPerSecond: perSecond(t.calls, secs),
			TasksRequested: t.requested, TasksPlaced: t.placed,
			Failures: t.failureCount, Items: t.items,
			Latency: summarize(t.hist),
		})
	}
	sort.Slice(r.Operations, func(i, j int) bool { return r.Operations[i].Name < r.Operations[j].Name })
	return r
}

// writeResult writes r as indented JSON to path.
func writeResult(path string, r *Result) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// readResult reads a result file written by --json.
func readResult(path string) (*Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: not a result file: %w", path, err)
	}
	if r.Format != ResultFormat {
		return nil, fmt.Errorf("%s: format %q, want %q (a file written by berth bench --json)", path, r.Format, ResultFormat)
	}
	return &r, nil
}
