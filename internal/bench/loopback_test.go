package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// ecsServer is a real HTTP server on loopback that answers ECS JSON
// requests with canned bodies by operation, and counts what it received.
type ecsServer struct {
	*httptest.Server
	mu       sync.Mutex
	received map[string]int
	// bodies maps an operation to its status and response body.
	bodies map[string]cannedResponse
	// hold, when not nil, keeps every request waiting until it is closed.
	hold chan struct{}
}

type cannedResponse struct {
	status int
	body   string
}

func newECSServer(t *testing.T, bodies map[string]cannedResponse) *ecsServer {
	t.Helper()
	s := &ecsServer{received: map[string]int{}, bodies: bodies}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *ecsServer) serve(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AmazonEC2ContainerServiceV20141113.")
	s.mu.Lock()
	s.received[op]++
	s.mu.Unlock()
	if s.hold != nil {
		select {
		case <-s.hold:
		case <-r.Context().Done():
			return
		}
	}
	resp, ok := s.bodies[op]
	if !ok {
		resp = cannedResponse{400, `{"__type":"UnsupportedFeatureException","message":"not here"}`}
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(resp.status)
	fmt.Fprint(w, resp.body)
}

func (s *ecsServer) count(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received[op]
}

// sdkClient is the official ECS client for url, without retries, over
// the tool's HTTP client; mutate changes its options.
func sdkClient(url string, timeout time.Duration, mutate ...func(*ecs.Options)) *ecs.Client {
	return ecs.New(ecs.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   newHTTPClient(&options{clients: 8, timeout: timeout}),
	}, mutate...)
}

// TestLoadMakesExactlyTheRequests checks that a requests-bounded run with
// more clients than requests makes exactly the requests asked for, as the
// server counts them.
func TestLoadMakesExactlyTheRequests(t *testing.T) {
	srv := newECSServer(t, map[string]cannedResponse{"ListTasks": {200, `{"taskArns":["a","b","c"]}`}})
	tests := []struct {
		clients  int
		requests int64
	}{
		{clients: 8, requests: 5},
		{clients: 3, requests: 50},
		{clients: 1, requests: 1},
	}
	total := 0
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d clients %d requests", tt.clients, tt.requests), func(t *testing.T) {
			l := &load{api: sdkClient(srv.URL, time.Minute), fx: &fixture{cluster: "c"}, sc: scenarios["list"],
				clients: tt.clients, requests: tt.requests}
			col, _ := l.run(context.Background())
			total += int(tt.requests)
			if got := srv.count("ListTasks"); got != total {
				t.Errorf("server received %d ListTasks, want %d", got, total)
			}
			if col.all.calls != tt.requests || col.all.ok != tt.requests || col.all.items != 3*tt.requests {
				t.Errorf("calls, ok, items = %d, %d, %d; want %d, %d, %d",
					col.all.calls, col.all.ok, col.all.items, tt.requests, tt.requests, 3*tt.requests)
			}
		})
	}
}

// TestLoadInterrupted checks that cancelling the run stops new calls and
// that the calls in flight finish and are counted.
func TestLoadInterrupted(t *testing.T) {
	srv := newECSServer(t, map[string]cannedResponse{"ListTasks": {200, `{"taskArns":[]}`}})
	srv.hold = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	l := &load{api: sdkClient(srv.URL, time.Minute), fx: &fixture{cluster: "c"}, sc: scenarios["list"],
		clients: 4, duration: time.Hour}
	done := make(chan *collector)
	go func() {
		col, _ := l.run(ctx)
		done <- col
	}()
	for srv.count("ListTasks") < 4 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	close(srv.hold)
	col := <-done
	if col.all.calls != 4 || col.all.ok != 4 {
		t.Errorf("calls, ok = %d, %d; want the 4 in flight, all ok", col.all.calls, col.all.ok)
	}
	if got := srv.count("ListTasks"); got != 4 {
		t.Errorf("server received %d calls, want 4", got)
	}
}

// TestLoadCountsErrors checks that errors reach the tally by name without
// being retried: one request per call.
func TestLoadCountsErrors(t *testing.T) {
	srv := newECSServer(t, map[string]cannedResponse{
		"RunTask": {400, `{"__type":"ThrottlingException","message":"Rate exceeded"}`},
	})
	l := &load{api: sdkClient(srv.URL, time.Minute), fx: &fixture{cluster: "c", taskDef: "td"},
		sc: scenarios["runtask10"], clients: 2, requests: 6}
	col, _ := l.run(context.Background())
	if got := srv.count("RunTask"); got != 6 {
		t.Errorf("server received %d RunTask, want 6 (no retries)", got)
	}
	if col.all.errors != 6 || col.errors["ThrottlingException"] != 6 || col.samples["ThrottlingException"] != "Rate exceeded" {
		t.Errorf("errors = %d %v %v, want 6 ThrottlingException with message Rate exceeded", col.all.errors, col.errors, col.samples)
	}
	if col.all.calls != 6 || col.all.ok != 0 || col.all.requested != 0 {
		t.Errorf("calls, ok, requested = %d, %d, %d; want 6, 0, 0", col.all.calls, col.all.ok, col.all.requested)
	}
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestOwnBody checks that the body the transport gets does not depend on
// the SDK's: closing the SDK's (which the SDK does as soon as the response
// arrives) leaves the transport's readable to the end.
func TestOwnBody(t *testing.T) {
	const payload = `{"cluster":"c","maxResults":100}`
	var sent *http.Request
	rt := ownBody{roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent = r
		return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
	})}
	sdkBody := io.NopCloser(strings.NewReader(payload))
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1/", sdkBody)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(payload))
	if _, err := rt.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if sent == req || req.Body != sdkBody {
		t.Fatalf("RoundTrip changed or passed on the caller's request, want a copy")
	}
	_ = req.Body.Close()
	got, err := io.ReadAll(sent.Body)
	if err != nil || string(got) != payload || sent.ContentLength != int64(len(payload)) {
		t.Errorf("transport body = %q (length %d, err %v), want %q", got, sent.ContentLength, err, payload)
	}
	again, err := sent.GetBody()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(again); string(b) != payload {
		t.Errorf("GetBody() = %q, want %q", b, payload)
	}
}
