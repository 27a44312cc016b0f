package ecsapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// waitingBackend's ListClusters waits for its context to end and fails
// with the context's error, as a backend interrupted in a store call does.
type waitingBackend struct{}

func (waitingBackend) ListClusters(ctx context.Context, _ *ecsmodel.ListClustersRequest) (*ecsmodel.ListClustersResponse, error) {
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("listing clusters: %w", ctx.Err())
	case <-time.After(30 * time.Second):
		return &ecsmodel.ListClustersResponse{}, nil
	}
}

// TestClientClosedIsNotAServerFault sends a signed request and half-closes
// the connection, which ends the request's context while the backend
// waits: the answer is a ClientException logged at Info, not a
// ServerException.
func TestClientClosedIsNotAServerFault(t *testing.T) {
	logs := &bytes.Buffer{}
	srv := httptest.NewServer(New(Config{
		Backend:  waitingBackend{},
		Verifier: testVerifier(),
		Logger:   slog.New(slog.NewJSONHandler(&lockedWriter{w: logs}, nil)),
	}))
	defer srv.Close()
	req := rawRequest{body: "{}"}.build(t, srv.URL)
	var raw bytes.Buffer
	if err := req.Write(&raw); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := conn.Write(raw.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	var e struct {
		Type string `json:"__type"`
	}
	_ = json.Unmarshal(body, &e)
	if resp.StatusCode != http.StatusBadRequest || e.Type != "ClientException" || resp.Header.Get("x-amzn-ErrorType") != "ClientException" {
		t.Errorf("got %d %s, want 400 ClientException", resp.StatusCode, body)
	}
	srv.Close() // waits for the handler, and so for its log line
	if line := logs.String(); !strings.Contains(line, `"level":"INFO"`) || strings.Contains(line, `"error"`) {
		t.Errorf("got log %s, want an Info line without an error", line)
	}
}
