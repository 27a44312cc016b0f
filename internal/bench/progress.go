package bench

import (
	"fmt"
	"io"
	"os"
	"time"
)

// How often progress is shown: a line rewritten in place every second on a
// terminal, a new line every five seconds elsewhere (logs, CI).
const (
	terminalEvery = time.Second
	plainEvery    = 5 * time.Second
)

// progress writes progress lines while a run goes on.
type progress struct {
	w        io.Writer
	terminal bool
	every    time.Duration
}

// newProgress returns the progress writer for w, or nil when quiet.
func newProgress(w io.Writer, quiet bool) *progress {
	if quiet {
		return nil
	}
	if isTerminal(w) {
		return &progress{w: w, terminal: true, every: terminalEvery}
	}
	return &progress{w: w, every: plainEvery}
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// loop writes a line every p.every until done is closed.
func (p *progress) loop(col *collector, begin time.Time, done <-chan struct{}) {
	t := time.NewTicker(p.every)
	defer t.Stop()
	var prev progressSnapshot
	wrote := false
	for {
		select {
		case <-done:
			if wrote && p.terminal {
				fmt.Fprintln(p.w)
			}
			return
		case <-t.C:
			prev = col.snapshot(time.Since(begin), prev)
			if p.terminal {
				// Return to the line's start and clear it.
				fmt.Fprint(p.w, "\r\x1b[K"+formatProgress(prev))
			} else {
				fmt.Fprintln(p.w, formatProgress(prev))
			}
			wrote = true
		}
	}
}

// formatProgress renders a snapshot as one line: totals so far, and the
// rates and latencies of the last interval.
func formatProgress(s progressSnapshot) string {
	secs := s.interval.Seconds()
	var callRate, taskRate float64
	if secs > 0 {
		callRate = float64(s.intervalCalls) / secs
		taskRate = float64(s.intervalPlaced) / secs
	}
	return fmt.Sprintf("[%5s] calls %s  %s/s  tasks %s/s  errors %s  failures %s  p50 %s  p99 %s",
		s.elapsed.Round(time.Second),
		formatInt(s.calls), formatRate(callRate), formatRate(taskRate),
		formatInt(s.errors), formatInt(s.failures),
		formatLatency(s.p50), formatLatency(s.p99))
}
