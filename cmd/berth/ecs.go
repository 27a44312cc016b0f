package main

import (
	"context"
	"fmt"
	"os"

	"github.com/berth-io/berth/internal/bench"
	"github.com/berth-io/berth/internal/cli"
	"github.com/berth-io/berth/internal/logscli"
)

// exitCodeError carries a command's own exit code through run.
type exitCodeError int

func (e exitCodeError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// runECS is `berth ecs <command>`: the aws-CLI-compatible client.
func runECS(ctx context.Context, args []string) error {
	if code := cli.Main(ctx, args, os.Stdin, os.Stdout, os.Stderr); code != 0 {
		return exitCodeError(code)
	}
	return nil
}

// runBench is `berth bench`: the load tool for any ECS endpoint.
func runBench(ctx context.Context, args []string) error {
	if code := bench.Main(ctx, args, os.Stdout, os.Stderr); code != 0 {
		return exitCodeError(code)
	}
	return nil
}

// runLogs is `berth logs`: a task's container output through the control plane.
func runLogs(ctx context.Context, args []string) error {
	if code := logscli.Main(ctx, args, os.Stdout, os.Stderr); code != 0 {
		return exitCodeError(code)
	}
	return nil
}
