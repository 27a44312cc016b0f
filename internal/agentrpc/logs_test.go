package agentrpc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/berth-io/berth/internal/ecs"
)

const testTask = "arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef"

// pattern returns n deterministic bytes that differ at every offset modulo
// 251, so a lost, repeated or reordered chunk changes the stream.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

// logsSession connects a Session serving src and waits until the Hub sees
// it.
func (f *hubFixture) logsSession(t *testing.T, src LogSource) *Session {
	t.Helper()
	s := f.dialSession(t, newDeliveries(), func(c *ClientConfig) { c.Logs = src })
	waitFor(t, "the hub to see the agent", func() bool { return f.hub.Connected(testInstance) })
	return s
}

// openLogs calls Hub.Logs for testTask's container "app" and fails the
// test on error.
func (f *hubFixture) openLogs(t *testing.T, ctx context.Context, follow bool) io.ReadCloser {
	t.Helper()
	rc, err := f.hub.Logs(ctx, testCluster, testInstance, LogsRequest{TaskArn: testTask, ContainerName: "app", Follow: follow})
	if err != nil {
		t.Fatalf("Logs: %v", err)
	}
	t.Cleanup(func() { rc.Close() })
	return rc
}

// readN reads exactly n bytes through reads of at most step bytes.
func readN(t *testing.T, r io.Reader, n, step int) []byte {
	t.Helper()
	out := make([]byte, 0, n)
	buf := make([]byte, step)
	for len(out) < n {
		k, err := r.Read(buf[:min(step, n-len(out))])
		out = append(out, buf[:k]...)
		if err != nil {
			t.Fatalf("read after %d of %d bytes: %v", len(out), n, err)
		}
	}
	return out
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	var ee *ecs.Error
	if !errors.As(err, &ee) || ee.Code != code {
		t.Fatalf("%s: got %v, want an ECS error %s", what, err, code)
	}
}

func TestLogsStreamsWhatTheAgentProvides(t *testing.T) {
	tests := []struct {
		name   string
		size   int
		window int
		step   int // read size
	}{
		{name: "empty output", size: 0, window: 8, step: 4096},
		{name: "one short chunk", size: 13, window: 8, step: 4096},
		{name: "many chunks beyond the window", size: 40*MaxLogsChunk + 17, window: 4, step: 64 << 10},
		{name: "slow reader, window of one", size: 6*MaxLogsChunk + 5, window: 1, step: 1000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newHubFixture(t, func(c *HubConfig) { c.LogsWindow = tc.window })
			want := pattern(tc.size)
			got := make(chan LogsRequest, 1)
			f.logsSession(t, func(_ context.Context, req LogsRequest) (io.ReadCloser, error) {
				got <- req
				return io.NopCloser(bytes.NewReader(want)), nil
			})
			rc := f.openLogs(t, context.Background(), false)
			data := readN(t, rc, tc.size, tc.step)
			if !bytes.Equal(data, want) {
				t.Fatalf("log bytes: got %d bytes differing from the %d provided", len(data), len(want))
			}
			if n, err := rc.Read(make([]byte, 10)); n != 0 || err != io.EOF {
				t.Fatalf("read at the end: got %d, %v; want 0, EOF", n, err)
			}
			req := <-got
			if req.TaskArn != testTask || req.ContainerName != "app" || req.ClusterArn != testCluster || req.Window != tc.window || req.Follow {
				t.Fatalf("request at the agent: got %+v, want task %s container app cluster %s window %d, no follow",
					req, testTask, testCluster, tc.window)
			}
		})
	}
}

func TestLogsOpenErrors(t *testing.T) {
	tests := []struct {
		name      string
		noAgent   bool
		src       LogSource
		wantCode  string
		wantInMsg string
	}{
		{name: "agent not connected", noAgent: true, wantCode: CodeTargetNotConnected},
		{name: "agent without log support", src: nil, wantCode: ecs.CodeUnsupportedFeature},
		{name: "unknown task", src: func(context.Context, LogsRequest) (io.ReadCloser, error) {
			return nil, ecs.Errorf(ecs.CodeResourceNotFound, "task not found")
		}, wantCode: ecs.CodeResourceNotFound, wantInMsg: "task not found"},
		{name: "runtime failure", src: func(context.Context, LogsRequest) (io.ReadCloser, error) {
			return nil, errors.New("CannotGetContainerLogsError: disk gone")
		}, wantCode: ecs.CodeServer, wantInMsg: "disk gone"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newHubFixture(t, nil)
			if !tc.noAgent {
				f.logsSession(t, tc.src)
			}
			rc, err := f.hub.Logs(context.Background(), testCluster, testInstance, LogsRequest{TaskArn: testTask})
			if err == nil {
				rc.Close()
			}
			wantCode(t, "Logs", err, tc.wantCode)
			if tc.wantInMsg != "" && !bytes.Contains([]byte(err.Error()), []byte(tc.wantInMsg)) {
				t.Fatalf("Logs error: got %q, want it to contain %q", err, tc.wantInMsg)
			}
		})
	}
}

