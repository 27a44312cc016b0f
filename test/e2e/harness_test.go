package e2e

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go"

	"github.com/berth-io/berth/internal/server"
	"github.com/berth-io/berth/internal/sigv4"
)

const (
	testRegion  = "us-east-1"
	testAccount = "123456789012"
	testKey     = "AKIDBERTHTEST"
	testSecret  = "berth-test-secret"
)

// harness is one running control plane and a client for it.
type harness struct {
	t       *testing.T
	dataDir string
	srv     *server.Server
	ecs     *ecs.Client
}

// start runs a control plane on a fresh data dir.
func start(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, dataDir: t.TempDir()}
	h.restart()
	t.Cleanup(func() {
		if h.srv != nil {
			_ = h.srv.Close()
		}
	})
	return h
}

// restart stops the running server (if any) and starts a new one on the same data dir.
func (h *harness) restart() {
	h.t.Helper()
	if h.srv != nil {
		if err := h.srv.Close(); err != nil {
			h.t.Fatalf("close server: %v", err)
		}
	}
	srv, err := server.Start(context.Background(), server.Config{
		Listen:      "127.0.0.1:0",
		DataDir:     h.dataDir,
		Region:      testRegion,
		AccountID:   testAccount,
		Credentials: sigv4.StaticCredentials{testKey: testSecret},
	})
	if err != nil {
		h.t.Fatalf("start server: %v", err)
	}
	h.srv = srv
	h.ecs = newClient(srv.URL, testKey, testSecret)
}

// newClient returns an SDK client for endpoint. It keeps the SDK's standard
// retryer (3 attempts) for transient failures only: under load the SDK can
// lose a response to its own request-body race (aws-sdk-go-v2#2737), which
// is retried; ECS errors such as InvalidParameterException are not
// retryable and surface at once, so tests still see them.
func newClient(endpoint, key, secret string) *ecs.Client {
	return ecs.New(ecs.Options{
		Region:       testRegion,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
		Retryer:      retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 3 }),
	})
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// wantAPIError asserts err is a service error with the given code and,
// when msg is not empty, message.
func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("got error %v, want %s", err, code)
	}
	if apiErr.ErrorCode() != code {
		t.Fatalf("got %s (%s), want %s", apiErr.ErrorCode(), apiErr.ErrorMessage(), code)
	}
	if msg != "" && apiErr.ErrorMessage() != msg {
		t.Fatalf("got message %q, want %q", apiErr.ErrorMessage(), msg)
	}
}

// wantTyped asserts err unwraps to the SDK's typed exception T.
func wantTyped[T error](t *testing.T, err error) T {
	t.Helper()
	var typed T
	if !errors.As(err, &typed) {
		t.Fatalf("got %T %v, want %T", err, err, typed)
	}
	return typed
}
