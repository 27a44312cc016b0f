package control

import (
	"context"
	"slices"
	"strings"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// maxDescribeTasks is how many tasks DescribeTasks takes.
const maxDescribeTasks = 100

// taskARNOf is the ARN reported for a task reference in failures.
func (s *Service) taskARNOf(cluster, ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	return s.account.TaskARN(cluster, ref)
}

// DescribeTasks describes up to 100 tasks of a cluster by id or ARN, with
// their tags when include has TAGS. Unknown tasks, including stopped tasks
// the janitor has deleted, are failures with reason MISSING.
func (s *Service) DescribeTasks(ctx context.Context, in *ecsmodel.DescribeTasksRequest) (*ecsmodel.DescribeTasksResponse, error) {
	if len(in.Tasks) == 0 {
		return nil, ecs.InvalidParameter("Tasks cannot be empty.")
	}
	if len(in.Tasks) > maxDescribeTasks {
		return nil, ecs.InvalidParameter("tasks can have at most %d items.", maxDescribeTasks)
	}
	cluster, err := s.readActiveCluster(ctx, in.Cluster)
	if err != nil {
		return nil, err
	}
	withTags := slices.Contains(in.Include, ecsmodel.TaskFieldTags)
	out := &ecsmodel.DescribeTasksResponse{Tasks: []ecsmodel.Task{}, Failures: []ecsmodel.Failure{}}
	for _, ref := range in.Tasks {
		id, ok := s.taskID(cluster, ref)
		var rec *taskRecord
		if ok {
			if rec, ok, err = get[taskRecord](ctx, s.store, taskKey(cluster, id)); err != nil {
				return nil, err
			}
		}
		if !ok {
			out.Failures = append(out.Failures, ecsmodel.Failure{Arn: s.taskARNOf(cluster, ref), Reason: "MISSING"})
			continue
		}
		t := rec.Task
		if withTags {
			tags, err := loadTags(ctx, s.store, taskTagsKey(cluster, id))
			if err != nil {
				return nil, err
			}
			t = taskWithTags(rec, tags)
		}
		out.Tasks = append(out.Tasks, t)
	}
	return out, nil
}
