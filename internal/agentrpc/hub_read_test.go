package agentrpc

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// writeFrame sends data as one text frame or fails the test.
func (c *rawConn) writeFrame(data []byte) {
	c.t.Helper()
	if err := c.ws.WriteMessage(websocket.TextMessage, data); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// stateFrame is the frame of a StateChangeRequest id that reports the
// task arn RUNNING, as the agent writes it.
func stateFrame(id, arn string) []byte {
	return appendStateChangeFrame(nil, &StateChangeRequest{MessageID: id,
		Changes: []StateChange{{Task: &ecsmodel.SubmitTaskStateChangeRequest{Task: arn, Status: "RUNNING"}}}})
}

// TestHubReadsFramesBackToBack sends frames of very different sizes in a
// row: the Hub reads each into a reused buffer, so each must be read
// whole and alone, and the requests it hands to the appliers must keep
// their own copies of what they hold.
func TestHubReadsFramesBackToBack(t *testing.T) {
	f, rc := newReceivingFixture(t, nil)
	c := f.mustRawDial(t, testInstance, 1)
	snapshot := c.payload()
	arns := []string{
		"arn:aws:ecs:us-east-1:000000000000:task/default/" + strings.Repeat("long", 1000),
		"t1",
		"arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef",
		"t3",
	}
	for i, arn := range arns {
		c.writeFrame(stateFrame("sc-"+arn[len(arn)-2:], arn))
		if i == 0 { // a short frame right after the longest
			data, err := encodeEnvelope(TypeAck, AckRequest{MessageID: snapshot.MessageID})
			if err != nil {
				t.Fatal(err)
			}
			c.writeFrame(data)
		}
	}
	for range arns {
		var ack StateChangeAck
		c.next(TypeStateChangeAck, &ack)
		if len(ack.Results) != 1 || ack.Results[0].Code != "" {
			t.Fatalf("ack %s: got results %+v, want one success", ack.MessageID, ack.Results)
		}
	}
	want := make([]string, len(arns))
	for i, arn := range arns {
		want[i] = testCluster + "|" + testInstance + "|" + arn + "|RUNNING"
	}
	// The appliers may apply the requests in any order.
	if got := rc.got(); !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Fatalf("applied: got %q, want %q in any order", got, want)
	}
	if n := f.hub.Unacked(testInstance); n != 0 {
		t.Fatalf("unacked payloads after the ack: got %d, want 0", n)
	}
}

// TestHubClosesSilentConnection checks the heartbeat timeout with the
// read deadline's slack: an agent that has been sending frames and
// falls silent is cut off no sooner than HeartbeatTimeout after its last
// frame (and not much later).
func TestHubClosesSilentConnection(t *testing.T) {
	const timeout = 300 * time.Millisecond
	f := newHubFixture(t, func(c *HubConfig) {
		c.HeartbeatInterval = time.Hour
		c.HeartbeatTimeout = timeout
	})
	c := f.mustRawDial(t, testInstance, 1)
	f.control.expectEvent(t, connEvent{testInstance, true})
	data, err := encodeEnvelope(TypeHeartbeatAck, HeartbeatAckRequest{MessageID: "hb"})
	if err != nil {
		t.Fatal(err)
	}
	// Frames over several slacks (a tenth of the timeout each) keep it
	// open, then silence.
	var last time.Time
	for range 15 {
		last = time.Now() // before the Hub can have read it
		c.writeFrame(data)
		time.Sleep(10 * time.Millisecond)
	}
	f.control.expectEvent(t, connEvent{testInstance, false})
	silent := time.Since(last)
	if silent < timeout {
		t.Fatalf("closed after a silence of %s: got sooner than the timeout, want at least %s", silent, timeout)
	}
	if limit := timeout + deadlineSlack(timeout) + 5*time.Second; silent > limit {
		t.Fatalf("closed after a silence of %s: got later than %s", silent, limit)
	}
}
