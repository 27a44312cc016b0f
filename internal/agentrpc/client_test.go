package agentrpc

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"
)

func TestSessionDeliversAndAcks(t *testing.T) {
	f := newHubFixture(t, nil)
	d := newDeliveries()
	s := f.dialSession(t, d, nil)

	snap := d.next(t)
	if !snap.Snapshot || len(snap.Tasks) != 0 {
		t.Fatalf("first delivery: got snapshot=%v with %d tasks, want an empty snapshot", snap.Snapshot, len(snap.Tasks))
	}
	want := task("aaa", 1, "RUNNING")
	f.hub.Notify(testCluster, testInstance, want)
	got := d.next(t)
	if got.Snapshot || len(got.Tasks) != 1 || got.Tasks[0].Arn != want.Arn {
		t.Fatalf("delivery: got %+v, want %s", got, want.Arn)
	}
	waitFor(t, "the hub to receive the acks", func() bool { return f.hub.Unacked(testInstance) == 0 })
	if !s.Connected() || !f.hub.Connected(testInstance) {
		t.Fatalf("connected: got session %v hub %v, want both true", s.Connected(), f.hub.Connected(testInstance))
	}
}

func TestSessionAppliesEachVersionOnce(t *testing.T) {
	f := newHubFixture(t, nil)
	d := newDeliveries()
	s := f.dialSession(t, d, nil)
	d.next(t) // empty snapshot

	v1 := task("aaa", 1, "RUNNING")
	f.hub.Notify(testCluster, testInstance, v1)
	if got := d.next(t); got.Tasks[0].Version != 1 {
		t.Fatalf("first delivery: got version %d, want 1", got.Tasks[0].Version)
	}
	waitFor(t, "the ack", func() bool { return f.hub.Unacked(testInstance) == 0 })

	// The control plane still lists v1; after a reconnect the snapshot
	// repeats it and must not hand it over again.
	f.control.setPending(testInstance, v1)
	f.hub.Disconnect(testInstance, "test")
	snap := d.next(t)
	if !snap.Snapshot || len(snap.Tasks) != 0 {
		t.Fatalf("snapshot after reconnect: got snapshot=%v tasks=%+v, want a snapshot with no fresh tasks", snap.Snapshot, snap.Tasks)
	}
	if got := s.Connects(); got != 2 {
		t.Fatalf("connects: got %d, want 2", got)
	}

	// A duplicate of v1, then v2: only v2 is handed over.
	f.hub.Notify(testCluster, testInstance, v1)
	v2 := task("aaa", 2, "STOPPED")
	f.hub.Notify(testCluster, testInstance, v2)
	got := d.next(t)
	if len(got.Tasks) != 1 || got.Tasks[0].Version != 2 {
		t.Fatalf("delivery after the duplicate: got %+v, want only version 2", got.Tasks)
	}
	waitFor(t, "the acks", func() bool { return f.hub.Unacked(testInstance) == 0 })
	select {
	case extra := <-d.ch:
		t.Fatalf("extra delivery: got %+v, want none", extra)
	default:
	}
}

func TestSessionRefusedPayloadIsResent(t *testing.T) {
	f := newHubFixture(t, func(c *HubConfig) { c.AckTimeout = 20 * time.Millisecond })
	d := newDeliveries()
	f.dialSession(t, d, nil)
	d.next(t) // snapshot

	d.mu.Lock()
	d.fail = 1
	d.mu.Unlock()
	f.hub.Notify(testCluster, testInstance, task("aaa", 1, "RUNNING"))
	got := d.next(t)
	if len(got.Tasks) != 1 || got.Tasks[0].Version != 1 {
		t.Fatalf("delivery after a refusal: got %+v, want version 1", got.Tasks)
	}
	waitFor(t, "the ack", func() bool { return f.hub.Unacked(testInstance) == 0 })
}

func TestSessionReconnectsWhenServerIsSilent(t *testing.T) {
	f := newHubFixture(t, func(c *HubConfig) { c.HeartbeatInterval = time.Hour })
	d := newDeliveries()
	s := f.dialSession(t, d, func(c *ClientConfig) { c.HeartbeatTimeout = 30 * time.Millisecond })
	f.control.expectEvent(t, connEvent{testInstance, true})
	// The session gives up on the silent connection and opens a new one.
	f.control.expectEvent(t, connEvent{testInstance, false})
	f.control.expectEvent(t, connEvent{testInstance, true})
	waitFor(t, "the second connection", func() bool { return s.Connects() >= 2 })
}

func TestDialRefused(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(*ClientConfig)
		wantCode string
	}{
		{name: "wrong secret", edit: func(c *ClientConfig) { c.SecretAccessKey = "wrong" }, wantCode: "InvalidSignatureException"},
		{name: "unknown key", edit: func(c *ClientConfig) { c.AccessKeyID = "AKIDUNKNOWN" }, wantCode: "UnrecognizedClientException"},
		{name: "wrong region", edit: func(c *ClientConfig) { c.Region = "eu-west-1" }, wantCode: "InvalidSignatureException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newHubFixture(t, nil)
			cfg := ClientConfig{
				Endpoint: f.server.URL, Cluster: testCluster, ContainerInstanceArn: testInstance,
				AccessKeyID: testKey, SecretAccessKey: testSecret, Region: testRegion,
				Handler: newDeliveries().handle, Logger: quietLogger(),
			}
			tc.edit(&cfg)
			_, err := Dial(context.Background(), cfg)
			var he *HandshakeError
			if !errors.As(err, &he) || he.Code != tc.wantCode {
				t.Fatalf("Dial: got %v, want a HandshakeError %s", err, tc.wantCode)
			}
			select {
			case e := <-f.control.events:
				t.Fatalf("AgentConnected: got %+v, want no call", e)
			default:
			}
		})
	}
}

func TestPollURL(t *testing.T) {
	q := url.Values{ParamSeqNum: {"7"}}
	tests := []struct {
		endpoint string
		want     string
		wantErr  bool
	}{
		{endpoint: "http://127.0.0.1:8080", want: "ws://127.0.0.1:8080/ws?seqNum=7"},
		{endpoint: "https://ecs.example.com/", want: "wss://ecs.example.com/ws?seqNum=7"},
		{endpoint: "wss://ecs.example.com/base", want: "wss://ecs.example.com/base/ws?seqNum=7"},
		{endpoint: "ftp://x", wantErr: true},
		{endpoint: "http://", wantErr: true},
	}
	for _, tc := range tests {
		u, err := PollURL(tc.endpoint, q)
		if tc.wantErr {
			if err == nil {
				t.Errorf("PollURL(%q): got %s, want an error", tc.endpoint, u)
			}
			continue
		}
		if err != nil || u.String() != tc.want {
			t.Errorf("PollURL(%q): got %v, %v; want %s", tc.endpoint, u, err, tc.want)
		}
	}
}
