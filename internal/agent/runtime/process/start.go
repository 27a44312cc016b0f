package process

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// Start runs the container's command in its own process group, with its
// output appended to the log file, and records its pid and start time. A
// goroutine reaps the process and records its exit code.
func (r *Runtime) Start(ctx context.Context, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, err := r.load(id)
	if err != nil {
		return runtime.NewError(runtime.CannotStartContainerError, err)
	}
	if rec.Status != "created" {
		return runtime.Errorf(runtime.CannotStartContainerError, "container %q: %w", id, runtime.ErrAlreadyStarted)
	}
	cmd, err := command(rec)
	if err != nil {
		return runtime.NewError(runtime.CannotStartContainerError, err)
	}
	logFile, err := os.OpenFile(rec.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return runtime.NewError(runtime.CannotStartContainerError, err)
	}
	defer logFile.Close() // the child has its own descriptor
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return runtime.NewError(runtime.CannotStartContainerError, err)
	}

	pid := cmd.Process.Pid
	// The child cannot have been reaped yet, so /proc/<pid> is still it.
	start, _, statErr := procStat(pid)
	rec.Status, rec.Pid, rec.ProcStart, rec.StartedAt = "running", pid, start, time.Now()
	w := &watch{done: make(chan struct{}), child: true}
	r.watches[id] = w
	go r.reap(id, cmd, w)
	if err := errors.Join(statErr, r.save(rec)); err != nil {
		// The process runs but could not be recorded: end it.
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		return runtime.NewError(runtime.CannotStartContainerError, err)
	}
	return nil
}

// command builds the exec.Cmd of rec, resolving the executable as a shell
// would: a name with a slash is a path (relative to the working
// directory), any other name is looked up in the container's PATH.
func command(rec *record) (*exec.Cmd, error) {
	path, err := lookPath(rec.Argv[0], rec.WorkingDir, envValue(rec.Env, "PATH"))
	if err != nil {
		return nil, err
	}
	return &exec.Cmd{
		Path:        path,
		Args:        rec.Argv,
		Env:         rec.Env,
		Dir:         rec.WorkingDir,
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true},
	}, nil
}

// lookPath finds the executable file.
func lookPath(file, dir, pathEnv string) (string, error) {
	if strings.Contains(file, "/") {
		p := file
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		if err := executable(p); err != nil {
			return "", fmt.Errorf("exec: %q: %w", file, err)
		}
		return p, nil
	}
	for _, d := range filepath.SplitList(pathEnv) {
		if d == "" {
			d = "."
		}
		p := filepath.Join(d, file)
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		if executable(p) == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("exec: %q: executable file not found in $PATH", file)
}

func executable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", path)
	}
	return nil
}

// envValue returns the value of key in a KEY=VALUE list.
func envValue(env []string, key string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}

// reap waits for the process started for id, kills what is left of its
// process group, records the exit and wakes the waiters.
func (r *Runtime) reap(id string, cmd *exec.Cmd, w *watch) {
	err := cmd.Wait()
	res := runtime.ExitResult{FinishedAt: time.Now()}
	if cmd.ProcessState != nil {
		res.ExitCode = exitCode(cmd.ProcessState)
	} else {
		res.ExitCodeUnknown, res.Reason = true, fmt.Sprintf("wait: %v", err)
	}
	// Like Docker when a container's init exits: nothing of it survives.
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)

	r.mu.Lock()
	defer r.mu.Unlock()
	if rec, err := r.load(id); err == nil && (rec.Status != "exited" || rec.ExitCodeUnknown) {
		rec.setExited(res)
		if err := r.save(rec); err != nil {
			res.Reason = fmt.Sprintf("recording the exit: %v", err)
		}
	}
	w.res = res
	delete(r.watches, id)
	close(w.done)
}

// exitCode follows Docker: the exit status, or 128+N after signal N.
func exitCode(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
