package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// resultOption changes a fixture result.
type resultOption func(*Result)

// fixtureResult is a 10 s runtask result with the given label; options
// change it further.
func fixtureResult(label string, opts ...resultOption) *Result {
	r := &Result{
		Format: ResultFormat, Label: label, Scenario: "runtask", Clients: 16,
		DurationLimitSeconds: 10, Calls: 20000, OK: 20000, OKPerSecond: 2000,
		TasksRequested: 20000, TasksPlaced: 20000, TasksPerSecond: 2000,
		Latency:      LatencySummary{Count: 20000, Min: 300, P50: 1200, P90: 2500, P99: 8000, Max: 45000},
		Failures:     []Count{},
		ErrorsByName: []Count{},
		Host:         HostInfo{OS: "linux", Arch: "amd64", CPUs: 2},
		Setup:        SetupResult{InstancesRegistered: 10, Instances: 10},
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

func withThroughput(okPerS, tasksPerS float64) resultOption {
	return func(r *Result) { r.OKPerSecond, r.TasksPerSecond = okPerS, tasksPerS }
}

func withLatency(p50, p90, p99, max int64) resultOption {
	return func(r *Result) { r.Latency.P50, r.Latency.P90, r.Latency.P99, r.Latency.Max = p50, p90, p99, max }
}

func withErrors(counts ...Count) resultOption {
	return func(r *Result) {
		r.ErrorsByName = counts
		r.Errors = sumCounts(counts)
	}
}

// withSetup sets how the result's instances came to be.
func withSetup(setup SetupResult) resultOption {
	return func(r *Result) { r.Setup = setup }
}

func withFailures(counts ...Count) resultOption {
	return func(r *Result) { r.Failures = counts }
}

func TestRenderCompare(t *testing.T) {
	tests := []struct {
		name    string
		paths   []string
		results []*Result
		want    string
	}{
		{
			name:  "a pair gets a ratio column",
			paths: []string{"berth.json", "moto.json"},
			results: []*Result{
				fixtureResult("berth", withSetup(SetupResult{Fleet: 1000, Instances: 1000})),
				fixtureResult("moto", withSetup(SetupResult{InstancesRegistered: 50, EC2InstancesCreated: 50, Instances: 50}), withThroughput(160, 160), withLatency(9000, 15000, 40000, 90000),
					withErrors(Count{Name: "ThrottlingException", Count: 12}, Count{Name: "Timeout", Count: 1}),
					withFailures(Count{Name: "RESOURCE:MEMORY", Count: 3})),
			},
			want: `|  | berth | moto | 2nd / 1st |
| --- | ---: | ---: | ---: |
| scenario | runtask | runtask |  |
| clients | 16 | 16 |  |
| run | 10s | 10s |  |
| instances | 1,000 (berth fleet) | 50 registered |  |
| calls | 20,000 | 20,000 |  |
| ok calls/s | 2,000 | 160 | 0.08× |
| tasks/s | 2,000 | 160 | 0.08× |
| tasks placed / requested | 20,000 / 20,000 | 20,000 / 20,000 |  |
| p50 | 1.20ms | 9.00ms | 7.50× |
| p90 | 2.50ms | 15.0ms | 6.00× |
| p99 | 8.00ms | 40.0ms | 5.00× |
| max | 45.0ms | 90.0ms |  |
| errors | 0 | 13 (ThrottlingException 12, Timeout 1) |  |
| failures | 0 | 3 (RESOURCE:MEMORY 3) |  |
| host | linux/amd64, 2 CPUs | linux/amd64, 2 CPUs |  |
`,
		},
		{
			name:  "three results: a ratio column for each after the first, file names for unlabelled ones, pipes escaped",
			paths: []string{"runs/a.json", "runs/b.json", "c.json"},
			results: []*Result{
				fixtureResult("", func(r *Result) { r.RequestsLimit, r.DurationLimitSeconds = 30000, 0 }),
				fixtureResult("x|y", withThroughput(0, 0), withLatency(0, 0, 0, 0)),
				fixtureResult("describe", withSetup(SetupResult{Skipped: true, Instances: 3}), func(r *Result) {
					r.Scenario, r.TasksRequested, r.TasksPlaced, r.TasksPerSecond = "describe", 0, 0, 0
				}),
			},
			want: `|  | a | x\|y | describe | 2nd / 1st | 3rd / 1st |
| --- | ---: | ---: | ---: | ---: | ---: |
| scenario | runtask | runtask | describe |  |  |
| clients | 16 | 16 | 16 |  |  |
| run | 30,000 requests | 10s | 10s |  |  |
| instances | 10 registered | 10 registered | 3 existing |  |  |
| calls | 20,000 | 20,000 | 20,000 |  |  |
| ok calls/s | 2,000 | 0.0 | 2,000 | 0.00× | 1.00× |
| tasks/s | 2,000 | 0.0 | 0.0 | 0.00× | 0.00× |
| tasks placed / requested | 20,000 / 20,000 | 20,000 / 20,000 | 0 / 0 |  |  |
| p50 | 1.20ms | - | 1.20ms | - | 1.00× |
| p90 | 2.50ms | - | 2.50ms | - | 1.00× |
| p99 | 8.00ms | - | 8.00ms | - | 1.00× |
| max | 45.0ms | - | 45.0ms |  |  |
| errors | 0 | 0 | 0 |  |  |
| failures | 0 | 0 | 0 |  |  |
| host | linux/amd64, 2 CPUs | linux/amd64, 2 CPUs | linux/amd64, 2 CPUs |  |  |
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderCompare(tt.paths, tt.results)
			if got != tt.want {
				t.Errorf("renderCompare() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestRatioOfZero checks that a ratio over a zero first value is "-".
func TestRatioOfZero(t *testing.T) {
	got := renderCompare([]string{"a", "b"}, []*Result{fixtureResult("a", withThroughput(0, 0)), fixtureResult("b")})
	if !strings.Contains(got, "| ok calls/s | 0.0 | 2,000 | - |") {
		t.Errorf("renderCompare() =\n%s\nwant the ok calls/s ratio to be -", got)
	}
}

// TestCompareFiles runs the compare subcommand on files written by
// writeResult.
func TestCompareFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	ra, rb := fixtureResult("berth"), fixtureResult("moto", withThroughput(100, 100))
	for path, r := range map[string]*Result{a: ra, b: rb} {
		if err := writeResult(path, r); err != nil {
			t.Fatal(err)
		}
	}
	notResult := filepath.Join(dir, "other.json")
	if err := os.WriteFile(notResult, []byte(`{"format":"something-else"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(broken, []byte(`{"format":`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{name: "two files", args: []string{a, b}, code: exitOK, stdout: renderCompare([]string{a, b}, []*Result{ra, rb})},
		{name: "missing file", args: []string{a, filepath.Join(dir, "nope.json")}, code: exitFailed, stderr: "nope.json: no such file"},
		{name: "another format", args: []string{a, notResult}, code: exitFailed, stderr: `format "something-else", want "berth-bench/1"`},
		{name: "not JSON", args: []string{broken, a}, code: exitFailed, stderr: "broken.json: not a result file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runCompare(tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("runCompare() = %d, want %d; stderr %q", code, tt.code, stderr.String())
			}
			if stdout.String() != tt.stdout {
				t.Errorf("stdout =\n%s\nwant\n%s", stdout.String(), tt.stdout)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.stderr)
			}
		})
	}
}
