package logsapitest

import (
	"context"
	"strings"
	"sync"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/logsapi"
)

// Locator is the logsapi.TaskLocator of an Env: it knows the tasks
// RunTask placed, by ID or ARN, in the cluster ClusterName / ClusterArn.
type Locator struct {
	mu    sync.Mutex
	tasks map[string]logsapi.TaskLocation // by task ARN
}

func newLocator() *Locator { return &Locator{tasks: make(map[string]logsapi.TaskLocation)} }

func (l *Locator) put(loc logsapi.TaskLocation) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tasks[loc.TaskArn] = loc
}

// LocateTask implements logsapi.TaskLocator: ClusterNotFoundException for
// another cluster, ResourceNotFoundException for a task RunTask did not
// place.
func (l *Locator) LocateTask(_ context.Context, cluster, task string) (logsapi.TaskLocation, error) {
	if cluster != ClusterName && cluster != ClusterArn {
		return logsapi.TaskLocation{}, ecs.ClusterNotFound()
	}
	arn := task
	if !strings.HasPrefix(task, "arn:") {
		arn = TaskArn(task)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	loc, ok := l.tasks[arn]
	if !ok {
		return logsapi.TaskLocation{}, ecs.Errorf(ecs.CodeResourceNotFound, "The referenced task was not found.")
	}
	return loc, nil
}
