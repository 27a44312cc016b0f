package ecsapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/sigv4"
)

// benchBackend answers DescribeClusters with a fixed cluster.
type benchBackend struct{}

func (benchBackend) DescribeClusters(_ context.Context, in *ecsmodel.DescribeClustersRequest) (*ecsmodel.DescribeClustersResponse, error) {
	out := &ecsmodel.DescribeClustersResponse{Clusters: make([]ecsmodel.Cluster, 0, len(in.Clusters))}
	for _, name := range in.Clusters {
		out.Clusters = append(out.Clusters, ecsmodel.Cluster{
			ClusterName: name, ClusterArn: clusterARN(name), Status: "ACTIVE", RunningTasksCount: 3,
		})
	}
	return out, nil
}

const benchBody = `{"clusters":["default"],"include":["TAGS"]}`

// benchEdge returns the edge over benchBackend, with metrics and a discarding
// logger, and a request signed at a fixed time its verifier accepts forever.
func benchEdge(b *testing.B, baseURL string) (http.Handler, *http.Request) {
	signedAt := time.Now()
	verifier := &sigv4.Verifier{
		Credentials: sigv4.StaticCredentials{testAccessKeyID: testSecret},
		Region:      testRegion,
		Now:         func() time.Time { return signedAt },
	}
	h := New(Config{Backend: benchBackend{}, Verifier: verifier, Metrics: NewMetrics()})
	req, err := http.NewRequest(http.MethodPost, baseURL+"/", bytes.NewReader([]byte(benchBody)))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", target("DescribeClusters"))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	sign(b, req, []byte(benchBody), signedAt)
	return h, req
}

// discardWriter is a ResponseWriter that keeps only the status.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }

// BenchmarkEdge measures the whole edge for one signed DescribeClusters:
// body read, SigV4 verification, routing, decode, validation, the backend
// call, encoding and metrics; no network.
func BenchmarkEdge(b *testing.B) {
	h, req := benchEdge(b, "http://127.0.0.1:8080")
	body := []byte(benchBody)
	reader := bytes.NewReader(body)
	req.Body = io.NopCloser(reader)
	req.ContentLength = int64(len(body))
	w := &discardWriter{header: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		reader.Reset(body)
		clear(w.header)
		h.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status: got %d, want 200", w.status)
		}
	}
}

// BenchmarkEdgeHTTP measures the edge behind a real loopback HTTP server,
// with parallel keep-alive clients; req/s is the throughput.
func BenchmarkEdgeHTTP(b *testing.B) {
	var h http.Handler
	server := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	server.Start()
	defer server.Close()
	h, template := benchEdge(b, server.URL)
	client := server.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
	body := []byte(benchBody)
	b.ReportAllocs()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := template.Clone(context.Background())
			req.Body = io.NopCloser(bytes.NewReader(body))
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status: got %d, want 200", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}
