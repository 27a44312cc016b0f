package bench

import (
	"fmt"
	"io"
	"strings"
)

// writeReport prints r for people: what ran, throughput, latency, and what
// went wrong.
func writeReport(w io.Writer, r *Result) {
	target := r.Endpoint
	if target == "" {
		target = "the SDK's endpoint for " + r.Region
	}
	label := ""
	if r.Label != "" {
		label = fmt.Sprintf(" [%s]", r.Label)
	}
	limit := fmt.Sprintf("%d requests", r.RequestsLimit)
	if r.RequestsLimit == 0 {
		limit = fmt.Sprintf("%gs", r.DurationLimitSeconds)
	}
	fmt.Fprintf(w, "berth bench%s: %s (%s) against %s, %d clients, %s\n",
		label, r.Scenario, r.ScenarioSummary, target, r.Clients, limit)
	if r.LenientJSON {
		fmt.Fprintln(w, "  --lenient-json: container cpu/memory numbers rewritten to strings; rewrite time excluded")
	}
	if r.Interrupted {
		fmt.Fprintln(w, "  interrupted: the figures cover the calls made before the interruption")
	}
	if r.Setup.Fleet > 0 {
		fmt.Fprintf(w, "  instances %s simulated instances (berth fleet)%s\n", formatInt(int64(r.Setup.Fleet)), fleetOutcome(r.Fleet))
	}
	fmt.Fprintf(w, "  calls     %s in %.2fs: %s calls/s, %s ok/s\n",
		formatInt(r.Calls), r.ElapsedSeconds, formatRate(r.CallsPerSecond), formatRate(r.OKPerSecond))
	if r.TasksRequested > 0 {
		fmt.Fprintf(w, "  tasks     %s placed of %s requested: %s tasks/s\n",
			formatInt(r.TasksPlaced), formatInt(r.TasksRequested), formatRate(r.TasksPerSecond))
	}
	l := r.Latency
	fmt.Fprintf(w, "  latency   p50 %s  p90 %s  p99 %s  max %s  (ok calls)\n",
		formatLatency(l.P50), formatLatency(l.P90), formatLatency(l.P99), formatLatency(l.Max))
	fmt.Fprintf(w, "  errors    %s\n", describeCounts(r.ErrorsByName, true))
	fmt.Fprintf(w, "  failures  %s\n", describeCounts(r.Failures, false))
	if len(r.Operations) > 1 {
		fmt.Fprintln(w, "  per operation:")
		for _, op := range r.Operations {
			fmt.Fprintf(w, "    %-14s %8s calls  %8s/s  errors %s  p50 %s  p99 %s\n",
				op.Name, formatInt(op.Calls), formatRate(op.CallsPerSecond), formatInt(op.Errors),
				formatLatency(op.Latency.P50), formatLatency(op.Latency.P99))
		}
	}
}

// fleetOutcome tells how the fleet caught up with the run, for the
// instances line: "" when unknown.
func fleetOutcome(f *FleetResult) string {
	switch {
	case f == nil:
		return ""
	case f.Settled:
		return fmt.Sprintf(": %s tasks RUNNING, none PENDING %.2fs after the last call", formatInt(f.Running), f.SettleSeconds)
	default:
		return fmt.Sprintf(": %s tasks RUNNING, %s still PENDING %.2fs after the last call", formatInt(f.Running), formatInt(f.Pending), f.SettleSeconds)
	}
}

// describeCounts renders counts as `A 3, B 1`, with each one's example
// message when examples is set; "none" when empty.
func describeCounts(counts []Count, examples bool) string {
	if len(counts) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(counts))
	for _, c := range counts {
		s := fmt.Sprintf("%s %s", c.Name, formatInt(c.Count))
		if examples && c.Example != "" {
			s += fmt.Sprintf(" (%q)", c.Example)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}