// followSource is a LogSource whose stream the test writes to and which
// records when the agent closes it.
type followSource struct {
	pr     *io.PipeReader
	pw     *io.PipeWriter
	closed chan struct{}
	once   sync.Once
}

func newFollowSource() *followSource {
	pr, pw := io.Pipe()
	return &followSource{pr: pr, pw: pw, closed: make(chan struct{})}
}

func (s *followSource) open(_ context.Context, req LogsRequest) (io.ReadCloser, error) {
	if !req.Follow {
		return nil, errors.New("test source serves follow requests only")
	}
	return s, nil
}

func (s *followSource) Read(p []byte) (int, error) { return s.pr.Read(p) }

func (s *followSource) Close() error {
	s.once.Do(func() { close(s.closed) })
	return s.pr.Close()
}

func (s *followSource) write(t *testing.T, text string) {
	t.Helper()
	if _, err := s.pw.Write([]byte(text)); err != nil {
		t.Fatalf("write to the followed output: %v", err)
	}
}

func (s *followSource) waitClosed(t *testing.T) {
	t.Helper()
	select {
	case <-s.closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the agent never closed the container's log reader")
	}
}

func TestLogsFollowStreamsNewDataUntilCancelled(t *testing.T) {
	tests := []struct {
		name    string
		end     func(cancel context.CancelFunc, rc io.ReadCloser)
		wantErr error
	}{
		{name: "reader closed", end: func(_ context.CancelFunc, rc io.ReadCloser) { rc.Close() }, wantErr: errStreamClosed},
		{name: "context cancelled", end: func(cancel context.CancelFunc, _ io.ReadCloser) { cancel() }, wantErr: context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newHubFixture(t, nil)
			src := newFollowSource()
			f.logsSession(t, src.open)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			rc := f.openLogs(t, ctx, true)

			for _, line := range []string{"first line\n", "second line\n", "third\n"} {
				src.write(t, line)
				if got := string(readN(t, rc, len(line), 4096)); got != line {
					t.Fatalf("followed output: got %q, want %q", got, line)
				}
			}
			tc.end(cancel, rc)
			src.waitClosed(t)
			if _, err := rc.Read(make([]byte, 10)); !errors.Is(err, tc.wantErr) {
				t.Fatalf("read after the end: got %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestLogsAgentDisconnectEndsTheReaderWithAnError(t *testing.T) {
	f := newHubFixture(t, nil)
	src := newFollowSource()
	s := f.logsSession(t, src.open)
	rc := f.openLogs(t, context.Background(), true)
	src.write(t, "before\n")
	if got := string(readN(t, rc, 7, 4096)); got != "before\n" {
		t.Fatalf("output before the disconnect: got %q, want %q", got, "before\n")
	}

	s.Close() // the agent goes away mid-stream
	src.waitClosed(t)
	n, err := rc.Read(make([]byte, 10))
	if n != 0 {
		t.Fatalf("read after the disconnect: got %d bytes, want 0", n)
	}
	wantCode(t, "read after the disconnect", err, CodeTargetNotConnected)
}

// rawLogsRequest reads the LogsRequest the hub sent to a raw agent.
func (c *rawConn) logsRequest() LogsRequest {
	c.t.Helper()
	var req LogsRequest
	c.next(TypeLogsRequest, &req)
	return req
}

func (c *rawConn) chunk(ch LogsChunk) {
	c.t.Helper()
	data, err := encodeEnvelope(TypeLogsChunk, ch)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.ws.WriteMessage(websocket.TextMessage, data); err != nil {
		c.t.Fatalf("write chunk: %v", err)
	}
}

// openRaw starts Hub.Logs in the background against a raw agent and
// returns the request it sent and a channel with Logs' result.
func openRaw(t *testing.T, f *hubFixture, c *rawConn) (LogsRequest, chan io.ReadCloser, chan error) {
	t.Helper()
	rcs, errs := make(chan io.ReadCloser, 1), make(chan error, 1)
	go func() {
		rc, err := f.hub.Logs(context.Background(), testCluster, testInstance, LogsRequest{TaskArn: testTask})
		if err != nil {
			errs <- err
			return
		}
		rcs <- rc
	}()
	return c.logsRequest(), rcs, errs
}

func TestLogsCreditsAndWindow(t *testing.T) {
	const window = 4
	f := newHubFixture(t, func(c *HubConfig) { c.LogsWindow = window })
	c := f.mustRawDial(t, testInstance, 1)
	waitFor(t, "the connection", func() bool { return f.hub.Connected(testInstance) })

	// Within the window: the opening chunk and window-1 data chunks, then
	// reading half the window earns a credit of that many chunks.
	req, rcs, errs := openRaw(t, f, c)
	if req.Window != window {
		t.Fatalf("window in the request: got %d, want %d", req.Window, window)
	}
	c.chunk(LogsChunk{RequestID: req.RequestID})
	var rc io.ReadCloser
	select {
	case rc = <-rcs:
	case err := <-errs:
		t.Fatalf("Logs: %v", err)
	}
	defer rc.Close()
	for i := 1; i < window; i++ {
		c.chunk(LogsChunk{RequestID: req.RequestID, Data: []byte{byte('0' + i)}})
	}
	if got := string(readN(t, rc, window-1, 1)); got != "123" {
		t.Fatalf("data: got %q, want %q", got, "123")
	}
	var credit LogsCredit
	c.next(TypeLogsCredit, &credit)
	if credit.RequestID != req.RequestID || credit.Chunks != window/2 {
		t.Fatalf("credit: got %+v, want %d chunks for %s", credit, window/2, req.RequestID)
	}

	// An agent that sends past the window has its stream failed and
	// cancelled.
	req2, rcs2, errs2 := openRaw(t, f, c)
	c.chunk(LogsChunk{RequestID: req2.RequestID})
	var rc2 io.ReadCloser
	select {
	case rc2 = <-rcs2:
	case err := <-errs2:
		t.Fatalf("second Logs: %v", err)
	}
	defer rc2.Close()
	for range window + 1 {
		c.chunk(LogsChunk{RequestID: req2.RequestID, Data: []byte("x")})
	}
	var cancel LogsCancel
	c.next(TypeLogsCancel, &cancel)
	if cancel.RequestID != req2.RequestID {
		t.Fatalf("cancel: got %s, want %s", cancel.RequestID, req2.RequestID)
	}
	_, err := io.ReadAll(rc2)
	wantCode(t, "read of the overrun stream", err, ecs.CodeServer)
}

func TestLogsAgentThatNeverAnswers(t *testing.T) {
	f := newHubFixture(t, func(c *HubConfig) { c.LogsOpenTimeout = 30 * time.Millisecond })
	c := f.mustRawDial(t, testInstance, 1)
	waitFor(t, "the connection", func() bool { return f.hub.Connected(testInstance) })
	req, _, errs := openRaw(t, f, c)
	err := <-errs
	wantCode(t, "Logs", err, ecs.CodeServer)
	var cancel LogsCancel
	c.next(TypeLogsCancel, &cancel)
	if cancel.RequestID != req.RequestID {
		t.Fatalf("cancel after the timeout: got %s, want %s", cancel.RequestID, req.RequestID)
	}
}

// BenchmarkLogsThroughput measures log bytes streamed from an agent's
// LogSource through the Hub's reader over a loopback websocket.
func BenchmarkLogsThroughput(b *testing.B) {
	const size = 8 << 20
	data := pattern(size)
	f := newHubFixture(b, nil)
	s, err := Dial(context.Background(), ClientConfig{
		Endpoint: f.server.URL, Cluster: testCluster, ContainerInstanceArn: testInstance,
		AccessKeyID: testKey, SecretAccessKey: testSecret, Region: testRegion, Logger: quietLogger(),
		Handler: newDeliveries().handle,
		Logs: func(context.Context, LogsRequest) (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(data)), nil
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for !f.hub.Connected(testInstance) {
		time.Sleep(time.Millisecond)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		rc, err := f.hub.Logs(context.Background(), testCluster, testInstance, LogsRequest{TaskArn: testTask})
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil || n != size {
			b.Fatal(fmt.Errorf("copied %d bytes, %v; want %d", n, err, size))
		}
	}
}
