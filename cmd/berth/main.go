// Command berth is a self-hosted container orchestrator that speaks the
// Amazon ECS API. One binary holds every role:
//
//	berth up       the control plane and one local agent in one process
//	berth env      prints the credentials of a data dir for the aws CLI
//	berth bench    load-tests any ECS endpoint
//	berth logs     a task's container output, through the control plane
//	berth ecs      the client: the aws CLI's ecs commands and flags
//	berth server   the control plane (ECS JSON API, scheduler, durable state)
//	berth agent    a node agent: registers a container instance and runs tasks
//	berth fleet    many simulated agents in one process, for scale tests
//	berth version  prints the version
//
// Run `berth <command> -h` for a command's flags.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand of the binary.
type command struct {
	summary string
	run     func(ctx context.Context, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"up":      {"run the control plane and a local agent in one process (start here)", runUp},
		"env":     {"print the credentials of a data dir as export lines and an aws profile", runEnv},
		"server":  {"run the control plane: ECS API, scheduler, durable state", runServer},
		"bench":   {"load-test any ECS endpoint (berth or another) and report calls/s and latency", runBench},
		"logs":    {"show a task's container output (berth logs TASK [--follow])", runLogs},
		"ecs":     {"the ECS client: aws ecs commands and flags (berth ecs run-task ...)", runECS},
		"agent":   {"run a node agent that registers a container instance and runs its tasks", runAgent},
		"fleet":   {"run many simulated agents in one process (load tests)", runFleet},
		"version": {"print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:]))
}

func run(ctx context.Context, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(cmds)
		return 2
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "berth: unknown command %q\n\n", args[0])
		usage(cmds)
		return 2
	}
	stopProfile, err := startProfile(os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "berth: %v\n", err)
		return 2
	}
	err = cmd.run(ctx, args[1:])
	stopProfile()
	if err != nil {
		var code exitCodeError
		if errors.As(err, &code) {
			return int(code)
		}
		fmt.Fprintf(os.Stderr, "berth %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func usage(cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(os.Stderr, "usage: berth <command> [flags]\n\ncommands:")
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", n, cmds[n].summary)
	}
}
