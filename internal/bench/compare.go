package bench

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// runCompare is `berth bench compare FILE FILE...`: it prints the results
// side by side as a markdown table.
func runCompare(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprintln(stderr, "usage: berth bench compare RESULT.json RESULT.json...")
		return exitOK
	}
	if len(args) < 2 {
		fmt.Fprintln(stderr, "berth bench compare: needs two or more result files written with --json")
		return exitUsage
	}
	results := make([]*Result, 0, len(args))
	for _, path := range args {
		r, err := readResult(path)
		if err != nil {
			fmt.Fprintf(stderr, "berth bench compare: %v\n", err)
			return exitFailed
		}
		results = append(results, r)
	}
	fmt.Fprint(stdout, renderCompare(args, results))
	return exitOK
}

// compareRow is one line of the comparison: a name, a cell for each
// result, and for a pair of results optionally the second's value over the
// first's.
type compareRow struct {
	name  string
	cell  func(r *Result) string
	ratio func(r *Result) float64 // nil: no ratio
	// latency: the value is a latency percentile; 0 means the result has
	// none (no ok calls), so its ratio is "-", not 0.
	latency bool
}

// compareRows are the lines of the table, in order.
var compareRows = []compareRow{
	{name: "scenario", cell: func(r *Result) string { return r.Scenario }},
	{name: "clients", cell: func(r *Result) string { return fmt.Sprint(r.Clients) }},
	{name: "run", cell: runLimit},
	{name: "instances", cell: instancesCell},
	{name: "calls", cell: func(r *Result) string { return formatInt(r.Calls) }},
	{name: "ok calls/s", cell: func(r *Result) string { return formatRate(r.OKPerSecond) },
		ratio: func(r *Result) float64 { return r.OKPerSecond }},
	{name: "tasks/s", cell: func(r *Result) string { return formatRate(r.TasksPerSecond) },
		ratio: func(r *Result) float64 { return r.TasksPerSecond }},
	{name: "tasks placed / requested", cell: func(r *Result) string {
		return formatInt(r.TasksPlaced) + " / " + formatInt(r.TasksRequested)
	}},
	{name: "p50", cell: func(r *Result) string { return formatLatency(r.Latency.P50) },
		ratio: func(r *Result) float64 { return float64(r.Latency.P50) }, latency: true},
	{name: "p90", cell: func(r *Result) string { return formatLatency(r.Latency.P90) },
		ratio: func(r *Result) float64 { return float64(r.Latency.P90) }, latency: true},
	{name: "p99", cell: func(r *Result) string { return formatLatency(r.Latency.P99) },
		ratio: func(r *Result) float64 { return float64(r.Latency.P99) }, latency: true},
	{name: "max", cell: func(r *Result) string { return formatLatency(r.Latency.Max) }},
	{name: "errors", cell: func(r *Result) string { return countCell(r.Errors, r.ErrorsByName) }},
	{name: "failures", cell: func(r *Result) string { return countCell(sumCounts(r.Failures), r.Failures) }},
	{name: "host", cell: func(r *Result) string {
		return fmt.Sprintf("%s/%s, %d CPUs", r.Host.OS, r.Host.Arch, r.Host.CPUs)
	}},
}

// renderCompare renders results (read from paths) as a markdown table with
// one column per result, then for each result after the first a column
// with its throughput and latency over the first's ("2nd / 1st", "3rd /
// 1st", ...).
func renderCompare(paths []string, results []*Result) string {
	var b strings.Builder
	header := []string{""}
	align := []string{"---"}
	for i, r := range results {
		header = append(header, columnName(paths[i], r))
		align = append(align, "---:")
	}
	for i := 1; i < len(results); i++ {
		header = append(header, ordinal(i+1)+" / 1st")
		align = append(align, "---:")
	}
	writeMarkdownRow(&b, header)
	writeMarkdownRow(&b, align)
	for _, row := range compareRows {
		cells := []string{row.name}
		for _, r := range results {
			cells = append(cells, row.cell(r))
		}
		for _, r := range results[1:] {
			cells = append(cells, ratioCell(row, results[0], r))
		}
		writeMarkdownRow(&b, cells)
	}
	return b.String()
}

// ordinal is n as "2nd", "3rd", "4th", ... (n ≥ 1).
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// columnName heads a result's column: its label, else its file name.
func columnName(path string, r *Result) string {
	if r.Label != "" {
		return r.Label
	}
	return strings.TrimSuffix(filepath.Base(path), ".json")
}

// runLimit is what bounded the run: "30 requests" or "10s".
func runLimit(r *Result) string {
	if r.RequestsLimit > 0 {
		return formatInt(r.RequestsLimit) + " requests"
	}
	return fmt.Sprintf("%gs", r.DurationLimitSeconds)
}

// instancesCell says where the run's container instances came from:
// "1,000 (berth fleet)", "50 registered" or "10 existing" (--no-setup).
func instancesCell(r *Result) string {
	n := formatInt(int64(r.Setup.Instances))
	switch {
	case r.Setup.Fleet > 0:
		return formatInt(int64(r.Setup.Fleet)) + " (berth fleet)"
	case r.Setup.Skipped:
		return n + " existing"
	case r.Setup.InstancesRegistered > 0:
		return formatInt(int64(r.Setup.InstancesRegistered)) + " registered"
	default:
		return n
	}
}

// countCell is a total followed by its breakdown: "3 (ThrottlingException 3)".
func countCell(total int64, counts []Count) string {
	if total == 0 {
		return "0"
	}
	return formatInt(total) + " (" + describeCounts(counts, false) + ")"
}

func sumCounts(counts []Count) int64 {
	var n int64
	for _, c := range counts {
		n += c.Count
	}
	return n
}

// ratioCell is b's value over a's for rows that have one, e.g. "12.50×".
func ratioCell(row compareRow, a, b *Result) string {
	if row.ratio == nil {
		return ""
	}
	base := row.ratio(a)
	if base == 0 || (row.latency && row.ratio(b) == 0) {
		return "-"
	}
	return fmt.Sprintf("%.2f×", row.ratio(b)/base)
}

// writeMarkdownRow writes cells as one table row, escaping pipes.
func writeMarkdownRow(b *strings.Builder, cells []string) {
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" " + strings.ReplaceAll(c, "|", `\|`) + " |")
	}
	b.WriteString("\n")
}
