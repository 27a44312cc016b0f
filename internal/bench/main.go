package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// Exit codes of Main.
const (
	exitOK = 0
	// exitFailed: setup failed, the result could not be written, or not a
	// single measured call succeeded.
	exitFailed = 1
	// exitUsage: the command line was wrong; no request was made.
	exitUsage = 2
)

// Main runs `berth bench` with args (the arguments after "bench") and
// returns the process exit code: 0 when the run completed with at least
// one successful call, 1 when setup failed, the result could not be
// written or every call failed, 2 for a wrong command line. The report
// goes to stdout, progress and diagnostics to stderr. `berth bench compare
// FILE...` prints a markdown table of result files instead.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "compare" {
		return runCompare(args[1:], stdout, stderr)
	}
	return runBench(ctx, args, stdout, stderr, os.Getenv)
}

// runBench is Main for a run, with the environment read through getenv.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	opts, err := parseOptions(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "berth bench: %v\n", err)
		return exitUsage
	}
	cl, err := newClients(ctx, &opts)
	if err != nil {
		fmt.Fprintf(stderr, "berth bench: %v\n", err)
		return exitFailed
	}
	var fleet *fleetRunner
	if opts.fleet {
		if fleet, err = newFleet(ctx, opts, cl.creds, stderr); err != nil {
			fmt.Fprintf(stderr, "berth bench: %v\n", err)
			return exitFailed
		}
		defer fleet.stop()
	}
	sc := scenarios[opts.scenario]
	if !opts.quiet {
		fmt.Fprintf(stderr, "berth bench: setting up cluster %s\n", opts.cluster)
	}
	setupStart := time.Now()
	fx, rep, err := prepare(ctx, cl.setup, cl.ec2, fleet, opts, sc)
	if err != nil {
		fmt.Fprintf(stderr, "berth bench: %v\n", err)
		return exitFailed
	}
	setup := SetupResult{
		Skipped:             opts.noSetup,
		TaskDefinition:      fx.taskDef,
		InstancesRegistered: rep.registered,
		Fleet:               rep.fleet,
		EC2InstancesCreated: rep.ec2Created,
		Instances:           rep.instances,
		TasksStarted:        rep.tasks,
		Seconds:             roundMillis(time.Since(setupStart)),
	}
	if sc.needsTasks && rep.tasks < describeBatch && !opts.quiet {
		fmt.Fprintf(stderr, "berth bench: warning: setup started %d tasks, not %d; DescribeTasks reads %d\n",
			rep.tasks, describeBatch, rep.tasks)
	}
	if !opts.quiet {
		fmt.Fprintf(stderr, "berth bench: %s with %d clients for %s\n", opts.scenario, opts.clients, opts.bound())
	}

	l := &load{
		api: cl.measured, fx: fx, sc: sc, clients: opts.clients,
		duration: opts.duration, requests: opts.requests,
		progress: newProgress(stderr, opts.quiet),
	}
	restoreGC := lowerGCOverhead(getenv)
	started := time.Now()
	col, elapsed := l.run(ctx)
	restoreGC()
	fleetResult := fleet.finish(ctx, cl.setup, fx, time.Now())
	r := buildResult(opts, sc, setup, started, col, elapsed, ctx.Err() != nil)
	r.Fleet = fleetResult
	writeReport(stdout, r)
	if opts.jsonPath != "" {
		if err := writeResult(opts.jsonPath, r); err != nil {
			fmt.Fprintf(stderr, "berth bench: writing the result: %v\n", err)
			return exitFailed
		}
	}
	if r.OK == 0 {
		fmt.Fprintf(stderr, "berth bench: no call succeeded (errors: %s)\n", describeCounts(r.ErrorsByName, true))
		if hasError(r, errDecode) && !opts.lenientJSON {
			fmt.Fprintln(stderr, "berth bench: the SDK could not read the responses; against moto, add --lenient-json")
		}
		return exitFailed
	}
	return exitOK
}

// hasError reports whether r counts errors named name.
func hasError(r *Result, name string) bool {
	for _, c := range r.ErrorsByName {
		if c.Name == name {
			return true
		}
	}
	return false
}

// roundMillis is d in seconds, to the millisecond.
func roundMillis(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond)) / float64(time.Second)
}
