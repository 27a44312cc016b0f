package bench

import (
	"sort"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/aws/aws-sdk-go-v2/aws"
)

// collector tallies the calls of a run. Clients record into it after each
// call, outside the timed part, under one mutex: at tens of thousands of
// calls a second that lock is never the bottleneck, and it keeps a single
// histogram per operation instead of one per client.
type collector struct {
	mu       sync.Mutex
	all      tally
	ops      map[string]*tally
	interval *hdrhistogram.Histogram // ok latencies since the last progress line
	failures map[string]int64        // failures[].reason of 200 responses
	errors   map[string]int64        // failed calls by errorName
	samples  map[string]string       // first message seen for each error name
}

// tally counts the calls of one operation, or of all of them.
type tally struct {
	calls, ok, errors   int64
	requested, placed   int64
	items, failureCount int64
	hist                *hdrhistogram.Histogram // latencies of ok calls
}

func newTally() *tally { return &tally{hist: newHistogram()} }

func newCollector() *collector {
	return &collector{
		all:      *newTally(),
		ops:      map[string]*tally{},
		interval: newHistogram(),
		failures: map[string]int64{},
		errors:   map[string]int64{},
		samples:  map[string]string{},
	}
}

// record counts one call that took d and returned o, or err. A call that
// returned failures[] is still a successful call: the failures are counted
// by reason, next to it. Tasks requested count only for successful calls,
// so that requested minus placed is what the server declined to place.
func (c *collector) record(o outcome, d time.Duration, err error) {
	var name, msg string
	if err != nil {
		name, msg = errorName(err), errorMessage(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	op := c.ops[o.op]
	if op == nil {
		op = newTally()
		c.ops[o.op] = op
	}
	for _, t := range []*tally{&c.all, op} {
		t.calls++
		if err != nil {
			t.errors++
			continue
		}
		t.ok++
		t.requested += int64(o.requested)
		t.placed += int64(o.placed)
		t.items += int64(o.items)
		t.failureCount += int64(len(o.failures))
		recordLatency(t.hist, d)
	}
	if err != nil {
		c.errors[name]++
		if _, ok := c.samples[name]; !ok {
			c.samples[name] = msg
		}
		return
	}
	recordLatency(c.interval, d)
	for _, f := range o.failures {
		c.failures[aws.ToString(f.Reason)]++
	}
}

// progressSnapshot is the state a progress line shows.
type progressSnapshot struct {
	elapsed  time.Duration
	calls    int64 // all calls so far
	errors   int64
	failures int64
	placed   int64
	// Since the previous snapshot:
	intervalCalls  int64
	intervalPlaced int64
	interval       time.Duration
	p50, p99       int64 // µs, of the interval's ok calls
}

// snapshot returns the totals so far and the interval since prev, then
// starts a new interval.
func (c *collector) snapshot(elapsed time.Duration, prev progressSnapshot) progressSnapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := progressSnapshot{
		elapsed:  elapsed,
		calls:    c.all.calls,
		errors:   c.all.errors,
		failures: c.all.failureCount,
		placed:   c.all.placed,
		interval: elapsed - prev.elapsed,
		p50:      c.interval.ValueAtQuantile(50),
		p99:      c.interval.ValueAtQuantile(99),
	}
	s.intervalCalls = s.calls - prev.calls
	s.intervalPlaced = s.placed - prev.placed
	c.interval.Reset()
	return s
}

// Count is a name and how many times it occurred.
type Count struct {
	Name  string `json:"name"`
	Count int64  `json:"count"`
	// Example is the message of the first occurrence, for errors.
	Example string `json:"example,omitempty"`
}

// sortedCounts returns counts as a list, largest first, then by name.
func sortedCounts(counts map[string]int64) []Count {
	out := make([]Count, 0, len(counts))
	for n, v := range counts {
		out = append(out, Count{Name: n, Count: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	return out
}
