package agentrpc

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestDedupeFresh(t *testing.T) {
	type tv struct {
		id      string
		version int64
	}
	tests := []struct {
		name    string
		applied []tv
		payload []tv
		want    []tv
	}{
		{name: "new tasks pass", payload: []tv{{"a", 1}, {"b", 1}}, want: []tv{{"a", 1}, {"b", 1}}},
		{name: "same version is dropped", applied: []tv{{"a", 2}}, payload: []tv{{"a", 2}}, want: nil},
		{name: "older version is dropped", applied: []tv{{"a", 3}}, payload: []tv{{"a", 2}}, want: nil},
		{name: "newer version passes", applied: []tv{{"a", 3}}, payload: []tv{{"a", 4}}, want: []tv{{"a", 4}}},
		{name: "repeat in one payload keeps the newest", payload: []tv{{"a", 1}, {"b", 1}, {"a", 3}, {"a", 2}},
			want: []tv{{"a", 3}, {"b", 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDedupe(time.Hour)
			var applied []TaskPayload
			for _, a := range tc.applied {
				applied = append(applied, task(a.id, a.version, "RUNNING"))
			}
			d.record(applied, time.Now())
			var payload []TaskPayload
			for _, p := range tc.payload {
				payload = append(payload, task(p.id, p.version, "RUNNING"))
			}
			var got []tv
			for _, f := range d.fresh(payload) {
				got = append(got, tv{f.Arn[len(f.Arn)-1:], f.Version})
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("fresh: got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDedupeForgetsStoppedTasksAfterTTL(t *testing.T) {
	d := newDedupe(time.Hour)
	start := time.Now()
	d.record([]TaskPayload{task("a", 2, "STOPPED"), task("b", 1, "RUNNING")}, start)
	d.record(nil, start.Add(2*time.Hour))
	if _, ok := d.seen[task("a", 0, "").Arn]; ok {
		t.Fatalf("stopped task after the TTL: got remembered, want forgotten")
	}
	if _, ok := d.seen[task("b", 0, "").Arn]; !ok {
		t.Fatalf("running task after the TTL: got forgotten, want remembered")
	}
}

func TestBackoffStaysUnderItsCeiling(t *testing.T) {
	b := Backoff{Base: 10 * time.Millisecond, Max: 80 * time.Millisecond}
	ceilings := []time.Duration{10, 20, 40, 80, 80, 80}
	for round := range 200 {
		b.Reset()
		for i, c := range ceilings {
			if d := b.Next(); d < 0 || d > c*time.Millisecond {
				t.Fatalf("round %d attempt %d: got %v, want within [0, %v]", round, i, d, c*time.Millisecond)
			}
		}
	}
	// Full jitter: across many draws the delays must not all be equal.
	b.Reset()
	seen := map[time.Duration]bool{}
	for range 50 {
		b.attempt = 5
		seen[b.Next()] = true
	}
	if len(seen) < 2 {
		t.Fatalf("distinct delays at the cap: got %d, want jitter", len(seen))
	}
}

func TestSleeperReusesItsTimer(t *testing.T) {
	live := context.Background()
	done, cancel := context.WithCancel(context.Background())
	cancel()
	var s Sleeper
	steps := []struct {
		name string
		ctx  context.Context
		d    time.Duration
		want bool
	}{
		{name: "a first sleep", ctx: live, d: time.Millisecond, want: true},
		{name: "a second sleep on the same timer", ctx: live, d: time.Millisecond, want: true},
		{name: "an ended context", ctx: done, d: time.Hour, want: false},
		{name: "a sleep after a stop", ctx: live, d: time.Millisecond, want: true},
		{name: "no delay", ctx: live, d: 0, want: true},
		{name: "no delay on an ended context", ctx: done, d: 0, want: false},
	}
	for _, st := range steps {
		start := time.Now()
		if got := s.Sleep(st.ctx, st.d); got != st.want {
			t.Fatalf("%s: got %v, want %v", st.name, got, st.want)
		}
		if elapsed := time.Since(start); st.want && elapsed < st.d {
			t.Fatalf("%s: returned after %v, want at least %v", st.name, elapsed, st.d)
		}
	}
}
