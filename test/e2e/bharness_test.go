package e2e

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent"
	"github.com/berth-io/berth/internal/server"
	"github.com/berth-io/berth/internal/sigv4"
)

// startB is start for benchmarks: a control plane with fsync on, on a
// fresh data dir, closed when the benchmark ends.
func startB(b *testing.B) *harness {
	b.Helper()
	srv, err := server.Start(context.Background(), server.Config{
		Listen: "127.0.0.1:0", DataDir: b.TempDir(), Region: testRegion, AccountID: testAccount,
		Credentials: sigv4.StaticCredentials{testKey: testSecret},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	return &harness{srv: srv, ecs: newClient(srv.URL, testKey, testSecret)}
}

func startAgentB(b *testing.B, h *harness, runtime string) *agent.Agent {
	b.Helper()
	a, err := agent.New(agent.Config{
		Endpoint: h.srv.URL, Region: testRegion, AccessKeyID: testKey, SecretAccessKey: testSecret,
		Cluster: "default", Runtime: runtime, StateDir: b.TempDir(), CPU: 4096, MemoryMiB: 16384, StopTimeout: 2 * time.Second,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	b.Cleanup(func() { cancel(); <-done })
	deadline := time.Now().Add(20 * time.Second)
	for !a.Connected() {
		if time.Now().After(deadline) {
			b.Fatal("agent did not connect")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return a
}

func bctx(b *testing.B) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	b.Cleanup(cancel)
	return c
}
