package agentrpc

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/ecs"
)

func TestHubSnapshotThenNotify(t *testing.T) {
	f := newHubFixture(t, nil)
	running := task("aaa", 3, "RUNNING")
	f.control.setPending(testInstance, running)

	c := f.mustRawDial(t, testInstance, 1)
	f.control.expectEvent(t, connEvent{testInstance, true})

	snap := c.payload()
	if !snap.Snapshot || len(snap.Tasks) != 1 || snap.Tasks[0].Arn != running.Arn || snap.Tasks[0].Version != 3 {
		t.Fatalf("first payload: got snapshot=%v tasks=%+v, want the snapshot of %s v3", snap.Snapshot, snap.Tasks, running.Arn)
	}
	if snap.ClusterArn != testCluster || snap.ContainerInstanceArn != testInstance {
		t.Fatalf("snapshot addressed to %s/%s, want %s/%s", snap.ClusterArn, snap.ContainerInstanceArn, testCluster, testInstance)
	}
	c.ack(snap.MessageID)
	waitFor(t, "the snapshot ack", func() bool { return f.hub.Unacked(testInstance) == 0 })

	stop := task("aaa", 4, "STOPPED")
	f.hub.Notify(testCluster, testInstance, stop)
	p := c.payload()
	if p.Snapshot || len(p.Tasks) != 1 || p.Tasks[0].DesiredStatus != "STOPPED" {
		t.Fatalf("notified payload: got snapshot=%v tasks=%+v, want one STOPPED task", p.Snapshot, p.Tasks)
	}
	if p.SeqNum != snap.SeqNum+1 {
		t.Fatalf("seqNum: got %d, want %d", p.SeqNum, snap.SeqNum+1)
	}
	if got := f.hub.Unacked(testInstance); got != 1 {
		t.Fatalf("unacked before ack: got %d, want 1", got)
	}
	c.ack(p.MessageID)
	waitFor(t, "the ack to clear the queue", func() bool { return f.hub.Unacked(testInstance) == 0 })
}

func TestHubResendsUnackedAfterReconnect(t *testing.T) {
	f := newHubFixture(t, func(c *HubConfig) { c.AckTimeout = time.Hour })
	c := f.mustRawDial(t, testInstance, 1)
	f.control.expectEvent(t, connEvent{testInstance, true})
	c.ack(c.payload().MessageID) // snapshot

	f.hub.Notify(testCluster, testInstance, task("bbb", 1, "RUNNING"))
	first := c.payload()
	c.ws.Close() // drop it without an ack
	f.control.expectEvent(t, connEvent{testInstance, false})

	c2 := f.mustRawDial(t, testInstance, first.SeqNum+1)
	f.control.expectEvent(t, connEvent{testInstance, true})
	var resent, snap PayloadMessage
	for resent.MessageID == "" || snap.MessageID == "" {
		p := c2.payload()
		if p.Snapshot {
			snap = p
		} else {
			resent = p
		}
	}
	if resent.MessageID != first.MessageID || resent.SeqNum != first.SeqNum {
		t.Fatalf("resent payload: got id %s seq %d, want id %s seq %d", resent.MessageID, resent.SeqNum, first.MessageID, first.SeqNum)
	}
	if snap.SeqNum <= first.SeqNum {
		t.Fatalf("new snapshot seqNum: got %d, want > %d", snap.SeqNum, first.SeqNum)
	}
	c2.ack(resent.MessageID)
	c2.ack(snap.MessageID)
	waitFor(t, "acks to clear the queue", func() bool { return f.hub.Unacked(testInstance) == 0 })
}

func TestHubResendsWhenAckIsLate(t *testing.T) {
	f := newHubFixture(t, func(c *HubConfig) { c.AckTimeout = 20 * time.Millisecond })
	c := f.mustRawDial(t, testInstance, 1)
	snap := c.payload()
	again := c.payload()
	if again.MessageID != snap.MessageID {
		t.Fatalf("second payload: got id %s, want the unacked %s again", again.MessageID, snap.MessageID)
	}
	c.ack(snap.MessageID)
	waitFor(t, "the ack to clear the queue", func() bool { return f.hub.Unacked(testInstance) == 0 })
}

