package sim

import (
	"context"
	goruntime "runtime"
	"testing"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// TestRemoveRunningEndsWaitersWith137 removes a running container while a
// Wait is blocked on it; the waiter sees the SIGKILL exit code.
func TestRemoveRunningEndsWaitersWith137(t *testing.T) {
	ctx := context.Background()
	rt := New(Options{})
	id, err := rt.Create(ctx, runtime.ContainerSpec{TaskARN: "task-1", ContainerName: "app", Command: []string{"sleep", "infinity"}})
	if err != nil {
		t.Fatalf("Create: got error %v, want nil", err)
	}
	if err := rt.Start(ctx, id); err != nil {
		t.Fatalf("Start: got error %v, want nil", err)
	}
	got := make(chan runtime.ExitResult, 1)
	go func() {
		res, _ := rt.Wait(ctx, id)
		got <- res
	}()
	// The waiter is blocked once it has made the done channel.
	for {
		rt.mu.Lock()
		waiting := rt.containers[id].done != nil
		rt.mu.Unlock()
		if waiting {
			break
		}
		goruntime.Gosched()
	}
	if err := rt.Remove(ctx, id); err != nil {
		t.Fatalf("Remove: got error %v, want nil", err)
	}
	if res := <-got; res.ExitCode != exitKill {
		t.Fatalf("Wait across Remove: got exit code %d, want %d", res.ExitCode, exitKill)
	}
}
