package process

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// Wait blocks until the process has exited. For a process this Runtime
// started the result has the exit code; for an adopted one it is marked
// ExitCodeUnknown.
func (r *Runtime) Wait(ctx context.Context, id string) (runtime.ExitResult, error) {
	r.mu.Lock()
	rec, err := r.load(id)
	if err == nil {
		err = r.refresh(rec)
	}
	if err != nil {
		r.mu.Unlock()
		return runtime.ExitResult{}, runtime.NewError(runtime.CannotWaitContainerError, err)
	}
	switch rec.Status {
	case "created":
		r.mu.Unlock()
		return runtime.ExitResult{}, runtime.Errorf(runtime.CannotWaitContainerError, "container %q: %w", id, runtime.ErrNotStarted)
	case "exited":
		r.mu.Unlock()
		return rec.exit(), nil
	}
	w := r.watchLocked(rec)
	r.mu.Unlock()
	select {
	case <-w.done:
		return w.res, nil
	case <-ctx.Done():
		return runtime.ExitResult{}, ctx.Err()
	}
}

// watchLocked returns the watch of the running container rec, starting a
// poller for an adopted process. Called with r.mu held.
func (r *Runtime) watchLocked(rec *record) *watch {
	if w := r.watches[rec.ID]; w != nil {
		return w
	}
	w := &watch{done: make(chan struct{})}
	r.watches[rec.ID] = w
	go r.poll(rec.ID, rec.Pid, rec.ProcStart, w)
	return w
}

// poll watches an adopted process, which this Runtime cannot wait(2) for,
// until it has gone, then records an unknown exit.
func (r *Runtime) poll(id string, pid int, start uint64, w *watch) {
	t := time.NewTicker(r.opts.PollInterval)
	defer t.Stop()
	for alive(pid, start) {
		<-t.C
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	w.res = unknownExit()
	if rec, err := r.load(id); err == nil {
		if rec.Status == "running" {
			rec.setExited(w.res)
			_ = r.save(rec) // Inspect and List will notice again
		}
		w.res = rec.exit()
	}
	delete(r.watches, id)
	close(w.done)
}

// Stop sends SIGTERM to the process group, then SIGKILL once the grace
// period has passed, and returns when the process has exited.
func (r *Runtime) Stop(ctx context.Context, id string, timeout time.Duration) error {
	r.mu.Lock()
	rec, err := r.load(id)
	if err == nil {
		err = r.refresh(rec)
	}
	if err != nil {
		r.mu.Unlock()
		return runtime.NewError(runtime.CannotStopContainerError, err)
	}
	if rec.Status != "running" {
		r.mu.Unlock()
		return nil // created or exited: nothing to stop
	}
	w := r.watchLocked(rec)
	r.mu.Unlock()

	if err := signalGroup(rec, w, syscall.SIGTERM); err != nil {
		return runtime.NewError(runtime.CannotStopContainerError, err)
	}
	grace := time.NewTimer(runtime.EffectiveStopTimeout(timeout, rec.StopTimeout))
	defer grace.Stop()
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return runtime.NewError(runtime.CannotStopContainerError, ctx.Err())
	case <-grace.C:
	}
	if err := signalGroup(rec, w, syscall.SIGKILL); err != nil {
		return runtime.NewError(runtime.CannotStopContainerError, err)
	}
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return runtime.NewError(runtime.CannotStopContainerError, ctx.Err())
	}
}

// signalGroup sends sig to the process group of rec's process, unless it
// has already gone: a child that has been reaped, or an adopted pid that no
// longer belongs to the process recorded.
func signalGroup(rec *record, w *watch, sig syscall.Signal) error {
	select {
	case <-w.done:
		return nil
	default:
	}
	if !w.child && !alive(rec.Pid, rec.ProcStart) {
		return nil
	}
	err := syscall.Kill(-rec.Pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("signal %v to process group %d: %w", sig, rec.Pid, err)
	}
	return nil
}

// Remove kills a running process (SIGKILL to its group), then deletes the
// record, and the log file when it is in Options.LogDir.
func (r *Runtime) Remove(ctx context.Context, id string) error {
	r.mu.Lock()
	rec, err := r.load(id)
	if err == nil {
		err = r.refresh(rec)
	}
	if err != nil {
		r.mu.Unlock()
		return runtime.NewError(runtime.CannotRemoveContainerError, err)
	}
	if rec.Status == "running" {
		w := r.watchLocked(rec)
		r.mu.Unlock()
		if err := signalGroup(rec, w, syscall.SIGKILL); err != nil {
			return runtime.NewError(runtime.CannotRemoveContainerError, err)
		}
		select {
		case <-w.done:
		case <-ctx.Done():
			return runtime.NewError(runtime.CannotRemoveContainerError, ctx.Err())
		}
		r.mu.Lock()
	}
	defer r.mu.Unlock()
	if err := r.remove(id); err != nil {
		return runtime.NewError(runtime.CannotRemoveContainerError, err)
	}
	if rec.OwnLog {
		if err := os.Remove(rec.LogPath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return runtime.NewError(runtime.CannotRemoveContainerError, err)
		}
	}
	return nil
}
