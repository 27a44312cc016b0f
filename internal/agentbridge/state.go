package agentbridge

import (
	"context"
	"errors"

	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

var _ agentrpc.StateReceiver = (*Bridge)(nil)

// maxParallelTasks is how many tasks' changes are applied at once, over
// all StateChangeRequests. Concurrent changes share the store's commits.
const maxParallelTasks = 32

// ApplyStateChanges applies the state changes an agent sent over its
// channel, each as SubmitTaskStateChange or SubmitContainerStateChange
// would (the same model validation, the same ECS errors), in the cluster
// the connection named. Changes of one task are applied in order; changes
// of different tasks concurrently, so that the store commits them together.
func (b *Bridge) ApplyStateChanges(ctx context.Context, cluster, _ string, changes []agentrpc.StateChange) []agentrpc.StateChangeResult {
	results := make([]agentrpc.StateChangeResult, len(changes))
	groups := groupByTask(changes)
	fns := make([]func(), len(groups))
	for i, g := range groups {
		fns[i] = func() { b.applyGroup(ctx, cluster, changes, g, results) }
	}
	b.appliers.run(fns)
	return results
}

// groupByTask returns the indexes of changes per task, in order of first
// appearance, each group in the order of the changes.
func groupByTask(changes []agentrpc.StateChange) [][]int {
	if len(changes) == 1 {
		return [][]int{{0}}
	}
	at := make(map[string]int, len(changes))
	var groups [][]int
	for i, c := range changes {
		arn := c.TaskArn()
		g, ok := at[arn]
		if !ok {
			g = len(groups)
			at[arn] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// applyGroup applies the changes at idx in order, writing their results.
func (b *Bridge) applyGroup(ctx context.Context, cluster string, changes []agentrpc.StateChange, idx []int, results []agentrpc.StateChangeResult) {
	for _, i := range idx {
		results[i] = b.result(b.applyOne(ctx, cluster, changes[i]))
	}
}

// applyOne applies one change.
func (b *Bridge) applyOne(ctx context.Context, cluster string, c agentrpc.StateChange) error {
	switch {
	case c.Task != nil && c.Container != nil:
		return ecs.InvalidParameter("A state change carries either a task or a container, not both.")
	case c.Task != nil:
		if err := c.Task.Validate(); err != nil {
			return ecs.InvalidParameter("%s", err.Error())
		}
		ch, err := taskStateChange(c.Task)
		if err != nil {
			return err
		}
		ch.Cluster = cluster
		if c.StopCode == ecs.StopCodeTaskFailedToStart || c.StopCode == ecs.StopCodeEssentialContainerExited {
			ch.StopCode = ecsmodel.TaskStopCode(c.StopCode)
		}
		_, err = b.svc.ApplyTaskStateChange(ctx, ch)
		return err
	case c.Container != nil:
		if err := c.Container.Validate(); err != nil {
			return ecs.InvalidParameter("%s", err.Error())
		}
		ch, err := containerStateChange(c.Container)
		if err != nil {
			return err
		}
		ch.Cluster = cluster
		_, err = b.svc.ApplyTaskStateChange(ctx, ch)
		return err
	}
	return ecs.InvalidParameter("A state change must carry a task or a container.")
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
