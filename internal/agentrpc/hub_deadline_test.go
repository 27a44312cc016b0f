package agentrpc

import (
	"testing"
	"time"
)

func TestDeadlineSlack(t *testing.T) {
	tests := []struct {
		timeout, want time.Duration
	}{
		{timeout: 60 * time.Second, want: time.Second},
		{timeout: 10 * time.Second, want: time.Second},
		{timeout: 5 * time.Second, want: 500 * time.Millisecond},
		{timeout: 100 * time.Millisecond, want: 10 * time.Millisecond},
	}
	for _, tc := range tests {
		if got := deadlineSlack(tc.timeout); got != tc.want {
			t.Errorf("deadlineSlack(%s): got %s, want %s", tc.timeout, got, tc.want)
		}
	}
}

func TestSlackDeadlineNext(t *testing.T) {
	const timeout, slack = 60 * time.Second, time.Second
	t0 := time.Now()
	tests := []struct {
		name      string
		after     time.Duration // since t0
		want      time.Duration // the deadline, since t0
		wantMoved bool
	}{
		{name: "the first frame sets it", after: 0, want: timeout + slack, wantMoved: true},
		{name: "a frame within the slack keeps it", after: 400 * time.Millisecond, want: timeout + slack},
		{name: "a frame at the end of the slack keeps it", after: slack, want: timeout + slack},
		{name: "a frame past the slack moves it", after: slack + time.Millisecond, want: 2*slack + timeout + time.Millisecond, wantMoved: true},
		{name: "then keeps it again", after: 2 * slack, want: 2*slack + timeout + time.Millisecond},
		{name: "a frame long after moves it", after: time.Hour, want: time.Hour + timeout + slack, wantMoved: true},
	}
	d := newSlackDeadline(timeout)
	for _, tc := range tests { // in order: each case starts from the deadline the one before left
		now := t0.Add(tc.after)
		at, moved := d.next(now)
		if got := at.Sub(t0); got != tc.want || moved != tc.wantMoved {
			t.Fatalf("%s: got deadline t0+%s (moved %v), want t0+%s (moved %v)", tc.name, got, moved, tc.want, tc.wantMoved)
		}
		// Whatever happened, a silence from now is cut off between
		// timeout and timeout+slack.
		if left := at.Sub(now); left < timeout || left > timeout+slack {
			t.Fatalf("%s: got %s until the deadline, want between %s and %s", tc.name, left, timeout, timeout+slack)
		}
	}
}
