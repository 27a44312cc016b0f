package reliability

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// statusOrder ranks task statuses along the lifecycle.
var statusOrder = map[string]int{
	"PROVISIONING": 1, "PENDING": 2, "ACTIVATING": 3, "RUNNING": 4,
	"DEACTIVATING": 5, "STOPPING": 6, "DEPROVISIONING": 7, "STOPPED": 8,
}

// seenTask is what the watcher last saw of a task.
type seenTask struct {
	status     string
	version    int64
	runtimeIDs map[string]string // container name → runtime id, once set
	instance   string
}

// watcher describes the acknowledged tasks over and over while faults
// happen and records every task that moves backwards: a lastStatus earlier
// than one seen before, a lower version, a container runtime id that
// changes once set (a second container started for it), or a move to
// another instance.
type watcher struct {
	c      *ecs.Client
	arns   func() []string
	stop   chan struct{}
	done   chan struct{}
	seen   map[string]*seenTask
	passes int
	errors int // failed calls (while the control plane restarts)

	mu       sync.Mutex
	problems []string
}

func startWatcher(c *ecs.Client, arns func() []string) *watcher {
	w := &watcher{c: c, arns: arns, stop: make(chan struct{}), done: make(chan struct{}), seen: map[string]*seenTask{}}
	go w.run()
	return w
}

func (w *watcher) run() {
	defer close(w.done)
	for {
		select {
		case <-w.stop:
			return
		case <-time.After(25 * time.Millisecond):
		}
		w.pass()
	}
}

// pass describes every known task once.
func (w *watcher) pass() {
	for chunk := range slices.Chunk(w.arns(), 100) {
		ctx, cancel := callCtx()
		out, err := w.c.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(faultCluster), Tasks: chunk})
		cancel()
		if err != nil {
			w.errors++
			return
		}
		for _, f := range out.Failures {
			w.bad("task %s: DescribeTasks failure %s, want the task", aws.ToString(f.Arn), aws.ToString(f.Reason))
		}
		for _, t := range out.Tasks {
			w.observe(t)
		}
	}
	w.passes++
}

// observe compares one description of a task with the last one.
func (w *watcher) observe(t types.Task) {
	arn := aws.ToString(t.TaskArn)
	now := &seenTask{status: aws.ToString(t.LastStatus), version: t.Version,
		instance: aws.ToString(t.ContainerInstanceArn), runtimeIDs: map[string]string{}}
	for _, c := range t.Containers {
		if id := aws.ToString(c.RuntimeId); id != "" {
			now.runtimeIDs[aws.ToString(c.Name)] = id
		}
	}
	before := w.seen[arn]
	w.seen[arn] = now
	if before == nil {
		return
	}
	if statusOrder[now.status] < statusOrder[before.status] {
		w.bad("task %s: lastStatus went from %s back to %s", arn, before.status, now.status)
	}
	if now.version < before.version {
		w.bad("task %s: version went from %d down to %d", arn, before.version, now.version)
	}
	if now.instance != before.instance {
		w.bad("task %s: moved from instance %s to %s", arn, before.instance, now.instance)
	}
	for name, id := range before.runtimeIDs {
		if got := now.runtimeIDs[name]; got != id {
			w.bad("task %s: container %s runtime id changed from %q to %q (started again?)", arn, name, id, got)
		}
	}
}

func (w *watcher) bad(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
}

// finish stops the watcher and returns what it found.
func (w *watcher) finish() (problems []string, passes, errors int) {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.problems, w.passes, w.errors
}
