package control_test

import (
	"slices"
	"testing"

	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

// describeFixture is a Service with two tasks: tagged (k=v) and plain (no
// tags).
type describeFixture struct {
	*env
	tagged, plain ecsmodel.Task
}

func newDescribeFixture(t *testing.T) describeFixture {
	e := newEnv(t)
	e.register()
	e.registerInstance()
	return describeFixture{
		env:    e,
		tagged: e.run(runTags(ecstest.Tags("k", "v")...)).Tasks[0],
		plain:  e.run().Tasks[0],
	}
}

// describe calls DescribeTasks and fails the test on error.
func (f describeFixture) describe(withTags bool, refs ...string) *ecsmodel.DescribeTasksResponse {
	f.t.Helper()
	in := &ecsmodel.DescribeTasksRequest{Tasks: refs}
	if withTags {
		in.Include = []ecsmodel.TaskField{ecsmodel.TaskFieldTags}
	}
	out, err := f.svc.DescribeTasks(f.ctx, in)
	if err != nil {
		f.t.Fatalf("DescribeTasks(%q) = %v", refs, err)
	}
	return out
}

// taskArns lists the ARNs of tasks, in order.
func taskArns(tasks []ecsmodel.Task) []string {
	var arns []string
	for _, t := range tasks {
		arns = append(arns, t.TaskArn)
	}
	return arns
}

// TestDescribeTasksAnswers checks the order, the reference forms, repeats,
// failures and tags of DescribeTasks answers.
func TestDescribeTasksAnswers(t *testing.T) {
	f := newDescribeFixture(t)
	tagged, plain := f.tagged.TaskArn, f.plain.TaskArn
	missing := "0123456789abcdef0123456789abcdef"
	noTags := []ecsmodel.Tag(nil)
	tests := []struct {
		name         string
		refs         []string
		withTags     bool
		wantArns     []string
		wantTags     [][]ecsmodel.Tag // per task; nil entry: Tags must be nil
		wantFailures []ecsmodel.Failure
	}{
		{"ids and ARNs in the order asked", []string{instanceIDOf(plain), tagged}, false,
			[]string{plain, tagged}, [][]ecsmodel.Tag{noTags, noTags}, nil},
		{"a task asked twice", []string{tagged, instanceIDOf(tagged)}, false,
			[]string{tagged, tagged}, [][]ecsmodel.Tag{noTags, noTags}, nil},
		{"unknown id between known tasks", []string{tagged, missing, plain}, false,
			[]string{tagged, plain}, [][]ecsmodel.Tag{noTags, noTags},
			[]ecsmodel.Failure{{Arn: account.TaskARN("default", missing), Reason: "MISSING"}}},
		{"another cluster's ARN and a malformed id", []string{account.TaskARN("other", instanceIDOf(tagged)), "bad!"}, false,
			nil, nil,
			[]ecsmodel.Failure{{Arn: account.TaskARN("other", instanceIDOf(tagged)), Reason: "MISSING"}, {Arn: account.TaskARN("default", "bad!"), Reason: "MISSING"}}},
		{"tags of each task, empty when none", []string{plain, tagged, plain}, true,
			[]string{plain, tagged, plain}, [][]ecsmodel.Tag{{}, ecstest.Tags("k", "v"), {}}, nil},
		{"no tags without include TAGS", []string{tagged}, false,
			[]string{tagged}, [][]ecsmodel.Tag{noTags}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Twice: the first call may decode, the second may hit the cache.
			for round := range 2 {
				out := f.describe(tc.withTags, tc.refs...)
				if got := taskArns(out.Tasks); !slices.Equal(got, tc.wantArns) {
					t.Fatalf("round %d: got tasks %q, want %q", round, got, tc.wantArns)
				}
				for i, task := range out.Tasks {
					if want := tc.wantTags[i]; (want == nil) != (task.Tags == nil) || !equalAny(task.Tags, want) {
						t.Errorf("round %d: task %d: got tags %#v, want %#v", round, i, task.Tags, want)
					}
				}
				wantFailures(t, out.Failures, tc.wantFailures...)
			}
		})
	}
}

// TestDescribeTasksFollowsChanges describes one task after each change of
// its record or its tags: every answer reflects the latest change, and
// what a caller does to its copy of an answer does not reach the next.
func TestDescribeTasksFollowsChanges(t *testing.T) {
	f := newDescribeFixture(t)
	arn := f.tagged.TaskArn
	steps := []struct {
		name       string
		change     func() error
		withTags   bool
		wantStatus string
		wantTags   []ecsmodel.Tag // nil: Tags must be nil
	}{
		{"as run", nil, true, "PENDING", ecstest.Tags("k", "v")},
		{"agent reports RUNNING", func() error {
			_, err := f.svc.ApplyTaskStateChange(f.ctx, control.TaskStateChange{Task: arn, Status: "RUNNING"})
			return err
		}, true, "RUNNING", ecstest.Tags("k", "v")},
		{"tag added", func() error {
			_, err := f.svc.TagResource(f.ctx, &ecsmodel.TagResourceRequest{ResourceArn: arn, Tags: ecstest.Tags("x", "1")})
			return err
		}, true, "RUNNING", ecstest.Tags("k", "v", "x", "1")},
		{"without include TAGS", nil, false, "RUNNING", nil},
		{"tag removed", func() error {
			_, err := f.svc.UntagResource(f.ctx, &ecsmodel.UntagResourceRequest{ResourceArn: arn, TagKeys: []string{"k"}})
			return err
		}, true, "RUNNING", ecstest.Tags("x", "1")},
		{"agent reports STOPPED", func() error {
			_, err := f.svc.ApplyTaskStateChange(f.ctx, control.TaskStateChange{Task: arn, Status: "STOPPED"})
			return err
		}, true, "STOPPED", ecstest.Tags("x", "1")},
	}
	version := int64(0)
	for _, step := range steps {
		if step.change != nil {
			if err := step.change(); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
		}
		for round := range 2 {
			out := f.describe(step.withTags, arn)
			if len(out.Tasks) != 1 {
				t.Fatalf("%s: got %d tasks and failures %+v, want 1 task", step.name, len(out.Tasks), out.Failures)
			}
			got := out.Tasks[0]
			if got.LastStatus != step.wantStatus || got.Version < version {
				t.Errorf("%s, round %d: got status %s version %d, want %s and version at least %d", step.name, round, got.LastStatus, got.Version, step.wantStatus, version)
			}
			version = got.Version
			if (step.wantTags == nil) != (got.Tags == nil) || !equalAny(got.Tags, step.wantTags) {
				t.Errorf("%s, round %d: got tags %#v, want %#v", step.name, round, got.Tags, step.wantTags)
			}
			// A caller may change its copy of the Task's own members.
			out.Tasks[0].LastStatus = "CHANGED BY THE CALLER"
			out.Tasks[0].Tags = append(out.Tasks[0].Tags, ecsmodel.Tag{Key: "leak"})
		}
	}
	// The other task never had its tags, or the caller's, attached.
	if got := f.describe(true, f.plain.TaskArn).Tasks[0].Tags; got == nil || len(got) != 0 {
		t.Errorf("untagged task: got tags %#v, want []", got)
	}
}
