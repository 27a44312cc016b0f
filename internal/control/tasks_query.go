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

// taskFilter is a ListTasks query.
type taskFilter struct {
	instanceID, family, startedBy, service string
	desired, launchType                    string
}

func (f *taskFilter) match(e *taskEntry) bool {
	return e.committed && e.desired == f.desired &&
		(f.instanceID == "" || e.instanceID == f.instanceID) &&
		(f.family == "" || e.family == f.family) &&
		(f.startedBy == "" || e.startedBy == f.startedBy) &&
		(f.service == "" || e.service == f.service) &&
		(f.launchType == "" || e.launchType == f.launchType)
}

// ListTasks lists the ARNs of a cluster's tasks in id order, filtered by
// container instance, family, startedBy, service name, desired status
// (RUNNING by default; ECS never sets PENDING, so PENDING lists nothing)
// and launch type. startedBy must be the only filter besides the desired
// status, as ECS requires. Stopped tasks are listed with desiredStatus
// STOPPED until the janitor deletes them. There are no daemons, so a
// daemonName lists nothing.
func (s *Service) ListTasks(ctx context.Context, in *ecsmodel.ListTasksRequest) (*ecsmodel.ListTasksResponse, error) {
	const op = "ListTasks"
	limit, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	if in.StartedBy != "" && (in.Family != "" || in.ContainerInstance != "" || in.ServiceName != "" || in.LaunchType != "") {
		return nil, ecs.InvalidParameter("startedBy must be the only filter when it is used.")
	}
	after, err := decodeToken(op, in.NextToken)
	if err != nil {
		return nil, err
	}
	cluster, err := s.readActiveCluster(ctx, in.Cluster)
	if err != nil {
		return nil, err
	}
	f := taskFilter{family: in.Family, startedBy: in.StartedBy, service: in.ServiceName,
		desired: string(in.DesiredStatus), launchType: string(in.LaunchType)}
	if f.desired == "" {
		f.desired = statusRunning
	}
	if in.ContainerInstance != "" {
		id, ok, err := s.instanceID(cluster, in.ContainerInstance)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, ecs.InvalidParameter("Invalid containerInstance %s.", in.ContainerInstance)
		}
		f.instanceID = id
	}
	out := &ecsmodel.ListTasksResponse{TaskArns: []string{}}
	if in.DaemonName != "" {
		return out, nil
	}
	ids := s.matchingTasks(cluster, &f, after)
	if len(ids) > limit {
		ids = ids[:limit]
		out.NextToken = encodeToken(op, ids[limit-1])
	}
	for _, id := range ids {
		out.TaskArns = append(out.TaskArns, s.account.TaskARN(cluster, id))
	}
	return out, nil
}

// matchingTasks lists the ids after `after` of the cluster's committed
// tasks that f accepts, sorted.
func (s *Service) matchingTasks(cluster string, f *taskFilter, after string) []string {
	cs := s.state(cluster)
	cs.mu.Lock()
	var ids []string
	for id, e := range cs.tasks {
		if id > after && f.match(e) {
			ids = append(ids, id)
		}
	}
	cs.mu.Unlock()
	slices.Sort(ids)
	return ids
}
