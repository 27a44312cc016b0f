package sim

import (
	"fmt"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
)

// forever is the run time of a container that runs until stopped.
const forever = time.Duration(math.MaxInt64)

// plan is what a simulated container does once started: run for runFor
// (forever for "until stopped"), then exit with code.
type plan struct {
	runFor     time.Duration
	code       int
	ignoreTerm bool
}

// planFor reads the simulated behaviour out of a container's command. A
// malformed sleep or exit argument makes the container exit 1 at once, as
// the real command would fail; err says why.
func planFor(argv []string) (plan, error) {
	p, err := planCommand(argv)
	if err != nil {
		return plan{code: 1}, err
	}
	return p, nil
}

func planCommand(argv []string) (plan, error) {
	if len(argv) == 0 {
		return plan{runFor: forever}, nil
	}
	switch path.Base(argv[0]) {
	case "sh", "bash", "dash", "ash":
		if len(argv) >= 3 && argv[1] == "-c" {
			return planScript(argv[2])
		}
	case "sleep", "true", "false":
		var p plan
		_, err := p.step(argv)
		return p, err
	}
	return plan{runFor: forever}, nil
}

// planScript plans a shell script made of simple statements.
func planScript(script string) (plan, error) {
	var p plan
	chained := false // the statement follows "&&"
	failed := false  // the previous statement failed
	rest := script
	for rest != "" {
		stmt, sep := nextStatement(rest)
		rest = rest[len(stmt)+len(sep):]
		fields := strings.Fields(stmt)
		if len(fields) == 0 {
			chained = false
			continue
		}
		if chained && failed {
			// "false && x" skips x; the status stays failed.
			chained = strings.TrimSpace(sep) == "&&"
			continue
		}
		done, err := p.step(fields)
		if err != nil || done {
			return p, err
		}
		failed = p.code != 0
		chained = strings.TrimSpace(sep) == "&&"
	}
	return p, nil
}

// nextStatement splits off the first statement of s and its separator.
func nextStatement(s string) (stmt, sep string) {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == ';' || s[i] == '\n':
			return s[:i], s[i : i+1]
		case strings.HasPrefix(s[i:], "&&"):
			return s[:i], "&&"
		}
	}
	return s, ""
}

// step applies one command to p; done reports that the container's fate
// is settled (it exits or runs until stopped).
func (p *plan) step(fields []string) (done bool, err error) {
	switch path.Base(fields[0]) {
	case "sleep":
		d, err := sleepDuration(fields[1:])
		if err != nil {
			return true, err
		}
		if d == forever || p.runFor > forever-d {
			p.runFor = forever
			return true, nil
		}
		p.runFor += d
		p.code = 0
	case "exit":
		p.code = 0
		if len(fields) > 1 {
			n, err := strconv.Atoi(fields[1])
			if err != nil {
				return true, fmt.Errorf("sim: exit %q: not a number", fields[1])
			}
			p.code = n & 0xff
		}
		return true, nil
	case "trap":
		if len(fields) >= 3 && (fields[1] == "''" || fields[1] == `""`) && contains(fields[2:], "TERM") {
			p.ignoreTerm = true
		}
		p.code = 0
	case "false":
		p.code = 1
	case "true", ":", "echo", "printf", "export", "set", "cd":
		p.code = 0
	default:
		p.runFor = forever
		return true, nil
	}
	return false, nil
}

// sleepDuration sums GNU sleep arguments: numbers with an optional s, m, h
// or d suffix, or "infinity".
func sleepDuration(args []string) (time.Duration, error) {
	if len(args) == 0 {
		return 0, fmt.Errorf("sim: sleep: missing operand")
	}
	var total float64
	for _, a := range args {
		if a == "infinity" || a == "inf" {
			return forever, nil
		}
		unit := 1.0
		num := a
		switch a[len(a)-1] {
		case 's':
			num = a[:len(a)-1]
		case 'm':
			unit, num = 60, a[:len(a)-1]
		case 'h':
			unit, num = 3600, a[:len(a)-1]
		case 'd':
			unit, num = 86400, a[:len(a)-1]
		}
		f, err := parseNumber(num)
		if err != nil || f < 0 || math.IsNaN(f) {
			return 0, fmt.Errorf("sim: sleep: invalid time interval %q", a)
		}
		total += f * unit
	}
	if total*float64(time.Second) >= float64(forever) {
		return forever, nil
	}
	return time.Duration(total * float64(time.Second)), nil
}

// parseNumber is strconv.ParseFloat, which it calls only for numbers
// other than short runs of digits (sleep 3600): those it reads without
// the float parser's large stack, which a fresh task goroutine would have
// to grow for.
func parseNumber(s string) (float64, error) {
	if len(s) == 0 || len(s) > 15 || strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
		return strconv.ParseFloat(s, 64)
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return float64(n), err
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
