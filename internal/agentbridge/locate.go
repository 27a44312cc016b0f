package agentbridge

import (
	"context"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/logsapi"
)

var _ logsapi.TaskLocator = (*Bridge)(nil)

// LocateTask finds where a task runs, for `berth logs`: its ARNs, its
// container instance and its containers' names. An unknown task is a
// ResourceNotFoundException; an unknown cluster a ClusterNotFoundException
// (DescribeTasks says so itself).
func (b *Bridge) LocateTask(ctx context.Context, cluster, task string) (logsapi.TaskLocation, error) {
	out, err := b.svc.DescribeTasks(ctx, &ecsmodel.DescribeTasksRequest{Cluster: cluster, Tasks: []string{task}})
	if err != nil {
		return logsapi.TaskLocation{}, err
	}
	if len(out.Tasks) != 1 {
		return logsapi.TaskLocation{}, ecs.Errorf(ecs.CodeResourceNotFound, "The task %s was not found in cluster %s.", task, cluster)
	}
	t := out.Tasks[0]
	loc := logsapi.TaskLocation{ClusterArn: t.ClusterArn, TaskArn: t.TaskArn, ContainerInstanceArn: t.ContainerInstanceArn}
	for _, c := range t.Containers {
		loc.Containers = append(loc.Containers, c.Name)
	}
	return loc, nil
}
