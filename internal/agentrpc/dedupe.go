package agentrpc

import "time"

// dedupe remembers the highest version of each task the agent has applied,
// so that a task version is handed to the engine at most once however often
// the server sends it. Entries of tasks whose applied desired status is
// STOPPED are forgotten after ttl; by then the server has long stopped
// resending them. It is not safe for concurrent use.
type dedupe struct {
	ttl       time.Duration
	seen      map[string]seenTask
	lastPrune time.Time
}

type seenTask struct {
	version   int64
	stoppedAt time.Time // when a STOPPED version was applied; zero otherwise
}

func newDedupe(ttl time.Duration) *dedupe {
	return &dedupe{ttl: ttl, seen: make(map[string]seenTask)}
}

// fresh returns the tasks of a payload that are newer than what has been
// applied, keeping only the newest entry when a task appears twice. The
// order of first appearance is kept.
func (d *dedupe) fresh(tasks []TaskPayload) []TaskPayload {
	if len(tasks) == 1 { // most payloads: tasks itself, without a copy
		if s, ok := d.seen[tasks[0].Arn]; ok && tasks[0].Version <= s.version {
			return nil
		}
		return tasks[:1:1]
	}
	var out []TaskPayload
	var index map[string]int // only a payload of several tasks can repeat one
	if len(tasks) > 1 {
		index = make(map[string]int, len(tasks))
	}
	for _, t := range tasks {
		if s, ok := d.seen[t.Arn]; ok && t.Version <= s.version {
			continue
		}
		if index == nil {
			out = append(out, t)
			continue
		}
		if i, ok := index[t.Arn]; ok {
			if t.Version > out[i].Version {
				out[i] = t
			}
			continue
		}
		index[t.Arn] = len(out)
		out = append(out, t)
	}
	return out
}

// record marks tasks as applied at now and prunes expired entries.
func (d *dedupe) record(tasks []TaskPayload, now time.Time) {
	for _, t := range tasks {
		s := seenTask{version: t.Version}
		if t.DesiredStatus == "STOPPED" {
			s.stoppedAt = now
		}
		d.seen[t.Arn] = s
	}
	if now.Sub(d.lastPrune) < d.ttl/4 {
		return
	}
	d.lastPrune = now
	for arn, s := range d.seen {
		if !s.stoppedAt.IsZero() && now.Sub(s.stoppedAt) > d.ttl {
			delete(d.seen, arn)
		}
	}
}
