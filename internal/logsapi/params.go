package logsapi

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/berth-io/berth/internal/ecs"
)

// Query parameters of GET Path.
const (
	ParamCluster   = "cluster"
	ParamTask      = "task"
	ParamContainer = "container"
	ParamFollow    = "follow"
)

// DefaultCluster is the cluster of a request without one, as in ECS.
const DefaultCluster = "default"

// query is a parsed request.
type query struct {
	cluster, task, container string
	follow                   bool
}

// parseQuery reads and checks the query parameters.
func parseQuery(v url.Values) (query, error) {
	for _, name := range []string{ParamCluster, ParamTask, ParamContainer, ParamFollow} {
		if len(v[name]) > 1 {
			return query{}, ecs.InvalidParameter("%s is given %d times; give it once", name, len(v[name]))
		}
	}
	q := query{cluster: v.Get(ParamCluster), task: v.Get(ParamTask), container: v.Get(ParamContainer)}
	if q.cluster == "" {
		q.cluster = DefaultCluster
	}
	if q.task == "" {
		return query{}, ecs.InvalidParameter("task is required: the ID or ARN of the task whose logs to read")
	}
	if s := v.Get(ParamFollow); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return query{}, ecs.InvalidParameter("follow must be true or false, not %q", s)
		}
		q.follow = b
	}
	return q, nil
}

// pickContainer checks the requested container against the task's, or
// picks the only one when none is requested.
func pickContainer(loc TaskLocation, name string) (string, error) {
	if loc.ContainerInstanceArn == "" {
		return "", ecs.InvalidParameter("task %s has not been placed on a container instance yet", loc.TaskArn)
	}
	if name != "" {
		if !slices.Contains(loc.Containers, name) {
			return "", ecs.Errorf(ecs.CodeResourceNotFound, "task %s has no container named %q", loc.TaskArn, name)
		}
		return name, nil
	}
	switch len(loc.Containers) {
	case 0:
		return "", ecs.Errorf(ecs.CodeResourceNotFound, "task %s has no containers", loc.TaskArn)
	case 1:
		return loc.Containers[0], nil
	default:
		return "", ecs.InvalidParameter("task %s has %d containers (%s); choose one with container",
			loc.TaskArn, len(loc.Containers), strings.Join(loc.Containers, ", "))
	}
}
