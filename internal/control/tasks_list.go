package control

import (
	"context"
	"slices"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

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
