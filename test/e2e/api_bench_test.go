package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/berth-io/berth/internal/sigv4"
)

// BenchmarkDescribeTaskDefinitionHTTP runs DescribeTaskDefinition from
// concurrent aws-sdk-go-v2 clients over loopback HTTP with SigV4 (client
// and server share the machine's cores) and reports calls/s.
func BenchmarkDescribeTaskDefinitionHTTP(b *testing.B) {
	h := startB(b)
	if _, err := h.ecs.RegisterTaskDefinition(bctx(b), taskDef("bench")); err != nil {
		b.Fatal(err)
	}
	in := &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("bench:1")}
	b.SetParallelism(16)
	b.ResetTimer()
	begin := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := h.ecs.DescribeTaskDefinition(bctx(b), in); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(begin).Seconds(), "calls/s")
}

// BenchmarkRegisterTaskDefinitionHTTP registers new revisions (each
// durable: fsync on) from concurrent SDK clients over HTTP, spread over 16
// families, and reports calls/s.
func BenchmarkRegisterTaskDefinitionHTTP(b *testing.B) {
	h := startB(b)
	var n atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	begin := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			family := fmt.Sprintf("fam%d", n.Add(1)%16)
			if _, err := h.ecs.RegisterTaskDefinition(bctx(b), taskDef(family)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(begin).Seconds(), "calls/s")
}

// BenchmarkDescribeTaskDefinitionServer measures what one signed
// DescribeTaskDefinition costs the server alone (edge, SigV4, control
// plane, store read, encoding) with no client or network in the loop;
// -benchmem gives the server's allocations per call.
func BenchmarkDescribeTaskDefinitionServer(b *testing.B) {
	h := startB(b)
	if _, err := h.ecs.RegisterTaskDefinition(bctx(b), taskDef("bench")); err != nil {
		b.Fatal(err)
	}
	serveSignedLoop(b, h, "DescribeTaskDefinition", []byte(`{"taskDefinition":"bench:1"}`))
}

// serveSignedLoop sends one signed request b.N times straight to the
// server's handler (no client, no network) and fails on any non-200, so
// -benchmem reports the server's own allocations per call.
func serveSignedLoop(b *testing.B, h *harness, op string, body []byte) {
	b.Helper()
	handler := h.srv.Handler()
	req := signedRequest(b, op, body)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := req.Clone(req.Context())
		r.Body = readCloser(body)
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("got status %d: %s", w.Code, w.Body)
		}
	}
}

// signedRequest builds one SigV4-signed API request (valid for the 5-minute skew window).
func signedRequest(b *testing.B, op string, body []byte) *http.Request {
	b.Helper()
	req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113."+op)
	sigv4.Sign(req, body, testKey, testSecret, testRegion, "ecs", time.Now())
	return req
}

type bodyReader struct{ *bytes.Reader }

func (bodyReader) Close() error { return nil }

func readCloser(b []byte) bodyReader { return bodyReader{bytes.NewReader(b)} }
