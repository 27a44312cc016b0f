package control

import (
	"context"

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
	if in.DaemonName != "" {
		return &ecsmodel.ListTasksResponse{TaskArns: []string{}}, nil
	}
	// One more than a page tells whether another page follows.
	ids := s.matchingTasks(cluster, &f, after, limit+1)
	out := &ecsmodel.ListTasksResponse{TaskArns: make([]string, 0, min(len(ids), limit))}
	if len(ids) > limit {
		ids = ids[:limit]
		out.NextToken = encodeToken(op, ids[limit-1])
	}
	prefix := s.account.TaskARN(cluster, "") // ends in "task/<cluster>/"
	for _, id := range ids {
		out.TaskArns = append(out.TaskArns, prefix+id)
	}
	return out, nil
}

// scanChunk is the most entries matchingTasks examines per hold of the
// cluster's lock (about 0.1 ms), so that a filter that rarely matches
// walks a big cluster in short holds between which launches can place.
const scanChunk = 1024

// matchingTasks returns the ids, in order, of the first want committed
// tasks after `after` that f accepts. It walks the list of f's desired
// status (or of f's instance and desired status) from `after`, so a page
// costs a search plus the entries walked until want of them matched.
func (s *Service) matchingTasks(cluster string, f *taskFilter, after string, want int) []string {
	cs := s.state(cluster)
	ids := make([]string, 0, want)
	for more := true; more; {
		cs.mu.Lock()
		ids, after, more = collectTasks(cs.listed.list(f.instanceID, f.desired), f, after, want, ids)
		cs.mu.Unlock()
	}
	return ids
}

// collectTasks appends to ids those of the entries of l after `after` that
// f accepts, until ids holds want or it has examined scanChunk entries.
// more reports that it stopped for the latter, and next is the last id it
// examined, where the walk resumes.
func collectTasks(l *taskList, f *taskFilter, after string, want int, ids []string) (_ []string, next string, more bool) {
	if l == nil {
		return ids, after, false
	}
	scanned := 0
	for e := range l.after(after) {
		if scanned == scanChunk {
			return ids, after, true
		}
		scanned++
		after = e.id
		if f.match(e) {
			if ids = append(ids, e.id); len(ids) == want {
				break
			}
		}
	}
	return ids, after, false
}
