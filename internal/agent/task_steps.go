package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// pull makes the images of the containers not yet created present (the
// runtime uses a cached image without contacting a registry). A pull is
// interrupted when the task should stop meanwhile.
func (r *taskRunner) pull(ctx context.Context) {
	sctx, done := r.stepContext(ctx)
	defer done()
	if r.pullStartedAt.IsZero() {
		r.pullStartedAt = time.Now()
	}
	for i, c := range r.containers {
		if c.id != "" || r.pullsBefore(i, c.spec.Image) {
			continue
		}
		if err := r.e.rt.Pull(sctx, c.spec.Image); err != nil {
			if sctx.Err() != nil {
				return // stopping or shutting down; the loop decides
			}
			r.fail(runtime.CannotPullContainerError, err)
			return
		}
	}
	r.pullStoppedAt = time.Now()
	r.known = statusPulled
}

// pullsBefore reports whether a container before the i-th that is not
// yet created has the same image, which pull then pulls once for both.
func (r *taskRunner) pullsBefore(i int, image string) bool {
	for _, c := range r.containers[:i] {
		if c.id == "" && c.spec.Image == image {
			return true
		}
	}
	return false
}

// create creates the containers that do not exist yet.
func (r *taskRunner) create(ctx context.Context) {
	if len(r.containers) == 0 {
		r.fail(runtime.CannotCreateContainerError, errors.New("the task payload lists no containers"))
		return
	}
	for _, c := range r.containers {
		if c.id != "" {
			continue
		}
		id, err := r.e.rt.Create(ctx, c.spec)
		if err != nil {
			if ctx.Err() == nil {
				r.fail(runtime.CannotCreateContainerError, err)
			}
			return
		}
		c.id, c.known = id, statusCreated
	}
	r.known = statusCreated
}

// startReady starts every created container whose dependencies are
// resolved. Once all have started the task is RUNNING and reported. It
// returns false when nothing could be done and the runner must wait for a
// dependency to exit.
func (r *taskRunner) startReady(ctx context.Context) bool {
	progressed := false
	for i, c := range r.containers {
		if c.known != statusCreated {
			continue
		}
		ready, err := r.dependenciesResolved(c)
		if err != nil {
			r.fail(runtime.CannotStartContainerError, err)
			return true
		}
		if !ready {
			continue
		}
		if err := r.e.rt.Start(ctx, c.id); err != nil {
			if ctx.Err() == nil {
				r.fail(runtime.CannotStartContainerError, err)
			}
			return true
		}
		c.known, c.started = statusRunning, true
		c.bindings = r.bindings(ctx, c)
		r.watch(ctx, i)
		progressed = true
	}
	for _, c := range r.containers {
		if c.known < statusRunning {
			return progressed
		}
	}
	r.known = statusRunning
	r.log(slog.LevelInfo, "task running")
	r.e.reports.task(r.runningReport())
	return true
}

// dependenciesResolved applies the container's dependsOn conditions:
// START (and HEALTHY, as berth runs no health checks) waits for the
// dependency to start, COMPLETE for it to exit, SUCCESS for it to exit 0.
// A SUCCESS dependency that exits non-zero is an error.
func (r *taskRunner) dependenciesResolved(c *taskContainer) (bool, error) {
	for _, d := range c.def.DependsOn {
		dep := r.byName(d.ContainerName)
		if dep == nil {
			return false, fmt.Errorf("container %s depends on unknown container %s", c.def.Name, d.ContainerName)
		}
		switch d.Condition {
		case ecsmodel.ContainerConditionComplete:
			if dep.known != statusStopped {
				return false, nil
			}
		case ecsmodel.ContainerConditionSuccess:
			if dep.known != statusStopped {
				return false, nil
			}
			if code := exitCodeOf(dep); code == nil || *code != 0 {
				return false, fmt.Errorf("dependency %s of container %s did not exit successfully", dep.def.Name, c.def.Name)
			}
		default:
			if !dep.started {
				return false, nil
			}
		}
	}
	return true, nil
}

