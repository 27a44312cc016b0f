package ecsapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/sigv4"
)

// Test credentials and region.
const (
	testAccessKeyID = "BERTHTESTKEY0000001"
	testSecret      = "test-secret-access-key-0000000000000000"
	testRegion      = "us-east-1"
)

// createdAt is the timestamp RunTask's fixture task carries: the ECS docs'
// example 1453465153.893.
var createdAt = time.UnixMilli(1453465153893).UTC()

// testBackend implements ListClusters, DescribeClusters and RunTask. The
// cluster name of a RunTask picks its outcome; calls counts every backend
// call, so tests can prove a bad request never reached it.
type testBackend struct {
	calls atomic.Int64
}

func (b *testBackend) ListClusters(ctx context.Context, in *ecsmodel.ListClustersRequest) (*ecsmodel.ListClustersResponse, error) {
	b.calls.Add(1)
	return &ecsmodel.ListClustersResponse{ClusterArns: []string{clusterARN("default")}}, nil
}

// DescribeClusters echoes each name as a cluster, tagged with the request id
// and access key id the edge put in the context; "missing" is not found.
func (b *testBackend) DescribeClusters(ctx context.Context, in *ecsmodel.DescribeClustersRequest) (*ecsmodel.DescribeClustersResponse, error) {
	b.calls.Add(1)
	out := &ecsmodel.DescribeClustersResponse{}
	for _, name := range in.Clusters {
		if name == "missing" {
			return nil, ecs.ClusterNotFound()
		}
		out.Clusters = append(out.Clusters, ecsmodel.Cluster{
			ClusterName: name,
			ClusterArn:  clusterARN(name),
			Status:      "ACTIVE",
			Tags: []ecsmodel.Tag{
				{Key: "request-id", Value: RequestID(ctx)},
				{Key: "access-key-id", Value: AccessKeyID(ctx)},
			},
		})
	}
	return out, nil
}

// RunTask fails as its cluster says, or starts one task.
func (b *testBackend) RunTask(ctx context.Context, in *ecsmodel.RunTaskRequest) (*ecsmodel.RunTaskResponse, error) {
	b.calls.Add(1)
	switch in.Cluster {
	case "missing":
		return nil, ecs.ClusterNotFound()
	case "conflict":
		return nil, &ecs.Error{Code: ecs.CodeConflict, Message: "The clientToken was used with other parameters.",
			ResourceIDs: []string{taskARN("t1"), taskARN("t2")}}
	case "invalid":
		return nil, fmt.Errorf("checking count: %w", ecs.InvalidParameter("count must be at most 10."))
	case "internal":
		return nil, errors.New("store: disk on fire")
	case "panic":
		panic("backend bug")
	case "nil":
		return nil, nil
	}
	return &ecsmodel.RunTaskResponse{Tasks: []ecsmodel.Task{{
		TaskArn:           taskARN("t1"),
		TaskDefinitionArn: in.TaskDefinition,
		LastStatus:        "PROVISIONING",
		CreatedAt:         ecsmodel.NewTime(createdAt),
	}}}, nil
}

func clusterARN(name string) string { return "arn:aws:ecs:us-east-1:000000000000:cluster/" + name }
func taskARN(id string) string      { return "arn:aws:ecs:us-east-1:000000000000:task/default/" + id }

// edge is a running edge on a loopback test server.
type edge struct {
	backend *testBackend
	server  *httptest.Server
	metrics *Metrics
	reg     *prometheus.Registry
	logs    *bytes.Buffer
}

// startEdge serves a testBackend through New on 127.0.0.1:0 with real SigV4
// verification, JSON logs captured and metrics registered.
func startEdge(t *testing.T) *edge {
	t.Helper()
	e := &edge{backend: &testBackend{}, metrics: NewMetrics(), reg: prometheus.NewRegistry(), logs: &bytes.Buffer{}}
	e.reg.MustRegister(e.metrics.Collectors()...)
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: e.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.server = httptest.NewServer(New(Config{
		Backend:  e.backend,
		Verifier: testVerifier(),
		Logger:   logger,
		Metrics:  e.metrics,
	}))
	t.Cleanup(e.server.Close)
	return e
}

func testVerifier() *sigv4.Verifier {
	return &sigv4.Verifier{Credentials: sigv4.StaticCredentials{testAccessKeyID: testSecret}, Region: testRegion}
}

// client returns an SDK client for the edge that signs with secret and never
// retries.
func (e *edge) client(secret string) *awsecs.Client {
	return awsecs.New(awsecs.Options{
		Region:       testRegion,
		BaseEndpoint: aws.String(e.server.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(testAccessKeyID, secret, ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   e.server.Client(),
	})
}

// rawRequest describes a hand-made request; the zero value is a signed
// ListClusters with body {}.
type rawRequest struct {
	method      string
	path        string
	target      string // "" means ListClusters; "-" sends no X-Amz-Target
	contentType string // "" means application/x-amz-json-1.1; "-" sends none
	body        string
	unsigned    bool
	signedAt    time.Duration // signing time relative to now
}

func (rr rawRequest) build(t testing.TB, baseURL string) *http.Request {
	t.Helper()
	method, path := rr.method, rr.path
	if method == "" {
		method = http.MethodPost
	}
	if path == "" {
		path = "/"
	}
	req, err := http.NewRequest(method, baseURL+path, strings.NewReader(rr.body))
	if err != nil {
		t.Fatalf("building request: %v", err)
	}
	switch rr.target {
	case "":
		req.Header.Set("X-Amz-Target", ecsmodel.TargetPrefix+".ListClusters")
	case "-":
	default:
		req.Header.Set("X-Amz-Target", rr.target)
	}
	switch rr.contentType {
	case "":
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	case "-":
	default:
		req.Header.Set("Content-Type", rr.contentType)
	}
	if !rr.unsigned {
		sign(t, req, []byte(rr.body), time.Now().Add(rr.signedAt))
	}
	return req
}

// sign signs req with the SDK's own SigV4 signer.
func sign(t testing.TB, req *http.Request, body []byte, at time.Time) {
	t.Helper()
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: testAccessKeyID, SecretAccessKey: testSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "ecs", testRegion, at); err != nil {
		t.Fatalf("signing: %v", err)
	}
}

// rawResponse is a response read in full.
type rawResponse struct {
	status int
	header http.Header
	body   string
}

func (e *edge) do(t *testing.T, rr rawRequest) rawResponse {
	t.Helper()
	resp, err := e.server.Client().Do(rr.build(t, e.server.URL))
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading response: %v", err)
	}
	return rawResponse{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

// lockedWriter serialises writes from concurrent handlers into one buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// finish waits for every request to the edge to complete (logs written,
// metrics observed) and stops the server.
func (e *edge) finish() { e.server.Close() }

func staticCreds(accessKeyID, secret string) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(accessKeyID, secret, "")
}
