package control_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

// recorder collects what observers hear.
type recorder struct {
	mu      sync.Mutex
	changes []control.TaskChange
}

func (r *recorder) observe(cs []control.TaskChange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.changes = append(r.changes, cs...)
}

// take returns and forgets what was heard.
func (r *recorder) take() []control.TaskChange {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.changes
	r.changes = nil
	return out
}

func TestApplyTaskStateChange(t *testing.T) {
	e := newEnv(t)
	var rec recorder
	cancel := e.svc.ObserveTasks(rec.observe)
	defer cancel()
	e.register(ecstest.Containers(ecstest.Container("app", ecstest.HostPort(80, 8080), ecstest.Memory(500))))
	ci := e.registerInstance()
	task := e.run().Tasks[0]
	heard := rec.take()
	if len(heard) != 1 || heard[0].Cause != control.CauseLaunched || heard[0].Task.TaskArn != task.TaskArn || heard[0].Family != "web" ||
		len(heard[0].HostPorts) != 1 || heard[0].HostPorts[0] != (control.HostPort{Container: "app", ContainerPort: 80, HostPort: 8080, Protocol: "tcp"}) {
		t.Fatalf("got %+v, want the launch of %s with host port 8080", heard, task.TaskArn)
	}
	report := func(status string, containers ...control.ContainerStateChange) *ecsmodel.Task {
		t.Helper()
		got, err := e.svc.ApplyTaskStateChange(e.ctx, control.TaskStateChange{Task: task.TaskArn, Status: status, Containers: containers})
		wantCode(t, err, "")
		return got
	}
	running := report("RUNNING", control.ContainerStateChange{Name: "app", Status: "RUNNING", RuntimeID: "c0ffee"})
	if running.LastStatus != "RUNNING" || running.Version != 2 || running.StartedAt.IsZero() || running.Connectivity != "CONNECTED" ||
		running.Containers[0].LastStatus != "RUNNING" || running.Containers[0].RuntimeId != "c0ffee" {
		t.Errorf("got %+v, want RUNNING version 2 with startedAt, connectivity and the container running", running)
	}
	if nb := running.Containers[0].NetworkBindings; len(nb) != 1 || *nb[0].HostPort != 8080 || *nb[0].ContainerPort != 80 || nb[0].Protocol != "tcp" {
		t.Errorf("got networkBindings %+v, want 80 bound to host port 8080", nb)
	}
	if c := e.describeCluster(""); c.RunningTasksCount != 1 || c.PendingTasksCount != 0 {
		t.Errorf("got cluster running %d pending %d, want 1 and 0", c.RunningTasksCount, c.PendingTasksCount)
	}
	if d := e.describeInstance("", ci.ContainerInstanceArn); d.RunningTasksCount != 1 || d.PendingTasksCount != 0 {
		t.Errorf("got instance running %d pending %d, want 1 and 0", d.RunningTasksCount, d.PendingTasksCount)
	}
	if again := report("RUNNING"); again.Version != 2 {
		t.Errorf("got version %d after a repeated report, want 2", again.Version)
	}
	if back := report("PENDING"); back.LastStatus != "RUNNING" || back.Version != 2 {
		t.Errorf("got %s version %d after an older status, want RUNNING version 2", back.LastStatus, back.Version)
	}
	if heard := rec.take(); len(heard) != 1 || heard[0].Cause != control.CauseStateReported {
		t.Errorf("got %+v, want one state change heard (repeats change nothing)", heard)
	}
	stopped := report("STOPPED", control.ContainerStateChange{Name: "app", Status: "STOPPED", ExitCode: ptr[int32](1), Reason: "boom"})
	if stopped.LastStatus != "STOPPED" || stopped.DesiredStatus != "STOPPED" || stopped.StopCode != "EssentialContainerExited" ||
		stopped.StoppedAt.IsZero() || *stopped.Containers[0].ExitCode != 1 || stopped.Containers[0].Reason != "boom" || stopped.Version != 3 {
		t.Errorf("got %+v, want STOPPED/STOPPED, EssentialContainerExited, exit code 1, version 3", stopped)
	}
	if _, mem := e.remainingOf("", ci.ContainerInstanceArn); mem != 3943 {
		t.Errorf("got %d MiB remaining, want everything free", mem)
	}
	_, err := e.svc.ApplyTaskStateChange(e.ctx, control.TaskStateChange{Task: task.TaskArn, Status: "SLEEPING"})
	wantCode(t, err, ecs.CodeInvalidParameter)
	_, err = e.svc.ApplyTaskStateChange(e.ctx, control.TaskStateChange{Task: "0123456789abcdef0123456789abcdef", Status: "RUNNING"})
	wantCode(t, err, ecs.CodeInvalidParameter)

	pending := e.run().Tasks[0]
	failed, err := e.svc.ApplyTaskStateChange(e.ctx, control.TaskStateChange{Task: pending.TaskArn, Status: "STOPPED", Reason: "CannotPullContainerError: nope"})
	wantCode(t, err, "")
	if failed.StopCode != "TaskFailedToStart" || failed.StoppedReason != "CannotPullContainerError: nope" {
		t.Errorf("got %s %q, want TaskFailedToStart with the reason", failed.StopCode, failed.StoppedReason)
	}
}

