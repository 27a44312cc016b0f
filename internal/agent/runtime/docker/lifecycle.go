package docker

import (
	"context"
	"fmt"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// Start starts a created container. Docker would restart an exited one;
// the runtime refuses instead (ErrAlreadyStarted).
func (r *Runtime) Start(ctx context.Context, id string) error {
	c, err := r.inspectOwned(ctx, id)
	if err != nil {
		return runtime.NewError(runtime.CannotStartContainerError, err)
	}
	if c.State.Status != container.StateCreated {
		return runtime.Errorf(runtime.CannotStartContainerError, "container %q: %w", id, runtime.ErrAlreadyStarted)
	}
	if err := r.cli.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		return runtime.NewError(runtime.CannotStartContainerError, err)
	}
	return nil
}

// Wait blocks until the container is not running, then reports its exit
// with the details of a final inspect (OOM kill, daemon error, time).
func (r *Runtime) Wait(ctx context.Context, id string) (runtime.ExitResult, error) {
	c, err := r.inspectOwned(ctx, id)
	if err != nil {
		return runtime.ExitResult{}, runtime.NewError(runtime.CannotWaitContainerError, err)
	}
	if c.State.Status == container.StateCreated {
		return runtime.ExitResult{}, runtime.Errorf(runtime.CannotWaitContainerError, "container %q: %w", id, runtime.ErrNotStarted)
	}
	if st := c.State; !st.Running && !st.Restarting && !st.Paused {
		return exitResult(st), nil
	}
	respC, errC := r.cli.ContainerWait(ctx, id, container.WaitConditionNotRunning)
	var code int
	select {
	case resp := <-respC:
		code = int(resp.StatusCode)
	case err := <-errC:
		if ctx.Err() != nil {
			return runtime.ExitResult{}, ctx.Err()
		}
		if client.IsErrNotFound(err) {
			err = notFound(id)
		}
		return runtime.ExitResult{}, runtime.NewError(runtime.CannotWaitContainerError, err)
	}
	c, err = r.inspectOwned(ctx, id)
	if err != nil {
		// Removed right after it exited: the wait response is all there is.
		return runtime.ExitResult{ExitCode: code, FinishedAt: time.Now()}, nil
	}
	return exitResult(c.State), nil
}

// Stop stops the container: SIGTERM (or the image's STOPSIGNAL), then
// SIGKILL after timeout, rounded up to whole seconds; a timeout <= 0 uses
// the container's StopTimeout. The daemon returns once it has exited.
func (r *Runtime) Stop(ctx context.Context, id string, timeout time.Duration) error {
	if _, err := r.inspectOwned(ctx, id); err != nil {
		return runtime.NewError(runtime.CannotStopContainerError, err)
	}
	var opts container.StopOptions
	if timeout > 0 {
		secs := ceilSeconds(timeout)
		opts.Timeout = &secs
	}
	if err := r.cli.ContainerStop(ctx, id, opts); err != nil {
		if client.IsErrNotFound(err) {
			err = notFound(id)
		}
		return runtime.NewError(runtime.CannotStopContainerError, err)
	}
	return nil
}

// Remove force-removes the container (killing it if it runs) and its
// anonymous volumes.
func (r *Runtime) Remove(ctx context.Context, id string) error {
	if _, err := r.inspectOwned(ctx, id); err != nil {
		return runtime.NewError(runtime.CannotRemoveContainerError, err)
	}
	err := r.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true})
	if client.IsErrNotFound(err) {
		err = notFound(id)
	}
	if err != nil {
		return runtime.NewError(runtime.CannotRemoveContainerError, fmt.Errorf("remove container %q: %w", id, err))
	}
	return nil
}
