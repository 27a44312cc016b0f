package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// Main runs `berth ecs` with args (the words after "ecs") and returns the
// exit code: 0, 252 for command-line and parameter errors (no request was
// made), 253 for missing configuration or credentials, 254 when the
// service answered with an error, 255 for anything else, 130 when ctx was
// cancelled.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	r := &runner{
		stdin:    stdin,
		stdout:   stdout,
		stderr:   stderr,
		loc:      time.Local,
		sleep:    sleepContext,
		ops:      newOperationTable(),
		terminal: isTerminal(stderr),
	}
	return r.main(ctx, args)
}

// runner holds what one invocation needs besides its arguments.
type runner struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	loc            *time.Location // time zone timestamps print in
	sleep          func(context.Context, time.Duration) error
	backoff        retry.BackoffDelayer // nil: the SDK's exponential jitter
	ops            operationTable
	terminal       bool // stderr is a terminal: waiters show progress
}

func (r *runner) main(ctx context.Context, args []string) int {
	err := r.dispatch(ctx, args)
	if err == nil {
		return exitOK
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(r.stderr)
		return exitInterrupted
	}
	var ue *usageError
	if errors.As(err, &ue) && ue.usage {
		fmt.Fprintf(r.stderr, "usage: berth ecs <command> [parameters]\n%s\nberth ecs: error: %s\n", helpHint, ue.msg)
		return exitUsage
	}
	fmt.Fprintln(r.stderr, err.Error())
	return exitCode(err)
}

func (r *runner) dispatch(ctx context.Context, args []string) error {
	g, words, err := splitGlobals(args)
	if err != nil {
		return asUsage(err)
	}
	if len(words) == 0 {
		return &usageError{msg: "the following arguments are required: command", usage: true}
	}
	switch words[0] {
	case "help", "-h", "--help":
		_, err := io.WriteString(r.stdout, topHelp(r.ops))
		return err
	case "wait":
		return r.runWait(ctx, g, words[1:])
	}
	op, ok := r.ops[words[0]]
	if !ok {
		return &usageError{msg: fmt.Sprintf("argument command: Invalid choice '%s'; `berth ecs help` lists the commands", words[0]), usage: true}
	}
	return r.runOperation(ctx, g, op, words[1:])
}

// runOperation runs one ECS operation command.
func (r *runner) runOperation(ctx context.Context, g globalOptions, op *operation, words []string) error {
	_, pageable := paginators[op.Name]
	a, err := parseOpArgs(op, words, pageable)
	if err != nil {
		return asUsage(err)
	}
	if a.help {
		_, err := io.WriteString(r.stdout, opHelp(op, op.Command, pageable))
		return err
	}
	query, err := compileQuery(g.query)
	if err != nil {
		return err
	}
	if a.skeleton == "input" {
		order := make(keyOrder)
		_, err := r.stdout.Write(formatJSON(skeleton(op.Input, order), order))
		return err
	}
	if !a.hasInputJSON {
		if missing := missingRequired(op, a); len(missing) > 0 {
			return &usageError{msg: "the following arguments are required: " + strings.Join(missing, ", "), usage: true}
		}
	}
	body, err := buildRequest(op, a)
	if err != nil {
		return err
	}
	out := outputOptions{format: outputFormat(g), query: query, title: op.Name, width: terminalWidth()}
	if a.skeleton == "output" {
		order := make(keyOrder)
		return r.print(out, skeleton(op.Output, order), order)
	}
	c, err := r.newClient(ctx, g)
	if err != nil {
		return err
	}
	sh := newShaper(r.loc)
	if p, ok := paginates(op, g, a); ok {
		merged, next, err := c.paginate(ctx, op, p, body, a.paging)
		if err != nil {
			return err
		}
		value := sh.shape(op.Output, merged)
		if m, ok := value.(map[string]any); ok && next != "" {
			m["NextToken"] = next
			sh.order.record(m, append(sh.order.keys(m), "NextToken"))
		}
		return r.print(out, value, sh.order)
	}
	raw, err := c.call(ctx, op.Name, body)
	if err != nil {
		return err
	}
	resp, err := decodeResponse(raw)
	if err != nil {
		return err
	}
	return r.print(out, sh.shape(op.Output, resp), sh.order)
}

func (r *runner) print(o outputOptions, value any, order keyOrder) error {
	b, err := render(o, value, order)
	if err != nil {
		return err
	}
	_, err = r.stdout.Write(b)
	return err
}

// runWait runs `berth ecs wait <waiter> ...`: the waiter's operation is
// built from the flags like the operation's own command.
func (r *runner) runWait(ctx context.Context, g globalOptions, words []string) error {
	if len(words) == 0 || words[0] == "help" {
		_, err := io.WriteString(r.stdout, waitHelp())
		return err
	}
	w, ok := findWaiter(words[0])
	if !ok {
		return &usageError{msg: fmt.Sprintf("argument waiter: Invalid choice '%s'; `berth ecs wait help` lists the waiters", words[0]), usage: true}
	}
	op := r.ops.byName(w.operation)
	a, err := parseOpArgs(op, words[1:], false)
	if err != nil {
		return asUsage(err)
	}
	command := "wait " + words[0]
	if a.help {
		_, err := io.WriteString(r.stdout, opHelp(op, command, false))
		return err
	}
	if a.skeleton == "input" {
		order := make(keyOrder)
		_, err := r.stdout.Write(formatJSON(skeleton(op.Input, order), order))
		return err
	}
	if !a.hasInputJSON {
		if missing := missingRequired(op, a); len(missing) > 0 {
			return &usageError{msg: "the following arguments are required: " + strings.Join(missing, ", "), usage: true}
		}
	}
	body, err := buildRequest(op, a)
	if err != nil {
		return err
	}
	delay, err := waiterDelay(w)
	if err != nil {
		return err
	}
	c, err := r.newClient(ctx, g)
	if err != nil {
		return err
	}
	var progress func(int)
	if r.terminal {
		progress = func(attempt int) {
			fmt.Fprintf(r.stderr, "\rWaiting for %s: attempt %d of %d failed to match, next in %s...", words[0], attempt, w.maxAttempts, delay)
		}
		defer fmt.Fprint(r.stderr, "\r\033[K")
	}
	return c.wait(ctx, w, op, body, delay, progress)
}

// asUsage marks command-line syntax errors so that they print with the usage hint.
func asUsage(err error) error {
	var ue *usageError
	if errors.As(err, &ue) {
		ue.usage = true
	}
	return err
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
