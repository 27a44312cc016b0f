package agentbridge

import (
	"context"
	"errors"

	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

var _ agentrpc.StateReceiver = (*Bridge)(nil)

// ApplyStateChanges applies the state changes an agent sent over its
// channel, each as SubmitTaskStateChange or SubmitContainerStateChange
// would (the same model validation, the same ECS errors), in the cluster
// the connection named. The valid ones go to the control plane as one
// batch (control.ApplyTaskStateChanges): changes of one task apply in
// order, and the whole message costs one cluster lookup and shares commits.
func (b *Bridge) ApplyStateChanges(ctx context.Context, cluster, _ string, changes []agentrpc.StateChange) []agentrpc.StateChangeResult {
	results := make([]agentrpc.StateChangeResult, len(changes))
	batch := make([]control.TaskStateChange, 0, len(changes))
	at := make([]int, 0, len(changes)) // index in changes of each batch entry
	for i, c := range changes {
		ch, err := controlChange(c)
		if err != nil {
			results[i] = b.result(err)
			continue
		}
		batch = append(batch, ch)
		at = append(at, i)
	}
	if len(batch) == 0 {
		return results
	}
	for j, err := range b.svc.ApplyTaskStateChanges(ctx, cluster, batch) {
		results[at[j]] = b.result(err)
	}
	return results
}

// controlChange checks one change and returns its control plane form,
// without the cluster.
func controlChange(c agentrpc.StateChange) (control.TaskStateChange, error) {
	switch {
	case c.Task != nil && c.Container != nil:
		return control.TaskStateChange{}, ecs.InvalidParameter("A state change carries either a task or a container, not both.")
	case c.Task != nil:
		if err := c.Task.Validate(); err != nil {
			return control.TaskStateChange{}, ecs.InvalidParameter("%s", err.Error())
		}
		ch, err := taskStateChange(c.Task)
		if err != nil {
			return ch, err
		}
		if c.StopCode == ecs.StopCodeTaskFailedToStart || c.StopCode == ecs.StopCodeEssentialContainerExited {
			ch.StopCode = ecsmodel.TaskStopCode(c.StopCode)
		}
		return ch, nil
	case c.Container != nil:
		if err := c.Container.Validate(); err != nil {
			return control.TaskStateChange{}, ecs.InvalidParameter("%s", err.Error())
		}
		return containerStateChange(c.Container)
	}
	return control.TaskStateChange{}, ecs.InvalidParameter("A state change must carry a task or a container.")
}

// result turns an error into the result the agent gets: its ECS code, or
// ServerException for anything else (logged, not shown).
func (b *Bridge) result(err error) agentrpc.StateChangeResult {
	if err == nil {
		return agentrpc.StateChangeResult{}
	}
	var ee *ecs.Error
	if errors.As(err, &ee) {
		return agentrpc.StateChangeResult{Code: ee.Code, Message: ee.Message}
	}
	if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		b.log.Error("apply agent state change", "err", err) // not when shutting down or overloaded
	}
	return agentrpc.StateChangeResult{Code: ecs.CodeServer, Message: "internal server error"}
}