func TestHubSeqNumFollowsAgentFloor(t *testing.T) {
	tests := []struct {
		name  string
		floor int64
		want  int64
	}{
		{name: "fresh server, first connect", floor: 1, want: 1},
		{name: "server restarted behind the agent", floor: 500, want: 500},
		{name: "no seqNum given", floor: 0, want: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newHubFixture(t, nil)
			c := f.mustRawDial(t, testInstance, tc.floor)
			if got := c.payload().SeqNum; got != tc.want {
				t.Fatalf("snapshot seqNum: got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestHubHeartbeatTimeoutMarksDisconnected(t *testing.T) {
	f := newHubFixture(t, func(c *HubConfig) {
		c.HeartbeatInterval = 10 * time.Millisecond
		c.HeartbeatTimeout = 100 * time.Millisecond
	})
	// A raw connection that never answers heartbeats.
	c := f.mustRawDial(t, testInstance, 1)
	f.control.expectEvent(t, connEvent{testInstance, true})
	var hb HeartbeatMessage
	c.next(TypeHeartbeat, &hb)
	if hb.MessageID == "" || !hb.Healthy {
		t.Fatalf("heartbeat: got %+v, want an id and healthy", hb)
	}
	f.control.expectEvent(t, connEvent{testInstance, false})
	if f.hub.Connected(testInstance) {
		t.Fatalf("Connected after heartbeat timeout: got true, want false")
	}

	// A reconnect marks it connected again.
	f.mustRawDial(t, testInstance, 2)
	f.control.expectEvent(t, connEvent{testInstance, true})
}

func TestHubNewerConnectionReplacesOlder(t *testing.T) {
	f := newHubFixture(t, nil)
	older := f.mustRawDial(t, testInstance, 1)
	f.control.expectEvent(t, connEvent{testInstance, true})
	newer := f.mustRawDial(t, testInstance, 1)
	f.control.expectEvent(t, connEvent{testInstance, true})

	var cm CloseMessage
	older.next(TypeClose, &cm)
	if cm.Message == "" {
		t.Fatalf("close message to the older connection: got empty reason, want one")
	}
	// The older connection ending must not mark the instance disconnected;
	// the newer one ending does.
	newer.ws.Close()
	f.control.expectEvent(t, connEvent{testInstance, false})
}

func TestHubRefusesUpgrade(t *testing.T) {
	tests := []struct {
		name     string
		secret   string
		refuse   error
		wantCode string
	}{
		{name: "wrong secret", secret: "not-the-secret", wantCode: "InvalidSignatureException"},
		{name: "control plane refuses the instance", secret: testSecret,
			refuse: ecs.ClientError("container instance is not ACTIVE"), wantCode: ecs.CodeClient},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newHubFixture(t, nil)
			f.control.setRefuse(tc.refuse)
			_, err := f.rawDial(t, testInstance, 1, tc.secret)
			var he *HandshakeError
			if !errors.As(err, &he) {
				t.Fatalf("dial error: got %v, want a *HandshakeError", err)
			}
			if he.Code != tc.wantCode || he.StatusCode != http.StatusBadRequest {
				t.Fatalf("refusal: got %d %s, want 400 %s", he.StatusCode, he.Code, tc.wantCode)
			}
			if f.hub.Connected(testInstance) {
				t.Fatalf("Connected after refusal: got true, want false")
			}
		})
	}
}

func TestHubRejectsUnsignedAndMalformedRequests(t *testing.T) {
	f := newHubFixture(t, nil)
	tests := []struct {
		name       string
		method     string
		query      string
		wantStatus int
		wantCode   string
	}{
		{name: "unsigned upgrade", method: http.MethodGet, query: "?clusterArn=c&containerInstanceArn=i",
			wantStatus: http.StatusBadRequest, wantCode: "MissingAuthenticationTokenException"},
		{name: "POST", method: http.MethodPost, wantStatus: http.StatusMethodNotAllowed, wantCode: ecs.CodeClient},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, f.server.URL+Path+tc.query, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			he := handshakeError(resp)
			resp.Body.Close()
			if he.StatusCode != tc.wantStatus || he.Code != tc.wantCode {
				t.Fatalf("got %d %s, want %d %s", he.StatusCode, he.Code, tc.wantStatus, tc.wantCode)
			}
			if got := resp.Header.Get("X-Amzn-ErrorType"); got != tc.wantCode {
				t.Fatalf("X-Amzn-ErrorType: got %q, want %q", got, tc.wantCode)
			}
		})
	}
}

func TestHubQueueIsBounded(t *testing.T) {
	f := newHubFixture(t, func(c *HubConfig) { c.MaxUnacked = 3 })
	for i := range 5 {
		f.hub.Notify(testCluster, testInstance, task("ccc", int64(i+1), "RUNNING"))
	}
	if got := f.hub.Unacked(testInstance); got != 3 {
		t.Fatalf("queued payloads: got %d, want 3", got)
	}
	// The newest survive. On connect the snapshot joins the queue and, the
	// queue being full, pushes out the oldest payload too: the snapshot
	// covers it. The two payloads left, never sent, go out merged into one.
	c := f.mustRawDial(t, testInstance, 1)
	var got []string
	for {
		p := c.payload()
		if p.Snapshot {
			got = append(got, "snapshot")
			break
		}
		var vs []string
		for _, tp := range p.Tasks {
			vs = append(vs, strconv.FormatInt(tp.Version, 10))
		}
		got = append(got, strings.Join(vs, "+"))
	}
	if want := []string{"4+5", "snapshot"}; !slices.Equal(got, want) {
		t.Fatalf("delivered payloads (task versions): got %v, want %v", got, want)
	}
}