// bindings returns the ports the runtime published for c, falling back to
// the requested ones.
func (r *taskRunner) bindings(ctx context.Context, c *taskContainer) []ecsmodel.NetworkBinding {
	var out []ecsmodel.NetworkBinding
	if st, err := r.e.rt.Inspect(ctx, c.id); err == nil && len(st.NetworkBindings) > 0 {
		for _, b := range st.NetworkBindings {
			out = append(out, networkBinding(b.BindIP, b.ContainerPort, b.HostPort, b.Protocol))
		}
		return out
	}
	for _, pm := range c.spec.PortMappings {
		out = append(out, networkBinding("0.0.0.0", pm.ContainerPort, pm.HostPort, pm.Proto()))
	}
	return out
}

func networkBinding(ip string, containerPort, hostPort int, proto string) ecsmodel.NetworkBinding {
	cp, hp := int32(containerPort), int32(hostPort)
	return ecsmodel.NetworkBinding{BindIP: ip, ContainerPort: &cp, HostPort: &hp, Protocol: ecsmodel.TransportProtocol(proto)}
}

// stop stops every running container, each with its stop timeout, waits
// for their exits and reports the task STOPPED. Containers that never
// started are simply counted as stopped.
func (r *taskRunner) stop(ctx context.Context) {
	var wg sync.WaitGroup
	failed := make([]error, len(r.containers))
	for i, c := range r.containers {
		if c.known != statusRunning {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			failed[i] = r.e.rt.Stop(ctx, c.id, c.spec.StopTimeout)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return // shutting down; a restarted agent resumes the stop
	}
	for i, c := range r.containers {
		switch {
		case c.known == statusRunning && failed[i] != nil:
			r.log(slog.LevelWarn, "stop container", "container", c.def.Name, "err", failed[i])
			c.known, c.reason = statusStopped, truncate(failed[i].Error(), maxReasonLen)
		case c.known == statusRunning:
			r.awaitExit(ctx, i)
		case c.known != statusStopped:
			c.known = statusStopped
		}
	}
	if ctx.Err() != nil {
		return
	}
	r.stoppedAt = time.Now()
	r.known = statusStopped
	r.log(slog.LevelInfo, "task stopped", "stopCode", r.stopCode, "reason", r.stopReason)
	r.e.reports.task(r.stoppedReport())
}

// awaitExit handles container exits until container i has exited.
func (r *taskRunner) awaitExit(ctx context.Context, i int) {
	for r.containers[i].known != statusStopped {
		select {
		case ex := <-r.exits:
			r.handleExit(ex)
		case <-ctx.Done():
			return
		}
	}
}

// adopt takes over the containers a previous agent process left for this
// task, so that none is created or started twice. The best container of
// each name is kept (running over created over exited); the others are
// removed.
func (r *taskRunner) adopt(ctx context.Context, found []runtime.Found) {
	best := make(map[string]runtime.Found)
	var extra []string
	for _, f := range found {
		if r.byName(f.ContainerName) == nil {
			extra = append(extra, f.ID)
			continue
		}
		if b, ok := best[f.ContainerName]; ok {
			if adoptRank(f.Status) <= adoptRank(b.Status) {
				extra = append(extra, f.ID)
				continue
			}
			extra = append(extra, b.ID)
		}
		best[f.ContainerName] = f
	}
	for _, id := range extra {
		if err := r.e.rt.Remove(ctx, id); err != nil {
			r.log(slog.LevelWarn, "remove duplicate container", "id", id, "err", err)
		}
	}
	allThere, allStarted := true, true
	for i, c := range r.containers {
		f, ok := best[c.def.Name]
		if !ok {
			allThere, allStarted = false, false
			continue
		}
		c.id = f.ID
		switch f.Status {
		case runtime.StatusCreated:
			c.known, allStarted = statusCreated, false
		case runtime.StatusRunning:
			c.known, c.started = statusRunning, true
			c.bindings = r.bindings(ctx, c)
			r.watch(ctx, i)
		default:
			c.known, c.started = statusRunning, true
			st, err := r.e.rt.Inspect(ctx, c.id)
			r.exits <- containerExit{index: i, result: st.Exit, err: err}
		}
	}
	r.log(slog.LevelInfo, "adopted containers", "found", len(best), "of", len(r.containers))
	switch {
	case allStarted:
		r.known = statusRunning
		r.drainExits()
		if r.stopCode == "" && !r.desiredStopped() {
			r.e.reports.task(r.runningReport())
		}
	case allThere:
		r.known = statusCreated
	}
}

func adoptRank(s runtime.Status) int {
	switch s {
	case runtime.StatusRunning:
		return 3
	case runtime.StatusCreated:
		return 2
	default:
		return 1
	}
}
