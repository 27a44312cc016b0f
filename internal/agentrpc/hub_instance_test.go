package agentrpc

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// queuedEntry builds a queue entry of n tasks: "3" an ordinary payload, "S3" a
// snapshot, "c3" an ordinary payload already claimed (sent before).
func queuedEntry(t *testing.T, spec string) *outbound {
	t.Helper()
	var n int
	snapshot, claimed := strings.HasPrefix(spec, "S"), strings.HasPrefix(spec, "c")
	if _, err := fmt.Sscan(strings.TrimLeft(spec, "Sc"), &n); err != nil {
		t.Fatalf("bad spec %q", spec)
	}
	tasks := make([]TaskPayload, n)
	for i := range tasks {
		tasks[i] = task(fmt.Sprintf("%s-%d", spec, i), 1, "RUNNING")
	}
	o := newPayload(tasks, snapshot)
	if claimed {
		o.id, o.seq = "earlier", 1
	}
	return o
}

func describeOutbound(o *outbound) string {
	prefix := ""
	if o.snapshot {
		prefix = "S"
	}
	return fmt.Sprintf("%s%d", prefix, len(o.tasks))
}

func TestDueClaimsAndMerges(t *testing.T) {
	tests := []struct {
		name  string
		queue []string
		want  []string
	}{
		{name: "payloads never sent go out as one", queue: []string{"1", "1", "1"}, want: []string{"3"}},
		{name: "a snapshot is neither merged nor merged into", queue: []string{"1", "S2", "1", "1"}, want: []string{"1", "S2", "2"}},
		{name: "a payload sent before stays as it was", queue: []string{"c1", "1", "1"}, want: []string{"1", "2"}},
		{name: "merging stops at maxMergedTasks", queue: []string{"300", "200", "100"}, want: []string{"500", "100"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conn := &hubConn{}
			s := &instanceState{arn: testInstance, cluster: testCluster, conn: conn, seq: 1}
			for _, spec := range tc.queue {
				s.push(queuedEntry(t, spec), 1024)
			}
			due := s.due(conn, time.Now(), time.Minute)
			var got []string
			ids := map[string]bool{}
			lastSeq := int64(0)
			for _, o := range due {
				got = append(got, describeOutbound(o))
				if o.id == "" || ids[o.id] || o.seq <= lastSeq {
					t.Fatalf("payload %s: got id %q seq %d after seq %d, want a new id and a rising seq", describeOutbound(o), o.id, o.seq, lastSeq)
				}
				ids[o.id], lastSeq = true, o.seq
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("payloads sent: got %v, want %v", got, tc.want)
			}
			if len(s.queue) != len(tc.want) {
				t.Fatalf("queue after merging: got %d payloads, want %d", len(s.queue), len(tc.want))
			}
			if again := s.due(conn, time.Now(), time.Minute); len(again) != 0 {
				t.Fatalf("due again before the ack timeout: got %d payloads, want none", len(again))
			}
		})
	}
}

func TestPayloadsOfADisconnectedInstanceAreNotEncoded(t *testing.T) {
	f := newHubFixture(t, nil)
	for i := range 3 {
		f.hub.Notify(testCluster, testInstance, task("ddd", int64(i+1), "RUNNING"))
	}
	inst := f.hub.lookup(testInstance)
	inst.mu.Lock()
	for i, o := range inst.queue {
		if o.id != "" || o.data != nil {
			t.Errorf("queued payload %d: got id %q and %d encoded bytes, want neither before it is sent", i, o.id, len(o.data))
		}
	}
	inst.mu.Unlock()
	if inst.ack("") {
		t.Fatal("an ack without a message id matched an unsent payload")
	}

	c := f.mustRawDial(t, testInstance, 1)
	p := c.payload()
	if p.Snapshot || len(p.Tasks) != 3 {
		t.Fatalf("first payload: got snapshot=%v with %d tasks, want the 3 queued ones merged", p.Snapshot, len(p.Tasks))
	}
	c.ack(p.MessageID)
	c.ack(c.payload().MessageID) // the snapshot
	waitFor(t, "the acks to clear the queue", func() bool { return f.hub.Unacked(testInstance) == 0 })
}

func TestEnqueueClaimsForAConnectedAgent(t *testing.T) {
	tests := []struct {
		name      string
		connected bool
		queue     []string // as queuedEntry builds them
		wantClaim bool
	}{
		{name: "connected, nothing waiting", connected: true, wantClaim: true},
		{name: "connected, behind sent payloads", connected: true, queue: []string{"c1", "c2"}, wantClaim: true},
		{name: "connected, behind a payload not yet claimed", connected: true, queue: []string{"c1", "1"}},
		{name: "not connected", queue: []string{"c1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &instanceState{arn: testInstance, cluster: testCluster, seq: 5}
			if tc.connected {
				s.conn = &hubConn{}
			}
			for _, spec := range tc.queue {
				s.push(queuedEntry(t, spec), 1024)
			}
			_, o := s.enqueue([]TaskPayload{task("fff", 1, "RUNNING")}, 1024)
			if (o != nil) != tc.wantClaim {
				t.Fatalf("claimed at once: got %v, want %v", o != nil, tc.wantClaim)
			}
			if o != nil && (o.id == "" || o.seq != 6 || len(o.encoded(s.cluster, s.arn)) == 0) {
				t.Fatalf("claimed payload: got id %q seq %d, want an id, seq 6 and an encoding", o.id, o.seq)
			}
		})
	}
}