func TestObserversHearStopsAndDeregistration(t *testing.T) {
	e := newEnv(t)
	var rec recorder
	e.svc.ObserveTasks(rec.observe)
	e.register()
	ci := e.registerInstance()
	tasks := e.run(count(2)).Tasks
	e.stopTask("", tasks[0].TaskArn)
	_, err := e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{ContainerInstance: ci.ContainerInstanceArn, Force: ptr(true)})
	wantCode(t, err, "")
	var causes []control.TaskChangeCause
	for _, c := range rec.take() {
		causes = append(causes, c.Cause)
	}
	want := []control.TaskChangeCause{control.CauseLaunched, control.CauseLaunched, control.CauseStopRequested, control.CauseInstanceGone, control.CauseInstanceGone}
	if !equalAny(causes, want) {
		t.Errorf("got %v, want %v", causes, want)
	}
	live, err := e.svc.TasksOnInstance(e.ctx, "", ci.ContainerInstanceArn)
	wantCode(t, err, "")
	if len(live) != 0 {
		t.Errorf("got %d tasks on the deregistered instance, want none", len(live))
	}
}

func TestTasksOnInstance(t *testing.T) {
	e := newEnv(t)
	e.register()
	instances := []*ecsmodel.ContainerInstance{e.registerInstance(), e.registerInstance()}
	// On each instance: one task left PENDING, one RUNNING, one asked to
	// stop (desired STOPPED, still running: live), one STOPPED.
	want := map[string][]string{}
	for _, ci := range instances {
		out, err := e.svc.StartTask(e.ctx, &ecsmodel.StartTaskRequest{TaskDefinition: "web",
			ContainerInstances: []string{ci.ContainerInstanceArn, ci.ContainerInstanceArn, ci.ContainerInstanceArn, ci.ContainerInstanceArn}})
		if err != nil || len(out.Tasks) != 4 {
			t.Fatalf("StartTask: got %v, %d tasks, want 4", err, len(out.Tasks))
		}
		arns := make([]string, 4)
		for i, task := range out.Tasks {
			arns[i] = task.TaskArn
		}
		for _, arn := range arns[1:3] {
			_, err := e.svc.ApplyTaskStateChange(e.ctx, control.TaskStateChange{Task: arn, Status: "RUNNING"})
			wantCode(t, err, "")
		}
		e.stopTask("", arns[2])
		_, err = e.svc.ApplyTaskStateChange(e.ctx, control.TaskStateChange{Task: arns[3], Status: "STOPPED"})
		wantCode(t, err, "")
		want[ci.ContainerInstanceArn] = arns[:3]
	}
	check := func(when string) {
		t.Helper()
		for _, ci := range instances {
			live, err := e.svc.TasksOnInstance(e.ctx, "default", instanceIDOf(ci.ContainerInstanceArn))
			wantCode(t, err, "")
			var got []string
			for _, c := range live {
				got = append(got, c.Task.TaskArn)
			}
			slices.Sort(got)
			w := slices.Sorted(slices.Values(want[ci.ContainerInstanceArn]))
			if !slices.Equal(got, w) {
				t.Errorf("%s, instance %s: got %v, want %v (the pending, running and stopping tasks)", when, ci.ContainerInstanceArn, got, w)
			}
		}
	}
	check("as run")
	e.reopen()
	check("after a restart")
}

func TestJanitor(t *testing.T) {
	e := newEnv(t)
	now := t0
	e.st.Close()
	e.openWith(control.Config{Now: func() time.Time { return now }})
	e.register()
	ci := e.registerInstance()
	tasks := e.run(count(2), runTags(ecstest.Tags("k", "v")...)).Tasks
	_, err := e.svc.ApplyTaskStateChange(e.ctx, control.TaskStateChange{Task: tasks[0].TaskArn, Status: "STOPPED"})
	wantCode(t, err, "")

	now = now.Add(59 * time.Minute)
	st, err := e.svc.Sweep(e.ctx)
	wantCode(t, err, "")
	if st.TasksDeleted != 0 {
		t.Errorf("got %d tasks deleted within the hour, want 0", st.TasksDeleted)
	}
	e.describeTask("", tasks[0].TaskArn)
	now = now.Add(2 * time.Minute)
	if st, err = e.svc.Sweep(e.ctx); err != nil || st.TasksDeleted != 1 {
		t.Errorf("got %+v, %v after the hour, want 1 task deleted", st, err)
	}
	out, err := e.svc.DescribeTasks(e.ctx, &ecsmodel.DescribeTasksRequest{Tasks: []string{tasks[0].TaskArn, tasks[1].TaskArn}})
	wantCode(t, err, "")
	if len(out.Tasks) != 1 || out.Tasks[0].TaskArn != tasks[1].TaskArn || len(out.Failures) != 1 || out.Failures[0].Reason != "MISSING" {
		t.Errorf("got tasks %d failures %+v, want the running task and the deleted one MISSING", len(out.Tasks), out.Failures)
	}
	_, err = e.svc.ListTagsForResource(e.ctx, &ecsmodel.ListTagsForResourceRequest{ResourceArn: tasks[0].TaskArn})
	wantCode(t, err, ecs.CodeInvalidParameter)

	// A task left running on a deregistered instance is stopped.
	e.putTaskOn("default", "00000000000000000000000000000001", "RUNNING", instanceIDOf(ci.ContainerInstanceArn))
	_, err = e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{ContainerInstance: ci.ContainerInstanceArn, Force: ptr(true)})
	wantCode(t, err, "")
	e.st.Close()
	e.openWith(control.Config{Now: func() time.Time { return now }})
	st, err = e.svc.Sweep(e.ctx)
	wantCode(t, err, "")
	if st.OrphansStopped != 1 {
		t.Errorf("got %d orphans stopped, want 1", st.OrphansStopped)
	}
	if got := e.describeTask("", "00000000000000000000000000000001"); got.LastStatus != "STOPPED" || got.StopCode != "TerminationNotice" {
		t.Errorf("got %s %s, want STOPPED TerminationNotice", got.LastStatus, got.StopCode)
	}
}
