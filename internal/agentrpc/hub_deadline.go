package agentrpc

import "time"

// maxDeadlineSlack bounds deadlineSlack.
const maxDeadlineSlack = time.Second

// deadlineSlack is how far a slackDeadline of timeout may run beyond it:
// a tenth of it, at most maxDeadlineSlack.
func deadlineSlack(timeout time.Duration) time.Duration {
	return min(maxDeadlineSlack, timeout/10)
}

// slackDeadline keeps a connection's deadline at least timeout ahead of
// each operation, and at most timeout plus the slack (deadlineSlack). It
// moves the deadline only when the one set would give an operation less
// than timeout, so about once per slack instead of once per frame: with
// the default HeartbeatTimeout of 60 s, a connection whose agent falls
// silent is closed between 60 and 61 s after its last frame.
type slackDeadline struct {
	timeout, slack time.Duration
	at             time.Time // the deadline set; zero before the first
}

func newSlackDeadline(timeout time.Duration) slackDeadline {
	return slackDeadline{timeout: timeout, slack: deadlineSlack(timeout)}
}

// next returns the deadline for an operation that starts at now, and
// whether it differs from the one set, which the caller then sets.
func (d *slackDeadline) next(now time.Time) (time.Time, bool) {
	if !d.at.IsZero() && !now.Add(d.timeout).After(d.at) {
		return d.at, false
	}
	d.at = now.Add(d.timeout + d.slack)
	return d.at, true
}
