package logsapitest

import (
	"strconv"
	"testing"
)

// Output is what one container of Writers prints.
type Output struct {
	Name   string
	Stdout string
	Stderr string
}

// writerScript prints $1 to stdout and $2 to stderr, marks container $3 as
// done in directory $0, and exits once $4 containers are done.
const writerScript = `printf '%s' "$1"; printf '%s' "$2" >&2; : > "$0/$3"; ` +
	`while [ "$(ls "$0" | wc -l)" -lt "$4" ]; do sleep 0.01; done`

// Writers returns containers that each print their Output and exit only
// once all of them have printed. A task of them stops (its essential
// containers exit) with every container's output complete, whichever
// container exits first.
func Writers(t testing.TB, outputs ...Output) []Container {
	t.Helper()
	dir := t.TempDir()
	n := strconv.Itoa(len(outputs))
	var out []Container
	for _, o := range outputs {
		out = append(out, Container{Name: o.Name, Command: []string{"sh", "-c", writerScript, dir, o.Stdout, o.Stderr, o.Name, n}})
	}
	return out
}
