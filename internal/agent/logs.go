package agent

import (
	"context"
	"io"
	"slices"
	"strings"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecs"
)

// Logs opens the output of a container of one of the engine's tasks, for
// the control plane's log requests; it is an agentrpc.LogSource.
//
// The container is found in the runtime by its labels (List), among the
// engine's own containers (Adopt), so the logs of a stopped task stay
// readable until its containers are removed (Config.CleanupWait). An empty
// req.ContainerName picks the task's only container. A task or container
// the runtime does not have for this container instance is a
// ResourceNotFoundException, an ambiguous request an
// InvalidParameterException; runtime failures keep the runtime's error
// (CannotGetContainerLogsError, CannotListContainersError).
func (e *Engine) Logs(ctx context.Context, req agentrpc.LogsRequest) (io.ReadCloser, error) {
	if req.TaskArn == "" {
		return nil, ecs.InvalidParameter("a task is required to read logs")
	}
	found, err := e.rt.List(ctx, req.TaskArn)
	if err != nil {
		return nil, err
	}
	found = slices.DeleteFunc(found, func(f runtime.Found) bool { return !e.owns(f) })
	if len(found) == 0 {
		if e.knows(req.TaskArn) {
			return nil, ecs.Errorf(ecs.CodeResourceNotFound, "task %s has no containers on this container instance yet", req.TaskArn)
		}
		return nil, ecs.Errorf(ecs.CodeResourceNotFound, "task %s is not on this container instance", req.TaskArn)
	}
	c, err := pickContainer(found, req)
	if err != nil {
		return nil, err
	}
	return e.rt.Logs(ctx, c.ID, req.Follow)
}

// knows reports whether the engine runs task arn or ran it recently.
func (e *Engine) knows(arn string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, running := e.tasks[arn]
	_, finished := e.finished[arn]
	return running || finished
}

// pickContainer chooses the container req names among a task's found
// containers; a running one wins when several share the name.
func pickContainer(found []runtime.Found, req agentrpc.LogsRequest) (runtime.Found, error) {
	var names []string
	for _, f := range found {
		if !slices.Contains(names, f.ContainerName) {
			names = append(names, f.ContainerName)
		}
	}
	name := req.ContainerName
	if name == "" {
		if len(names) > 1 {
			slices.Sort(names)
			return runtime.Found{}, ecs.InvalidParameter("task %s has %d containers (%s); name the one to read",
				req.TaskArn, len(names), strings.Join(names, ", "))
		}
		name = names[0]
	}
	var pick *runtime.Found
	for i, f := range found {
		if f.ContainerName != name {
			continue
		}
		if pick == nil || (f.Status == runtime.StatusRunning && pick.Status != runtime.StatusRunning) {
			pick = &found[i]
		}
	}
	if pick == nil {
		return runtime.Found{}, ecs.Errorf(ecs.CodeResourceNotFound, "task %s has no container named %q", req.TaskArn, name)
	}
	return *pick, nil
}
