package control_test

import (
	"encoding/json"
	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/store/boltstore"
	"testing"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// runOption changes a RunTaskRequest.
type runOption func(*ecsmodel.RunTaskRequest)

// runRequest returns a RunTask request for the default cluster, one task
// of family web (ecstest's default task definition), no clientToken; then
// applies opts.
func runRequest(opts ...runOption) *ecsmodel.RunTaskRequest {
	r := &ecsmodel.RunTaskRequest{TaskDefinition: "web"}
	for _, o := range opts {
		o(r)
	}
	return r
}

func onCluster(c string) runOption { return func(r *ecsmodel.RunTaskRequest) { r.Cluster = c } }
func taskDef(ref string) runOption {
	return func(r *ecsmodel.RunTaskRequest) { r.TaskDefinition = ref }
}
func count(n int32) runOption      { return func(r *ecsmodel.RunTaskRequest) { r.Count = &n } }
func token(tok string) runOption   { return func(r *ecsmodel.RunTaskRequest) { r.ClientToken = tok } }
func startedBy(s string) runOption { return func(r *ecsmodel.RunTaskRequest) { r.StartedBy = s } }
func group(g string) runOption     { return func(r *ecsmodel.RunTaskRequest) { r.Group = g } }
func launchType(lt string) runOption {
	return func(r *ecsmodel.RunTaskRequest) { r.LaunchType = ecsmodel.LaunchType(lt) }
}
func runTags(t ...ecsmodel.Tag) runOption { return func(r *ecsmodel.RunTaskRequest) { r.Tags = t } }

// strategy sets placement strategies from type, field pairs.
func strategy(tf ...string) runOption {
	return func(r *ecsmodel.RunTaskRequest) {
		for i := 0; i+1 < len(tf); i += 2 {
			r.PlacementStrategy = append(r.PlacementStrategy, ecsmodel.PlacementStrategy{Type: ecsmodel.PlacementStrategyType(tf[i]), Field: tf[i+1]})
		}
	}
}

// constraint adds a placement constraint.
func constraint(typ, expression string) runOption {
	return func(r *ecsmodel.RunTaskRequest) {
		r.PlacementConstraints = append(r.PlacementConstraints, ecsmodel.PlacementConstraint{Type: ecsmodel.PlacementConstraintType(typ), Expression: expression})
	}
}

// providers sets a capacity provider strategy from name, base, weight
// triples.
func providers(items ...any) runOption {
	return func(r *ecsmodel.RunTaskRequest) {
		for i := 0; i+2 < len(items); i += 3 {
			r.CapacityProviderStrategy = append(r.CapacityProviderStrategy, ecsmodel.CapacityProviderStrategyItem{
				CapacityProvider: items[i].(string), Base: int32(items[i+1].(int)), Weight: int32(items[i+2].(int)),
			})
		}
	}
}

// overrides sets the overrides.
func overrides(ov ecsmodel.TaskOverride) runOption {
	return func(r *ecsmodel.RunTaskRequest) { r.Overrides = &ov }
}

// run runs tasks and fails the test on error.
func (e *env) run(opts ...runOption) *ecsmodel.RunTaskResponse {
	e.t.Helper()
	out, err := e.svc.RunTask(e.ctx, runRequest(opts...))
	if err != nil {
		e.t.Fatalf("RunTask: %v", err)
	}
	return out
}

// describeTask describes one task and fails unless it is found.
func (e *env) describeTask(cluster, ref string) ecsmodel.Task {
	e.t.Helper()
	out, err := e.svc.DescribeTasks(e.ctx, &ecsmodel.DescribeTasksRequest{Cluster: cluster, Tasks: []string{ref}, Include: []ecsmodel.TaskField{"TAGS"}})
	if err != nil {
		e.t.Fatalf("DescribeTasks: %v", err)
	}
	if len(out.Tasks) != 1 {
		e.t.Fatalf("DescribeTasks(%s): got %d tasks and failures %+v, want 1", ref, len(out.Tasks), out.Failures)
	}
	return out.Tasks[0]
}

// stopTask stops a task and fails on error.
func (e *env) stopTask(cluster, ref string) ecsmodel.Task {
	e.t.Helper()
	out, err := e.svc.StopTask(e.ctx, &ecsmodel.StopTaskRequest{Cluster: cluster, Task: ref})
	if err != nil {
		e.t.Fatalf("StopTask(%s): %v", ref, err)
	}
	return *out.Task
}

// remainingOf returns the remaining CPU and memory of an instance.
func (e *env) remainingOf(cluster, ref string) (cpu, mem int32) {
	e.t.Helper()
	ci := e.describeInstance(cluster, ref)
	return resource(e.t, ci.RemainingResources, "CPU").IntegerValue, resource(e.t, ci.RemainingResources, "MEMORY").IntegerValue
}

// instanceIDOf is the id of an instance ARN.
func instanceIDOf(arn string) string { return ecs.LastSegment(arn) }

// wantFailures compares failures by reason and ARN.
func wantFailures(t *testing.T, got []ecsmodel.Failure, want ...ecsmodel.Failure) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got failures %+v, want %+v", got, want)
	}
	for i := range got {
		if got[i].Arn != want[i].Arn || got[i].Reason != want[i].Reason {
			t.Fatalf("got failures %+v, want %+v", got, want)
		}
	}
}

// mustJSON is v's JSON.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// openWith opens the store at e.path (without fsync) and a Service with
// cfg, whose Store and Account are filled in.
func (e *env) openWith(cfg control.Config) {
	e.t.Helper()
	st, err := boltstore.Open(e.path, boltstore.Options{NoSync: true})
	if err != nil {
		e.t.Fatalf("boltstore.Open: %v", err)
	}
	e.t.Cleanup(func() { st.Close() })
	cfg.Store, cfg.Account = st, account
	svc, err := control.New(cfg)
	if err != nil {
		e.t.Fatalf("control.New: %v", err)
	}
	e.st, e.svc = st, svc
}
