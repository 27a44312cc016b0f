package process

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/berth-io/berth/internal/agent/runtime"
)

func TestParseStat(t *testing.T) {
	tail := " 1 1 0 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 %s 1000 100"
	cases := []struct {
		name      string
		stat      string
		wantStart uint64
		wantState byte
		wantErr   bool
	}{
		{"plain", "123 (sleep) S" + fmt.Sprintf(tail, "4242"), 4242, 'S', false},
		{"name with spaces and parens", "77 (a) b (c) Z" + fmt.Sprintf(tail, "99"), 99, 'Z', false},
		{"no name", "77 a S 1 2", 0, 0, true},
		{"too short", "77 (a) S 1 2 3", 0, 0, true},
		{"bad start time", "77 (a) R" + fmt.Sprintf(tail, "x"), 0, 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start, state, err := parseStat([]byte(tc.stat))
			if start != tc.wantStart || state != tc.wantState || (err != nil) != tc.wantErr {
				t.Fatalf("parseStat(%q): got %d %q %v, want %d %q error %v", tc.stat, start, state, err, tc.wantStart, tc.wantState, tc.wantErr)
			}
		})
	}
}

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, mode := range map[string]os.FileMode{"tool": 0o755, "data": 0o644} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name, file, path string
		want             string
		wantErr          bool
	}{
		{"found in PATH", "tool", "/nonexistent:" + bin, filepath.Join(bin, "tool"), false},
		{"relative to the working dir", "bin/tool", "", filepath.Join(bin, "tool"), false},
		{"absolute", filepath.Join(bin, "tool"), "", filepath.Join(bin, "tool"), false},
		{"not executable", "data", bin, "", true},
		{"missing", "nope", bin, "", true},
		{"directory", "bin", dir, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := lookPath(tc.file, dir, tc.path)
			if got != tc.want || (err != nil) != tc.wantErr {
				t.Fatalf("lookPath(%q, PATH=%q): got %q, %v; want %q, error %v", tc.file, tc.path, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// TestReusedPidIsNeitherTrustedNorSignalled records a running container
// whose pid now belongs to another process (a different start time): the
// container counts as exited and Stop leaves the other process alone.
func TestReusedPidIsNeitherTrustedNorSignalled(t *testing.T) {
	victim := exec.Command("sleep", "1000")
	victim.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := victim.Start(); err != nil {
		t.Fatalf("starting the other process: %v", err)
	}
	t.Cleanup(func() { _ = victim.Process.Kill(); _ = victim.Wait() })
	start, _, err := procStat(victim.Process.Pid)
	if err != nil {
		t.Fatalf("procStat: %v", err)
	}

	rt, err := New(Options{StateDir: t.TempDir()})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx := context.Background()
	id, err := rt.Create(ctx, runtime.ContainerSpec{TaskARN: "task", ContainerName: "app", Command: []string{"true"}})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	rec, err := rt.load(id)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	rec.Status, rec.Pid, rec.ProcStart = "running", victim.Process.Pid, start+1
	if err := rt.save(rec); err != nil {
		t.Fatalf("save: %v", err)
	}

	if err := rt.Stop(ctx, id, 0); err != nil {
		t.Fatalf("Stop: got error %v, want nil", err)
	}
	st, err := rt.Inspect(ctx, id)
	if err != nil || st.Status != runtime.StatusExited || !st.Exit.ExitCodeUnknown {
		t.Fatalf("Inspect: got %+v, %v, want exited with an unknown exit code", st, err)
	}
	if !alive(victim.Process.Pid, start) {
		t.Fatalf("other process %d: got killed, want left alone", victim.Process.Pid)
	}
}
