package agent

import (
	"time"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// runningReport is the SubmitTaskStateChange sent when the task reaches
// RUNNING: every container with its runtime ID and ports, and the pull
// timestamps.
func (r *taskRunner) runningReport() TaskChange {
	return TaskChange{Request: ecsmodel.SubmitTaskStateChangeRequest{
		Cluster:       r.e.cfg.Cluster,
		Task:          r.arn,
		Status:        statusRunning.backend().String(),
		Containers:    r.containerChanges(),
		PullStartedAt: modelTime(r.pullStartedAt),
		PullStoppedAt: modelTime(r.pullStoppedAt),
	}}
}

// stoppedReport is the SubmitTaskStateChange sent when the task has
// stopped: every container's exit, the reason and stop code when the agent
// stopped the task itself, and when execution stopped.
func (r *taskRunner) stoppedReport() TaskChange {
	return TaskChange{
		Request: ecsmodel.SubmitTaskStateChangeRequest{
			Cluster:            r.e.cfg.Cluster,
			Task:               r.arn,
			Status:             statusStopped.backend().String(),
			Reason:             r.stopReason,
			Containers:         r.containerChanges(),
			PullStartedAt:      modelTime(r.pullStartedAt),
			PullStoppedAt:      modelTime(r.pullStoppedAt),
			ExecutionStoppedAt: modelTime(r.stoppedAt),
		},
		StopCode: r.stopCode,
	}
}

// containerReport is the SubmitContainerStateChange of one container.
func (r *taskRunner) containerReport(c *taskContainer) ecsmodel.SubmitContainerStateChangeRequest {
	ch := containerChange(c)
	return ecsmodel.SubmitContainerStateChangeRequest{
		Cluster:         r.e.cfg.Cluster,
		Task:            r.arn,
		ContainerName:   ch.ContainerName,
		Status:          ch.Status,
		ExitCode:        ch.ExitCode,
		Reason:          ch.Reason,
		RuntimeId:       ch.RuntimeId,
		NetworkBindings: ch.NetworkBindings,
	}
}

func (r *taskRunner) containerChanges() []ecsmodel.ContainerStateChange {
	out := make([]ecsmodel.ContainerStateChange, 0, len(r.containers))
	for _, c := range r.containers {
		out = append(out, containerChange(c))
	}
	return out
}

// containerChange reports a container as ECS agents do: RUNNING or STOPPED
// (PENDING before it starts), the runtime ID cut to 255 characters, the
// reason to 1024, and the exit code once known.
func containerChange(c *taskContainer) ecsmodel.ContainerStateChange {
	ch := ecsmodel.ContainerStateChange{
		ContainerName: c.def.Name,
		Status:        c.known.backend().String(),
		RuntimeId:     truncate(c.id, maxRuntimeIDLen),
		Reason:        c.reason,
		ExitCode:      exitCodeOf(c),
	}
	if c.known == statusRunning {
		ch.NetworkBindings = c.bindings
	}
	return ch
}

// exitCodeOf returns the container's exit code, or nil while it runs or
// when the runtime could not learn it.
func exitCodeOf(c *taskContainer) *int32 {
	if c.exit == nil || c.exit.ExitCodeUnknown {
		return nil
	}
	code := int32(c.exit.ExitCode)
	return &code
}

// logExitCode is the exit code for a log line: the number, or "unknown".
func logExitCode(c *taskContainer) any {
	if p := exitCodeOf(c); p != nil {
		return *p
	}
	return "unknown"
}

func modelTime(t time.Time) ecsmodel.Time {
	if t.IsZero() {
		return ecsmodel.Time{}
	}
	return ecsmodel.NewTime(t)
}
