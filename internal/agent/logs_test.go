package agent

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecs"
)

// readUntil reads r until what it has read ends with want, and returns
// it all; it fails the test if the stream ends first.
func readUntil(t *testing.T, r io.Reader, want string) string {
	t.Helper()
	var b strings.Builder
	buf := make([]byte, 256)
	for !strings.HasSuffix(b.String(), want) {
		n, err := r.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			t.Fatalf("log stream ended with %v after %q, want it to reach %q", err, b.String(), want)
		}
	}
	return b.String()
}

func logsRequest(id, container string, follow bool) agentrpc.LogsRequest {
	return agentrpc.LogsRequest{RequestID: "r-" + id, TaskArn: taskArn(id), ContainerName: container, Follow: follow}
}

// stopTask stops a running task and waits for its STOPPED report.
func (f *engineFixture) stopTask(t *testing.T, id string, version int64) {
	t.Helper()
	f.apply(t, false, taskPayload(id, version, "STOPPED"))
	f.rep.taskReport(t, taskArn(id), "STOPPED")
}

func TestEngineLogsFollowRunningProcess(t *testing.T) {
	f := newEngineFixture(t, newProcessRuntime(t, ""), nil)
	// The process writes two lines, waits for the marker file the test
	// creates once it has read them, writes a third and keeps running.
	marker := filepath.Join(t.TempDir(), "go-on")
	script := `echo "out line"; echo "err line" >&2; while [ ! -e "$0" ]; do sleep 0.01; done; echo "later line"; exec sleep 1000`
	f.apply(t, false, taskPayload("t1", 1, "RUNNING", ctr("app", "sh", "-c", script, marker)))
	f.rep.taskReport(t, taskArn("t1"), "RUNNING")

	rc, err := f.engine.Logs(context.Background(), logsRequest("t1", "app", true))
	if err != nil {
		t.Fatalf("Logs: %v", err)
	}
	defer rc.Close()
	if got, want := readUntil(t, rc, "err line\n"), "out line\nerr line\n"; got != want {
		t.Fatalf("followed output: got %q, want %q", got, want)
	}
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, want := readUntil(t, rc, "later line\n"), "later line\n"; got != want {
		t.Fatalf("output written while following: got %q, want %q", got, want)
	}

	// Stopping the task ends the followed stream normally.
	f.stopTask(t, "t1", 2)
	rest, err := io.ReadAll(rc)
	if err != nil || len(rest) != 0 {
		t.Fatalf("rest of the stream after the stop: got %q, %v; want nothing and EOF", rest, err)
	}
}

func TestEngineLogsRequests(t *testing.T) {
	f := newEngineFixture(t, newProcessRuntime(t, ""), nil)
	// t1 has two containers; side writes, then creates the marker file
	// web waits for before it exits, so both have written everything when
	// the task stops. Their logs stay readable after that.
	marker := filepath.Join(t.TempDir(), "side-done")
	f.apply(t, false, taskPayload("t1", 1, "RUNNING",
		ctr("web", "sh", "-c", `echo "web says hi"; echo "web warns" >&2; while [ ! -e "$0" ]; do sleep 0.01; done`, marker),
		nonEssential(ctr("side", "sh", "-c", `echo "side says hi"; : > "$0"`, marker))))
	f.rep.taskReport(t, taskArn("t1"), "RUNNING")
	f.rep.taskReport(t, taskArn("t1"), "STOPPED")
	// t2 has a single container.
	f.apply(t, false, taskPayload("t2", 1, "RUNNING", ctr("only", "echo", "single")))
	f.rep.taskReport(t, taskArn("t2"), "RUNNING")
	f.rep.taskReport(t, taskArn("t2"), "STOPPED")

	tests := []struct {
		name     string
		req      agentrpc.LogsRequest
		want     string
		wantCode string
		wantMsg  string
	}{
		{name: "named container", req: logsRequest("t1", "web", false), want: "web says hi\nweb warns\n"},
		{name: "other container", req: logsRequest("t1", "side", false), want: "side says hi\n"},
		{name: "follow of an exited container ends at once", req: logsRequest("t1", "side", true), want: "side says hi\n"},
		{name: "only container by default", req: logsRequest("t2", "", false), want: "single\n"},
		{name: "ambiguous without a name", req: logsRequest("t1", "", false),
			wantCode: ecs.CodeInvalidParameter, wantMsg: "2 containers (side, web)"},
		{name: "unknown container", req: logsRequest("t1", "db", false),
			wantCode: ecs.CodeResourceNotFound, wantMsg: `no container named "db"`},
		{name: "unknown task", req: logsRequest("nope", "app", false),
			wantCode: ecs.CodeResourceNotFound, wantMsg: "is not on this container instance"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rc, err := f.engine.Logs(context.Background(), tc.req)
			if tc.wantCode != "" {
				var ee *ecs.Error
				if !errors.As(err, &ee) || ee.Code != tc.wantCode || !strings.Contains(ee.Message, tc.wantMsg) {
					t.Fatalf("Logs: got %v, want %s containing %q", err, tc.wantCode, tc.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatalf("Logs: %v", err)
			}
			defer rc.Close()
			got, err := io.ReadAll(rc)
			if err != nil || string(got) != tc.want {
				t.Fatalf("output: got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
