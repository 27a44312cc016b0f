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

// DescribeTasks describes up to 100 tasks of a cluster by id or ARN, in the
// order asked, with their tags when include has TAGS. Unknown tasks,
// including stopped tasks the janitor has deleted, are failures with
// reason MISSING.
//
// The records (and tag records) are read in one store read, from one
// snapshot, and decoded through the Service's describe cache, so the
// Tasks returned share their slices and pointers with it: callers read
// them and must not modify what they reach.
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
	perTask := 1
	if withTags {
		perTask = 2 // the task record, then its tag record
	}
	// at[i] is where the keys of in.Tasks[i] start, -1 for a reference
	// that cannot name a task of this cluster.
	at := make([]int, len(in.Tasks))
	keys := make([]string, 0, perTask*len(in.Tasks))
	for i, ref := range in.Tasks {
		id, ok := s.taskID(cluster, ref)
		if !ok {
			at[i] = -1
			continue
		}
		at[i] = len(keys)
		keys = append(keys, taskKey(cluster, id))
		if withTags {
			keys = append(keys, taskTagsKey(cluster, id))
		}
	}
	kvs, _, err := s.store.GetMany(ctx, keys)
	if err != nil {
		return nil, err
	}
	cache := s.cache
	out := &ecsmodel.DescribeTasksResponse{Tasks: make([]ecsmodel.Task, 0, len(in.Tasks)), Failures: []ecsmodel.Failure{}}
	for i, ref := range in.Tasks {
		k := at[i]
		if k < 0 || kvs[k].ModRevision == 0 {
			out.Failures = append(out.Failures, ecsmodel.Failure{Arn: s.taskARNOf(cluster, ref), Reason: "MISSING"})
			continue
		}
		task, err := cache.task(kvs[k])
		if err != nil {
			return nil, err
		}
		t := *task // the copy's Tags may be set; the cached Task stays as stored
		if withTags {
			tags, err := cache.taskTags(kvs[k+1])
			if err != nil {
				return nil, err
			}
			t.Tags = nonNilTags(tags)
		}
		out.Tasks = append(out.Tasks, t)
	}
	return out, nil
}
