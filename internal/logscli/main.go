package logscli

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Exit codes, as `berth ecs` uses them.
const (
	exitOK          = 0
	exitUsage       = 252
	exitConfig      = 253
	exitService     = 254
	exitOther       = 255
	exitInterrupted = 130
)

const usageText = `usage: berth logs [options] TASK

Prints the output (stdout and stderr) of a container of TASK, a task ID or ARN.

options:
  --cluster C        the task's cluster, name or ARN (default: default)
  --container N      the container; needed when the task has several
  -f, --follow       keep printing until the container exits
  --endpoint-url U   the berth endpoint (else BERTH_ENDPOINT, AWS_ENDPOINT_URL_ECS, ...)
  --region R         the signing region (else AWS_REGION, AWS_DEFAULT_REGION, the profile's)
  --profile P        the AWS profile for region, endpoint and credentials
  --ca-bundle F      PEM file of the CAs to trust for https (else AWS_CA_BUNDLE)
  --no-verify-ssl    do not verify the server's certificate
`

// Main runs `berth logs` with args (the words after "logs"), printing the
// log stream to stdout and errors to stderr, and returns the exit code
// (see the package documentation).
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseArgs(args)
	if errors.Is(err, errHelp) {
		fmt.Fprint(stdout, usageText)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "%sberth logs: error: %v\n", usageText, err)
		return exitUsage
	}
	err = run(ctx, opts, stdout)
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr)
		return exitInterrupted
	}
	fmt.Fprintln(stderr, err.Error())
	return exitCode(err)
}

// run resolves the configuration, sends the request and prints the stream.
func run(ctx context.Context, opts options, stdout io.Writer) error {
	c, err := newClient(ctx, opts)
	if err != nil {
		return err
	}
	return c.stream(ctx, opts, stdout)
}

// configError is missing or invalid configuration: exit 253.
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

// serviceError is an error the server reported, before or during the
// stream: exit 254.
type serviceError struct {
	Code    string
	Message string
	Status  int // 0 for a stream that broke off after the status
}

func (e *serviceError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("The log stream broke off (%s): %s", e.Code, e.Message)
	}
	return fmt.Sprintf("An error occurred (%s) when reading the logs: %s", e.Code, e.Message)
}

func exitCode(err error) int {
	var (
		ce *configError
		se *serviceError
	)
	switch {
	case errors.As(err, &ce):
		return exitConfig
	case errors.As(err, &se):
		return exitService
	}
	return exitOther
}
