package docker

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/go-connections/nat"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// Inspect reports the container's state. Network bindings are those the
// daemon reports, which it clears once the container has stopped.
func (r *Runtime) Inspect(ctx context.Context, id string) (runtime.State, error) {
	c, err := r.inspectOwned(ctx, id)
	if err != nil {
		return runtime.State{}, runtime.NewError(runtime.CannotInspectContainerError, err)
	}
	st := runtime.State{
		ID:            c.ID,
		TaskARN:       c.Config.Labels[runtime.LabelTaskARN],
		ContainerName: c.Config.Labels[runtime.LabelContainerName],
		Owner:         c.Config.Labels[runtime.LabelOwner],
		Status:        status(c.State.Status),
		StartedAt:     parseTime(c.State.StartedAt),
		FinishedAt:    finishedAt(c.State),
	}
	switch st.Status {
	case runtime.StatusRunning:
		st.Pid = c.State.Pid
	case runtime.StatusExited:
		st.Exit = exitResult(c.State)
	}
	if c.NetworkSettings != nil {
		st.NetworkBindings = bindings(c.NetworkSettings.Ports)
	}
	return st, nil
}

// List finds the containers labelled with taskARN (any berth container
// when it is ""), whatever their state and whoever their owner: every
// agent on the daemon sees the others' containers, told apart by
// Found.Owner.
func (r *Runtime) List(ctx context.Context, taskARN string) ([]runtime.Found, error) {
	label := runtime.LabelTaskARN
	if taskARN != "" {
		label += "=" + taskARN
	}
	cs, err := r.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("label", label))})
	if err != nil {
		return nil, runtime.NewError(runtime.CannotListContainersError, err)
	}
	found := make([]runtime.Found, 0, len(cs))
	for _, c := range cs {
		found = append(found, runtime.Found{
			ID:            c.ID,
			TaskARN:       c.Labels[runtime.LabelTaskARN],
			ContainerName: c.Labels[runtime.LabelContainerName],
			Owner:         c.Labels[runtime.LabelOwner],
			Status:        status(c.State),
		})
	}
	return found, nil
}

// status maps Docker's container states onto the three of the runtime: a
// paused or restarting container still counts as running; a container
// being removed, or dead, as exited.
func status(s container.ContainerState) runtime.Status {
	switch s {
	case container.StateCreated:
		return runtime.StatusCreated
	case container.StateRunning, container.StatePaused, container.StateRestarting:
		return runtime.StatusRunning
	default:
		return runtime.StatusExited
	}
}

// exitResult is the end of the container whose state is st.
func exitResult(st *container.State) runtime.ExitResult {
	res := runtime.ExitResult{
		ExitCode:   st.ExitCode,
		OOMKilled:  st.OOMKilled,
		Reason:     st.Error,
		FinishedAt: finishedAt(st),
	}
	if st.OOMKilled {
		res.Reason = runtime.ReasonOutOfMemory
	}
	return res
}

// finishedAt is when the container exited. Docker records the start time
// after the process has started, so a container that exits at once can
// show a FinishedAt slightly before its StartedAt; it is clamped to
// StartedAt.
func finishedAt(st *container.State) time.Time {
	started, finished := parseTime(st.StartedAt), parseTime(st.FinishedAt)
	if !finished.IsZero() && finished.Before(started) {
		return started
	}
	return finished
}

// parseTime parses a Docker timestamp; Docker's "0001-01-01T00:00:00Z" and
// anything unparsable give the zero time.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() <= 1 {
		return time.Time{}
	}
	return t
}

// bindings converts Docker's port map, sorted by container port and
// protocol.
func bindings(ports nat.PortMap) []runtime.NetworkBinding {
	var out []runtime.NetworkBinding
	for port, bs := range ports {
		for _, b := range bs {
			host, err := strconv.Atoi(b.HostPort)
			if err != nil {
				continue
			}
			ip := b.HostIP
			if ip == "" {
				ip = "0.0.0.0"
			}
			out = append(out, runtime.NetworkBinding{BindIP: ip, ContainerPort: port.Int(), HostPort: host, Protocol: port.Proto()})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.ContainerPort != b.ContainerPort {
			return a.ContainerPort < b.ContainerPort
		}
		if a.Protocol != b.Protocol {
			return a.Protocol < b.Protocol
		}
		return a.BindIP < b.BindIP
	})
	return out
}
