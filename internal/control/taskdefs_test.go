package control_test

import (
	"slices"
	"strconv"
	"testing"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

// describeTD describes a task definition reference.
func (e *env) describeTD(ref string, include ...ecsmodel.TaskDefinitionField) (*ecsmodel.DescribeTaskDefinitionResponse, error) {
	return e.svc.DescribeTaskDefinition(e.ctx, &ecsmodel.DescribeTaskDefinitionRequest{TaskDefinition: ref, Include: include})
}

// deregister deregisters a task definition and fails on error.
func (e *env) deregister(ref string) *ecsmodel.TaskDefinition {
	e.t.Helper()
	out, err := e.svc.DeregisterTaskDefinition(e.ctx, &ecsmodel.DeregisterTaskDefinitionRequest{TaskDefinition: ref})
	if err != nil {
		e.t.Fatalf("DeregisterTaskDefinition(%s): %v", ref, err)
	}
	return out.TaskDefinition
}

func TestTaskDefinitionRevisions(t *testing.T) {
	e := newEnv(t)
	for want := int32(1); want <= 3; want++ {
		if got := e.register().Revision; got != want {
			t.Fatalf("got revision %d, want %d", got, want)
		}
	}
	latest := func(want int32) {
		t.Helper()
		out, err := e.describeTD("web")
		wantCode(t, err, "")
		if out.TaskDefinition.Revision != want {
			t.Fatalf("describe web: got revision %d, want latest ACTIVE %d", out.TaskDefinition.Revision, want)
		}
	}
	latest(3)
	td := e.deregister("web:3")
	if td.Status != "INACTIVE" || !td.DeregisteredAt.Equal(t0.Truncate(1e6)) {
		t.Errorf("got %s deregisteredAt %v, want INACTIVE at %v", td.Status, td.DeregisteredAt, t0)
	}
	latest(2)
	out, err := e.describeTD(account.TaskDefinitionARN("web", 3))
	wantCode(t, err, "")
	if out.TaskDefinition.Status != "INACTIVE" {
		t.Errorf("describe web:3 by ARN: got %s, want INACTIVE", out.TaskDefinition.Status)
	}
	if again := e.deregister("web:3"); again.Status != "INACTIVE" {
		t.Errorf("deregistering again: got %s, want INACTIVE", again.Status)
	}
	e.deregister("web:1")
	latest(2)
	e.deregister(account.TaskDefinitionARN("web", 2))
	_, err = e.describeTD("web")
	wantError(t, err, ecs.CodeClient, "Unable to describe task definition.")
	if got := e.register().Revision; got != 4 {
		t.Errorf("got revision %d after deregistering all, want 4", got)
	}
}

func TestDescribeTaskDefinitionErrors(t *testing.T) {
	e := newEnv(t)
	e.register()
	for _, ref := range []string{
		"", "nope", "web:2", "web:0", "web:-1", "web:abc", "web:+1", "web:1:2",
		"arn:aws:ecs:us-east-1:999999999999:task-definition/web:1",
		"arn:aws:ecs:us-east-1:123456789012:task-definition/web",
		"arn:aws:ecs:us-east-1:123456789012:cluster/web:1",
	} {
		t.Run(ref, func(t *testing.T) {
			_, err := e.describeTD(ref)
			wantError(t, err, ecs.CodeClient, "Unable to describe task definition.")
		})
	}
}

func TestDescribeTaskDefinitionTags(t *testing.T) {
	e := newEnv(t)
	e.register(ecstest.TaskDefTags(ecstest.Tags("team", "core")...))
	e.register(ecstest.Family("plain"))
	tests := []struct {
		ref     string
		include []ecsmodel.TaskDefinitionField
		want    []ecsmodel.Tag
	}{
		{ref: "web:1", include: []ecsmodel.TaskDefinitionField{"TAGS"}, want: ecstest.Tags("team", "core")},
		{ref: "web:1", want: nil},
		{ref: "plain", include: []ecsmodel.TaskDefinitionField{"TAGS"}, want: []ecsmodel.Tag{}},
	}
	for _, tc := range tests {
		out, err := e.describeTD(tc.ref, tc.include...)
		wantCode(t, err, "")
		if !slices.Equal(out.Tags, tc.want) || (out.Tags == nil) != (tc.want == nil) {
			t.Errorf("%s include %v: got tags %#v, want %#v", tc.ref, tc.include, out.Tags, tc.want)
		}
	}
}

func TestDeregisterTaskDefinitionErrors(t *testing.T) {
	e := newEnv(t)
	e.register()
	for _, ref := range []string{"web", "web:2", "nope:1", "bad name:1", "arn:aws:ecs:us-east-1:123456789012:task-definition/web"} {
		t.Run(ref, func(t *testing.T) {
			_, err := e.svc.DeregisterTaskDefinition(e.ctx, &ecsmodel.DeregisterTaskDefinitionRequest{TaskDefinition: ref})
			wantCode(t, err, ecs.CodeClient)
		})
	}
}

func TestDeleteTaskDefinitions(t *testing.T) {
	e := newEnv(t)
	e.register(ecstest.TaskDefTags(ecstest.Tags("k", "v")...))
	e.register()
	e.deregister("web:1")

	out, err := e.svc.DeleteTaskDefinitions(e.ctx, &ecsmodel.DeleteTaskDefinitionsRequest{
		TaskDefinitions: []string{account.TaskDefinitionARN("web", 1), "web:2", "nope:1", "web", "web:1"},
	})
	wantCode(t, err, "")
	if len(out.TaskDefinitions) != 1 {
		t.Fatalf("got %d deleted, want 1: %+v", len(out.TaskDefinitions), out.TaskDefinitions)
	}
	if d := out.TaskDefinitions[0]; d.Revision != 1 || d.Status != "DELETE_IN_PROGRESS" || !d.DeleteRequestedAt.Equal(t0.Truncate(1e6)) {
		t.Errorf("got web:%d %s deleteRequestedAt %v, want web:1 DELETE_IN_PROGRESS at %v", d.Revision, d.Status, d.DeleteRequestedAt, t0)
	}
	wantFailures := []ecsmodel.Failure{
		{Arn: account.TaskDefinitionARN("web", 2), Reason: "ACTIVE"},
		{Arn: "nope:1", Reason: "MISSING"},
		{Arn: "web", Reason: "MISSING"},
	}
	if len(out.Failures) != len(wantFailures) {
		t.Fatalf("got failures %+v, want %+v", out.Failures, wantFailures)
	}
	for i, f := range out.Failures {
		if f.Arn != wantFailures[i].Arn || f.Reason != wantFailures[i].Reason {
			t.Errorf("failure %d: got %s %s, want %s %s", i, f.Arn, f.Reason, wantFailures[i].Arn, wantFailures[i].Reason)
		}
	}

	_, err = e.describeTD("web:1")
	wantCode(t, err, ecs.CodeClient)
	_, err = e.svc.ListTagsForResource(e.ctx, &ecsmodel.ListTagsForResourceRequest{ResourceArn: account.TaskDefinitionARN("web", 1)})
	wantCode(t, err, ecs.CodeInvalidParameter)
	if got := e.register().Revision; got != 3 {
		t.Errorf("got revision %d after deleting web:1, want 3 (revisions are not reused)", got)
	}

	for _, tc := range []struct {
		name string
		refs []string
	}{
		{"none", []string{}},
		{"eleven", []string{"a:1", "a:2", "a:3", "a:4", "a:5", "a:6", "a:7", "a:8", "a:9", "a:10", "a:11"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.DeleteTaskDefinitions(e.ctx, &ecsmodel.DeleteTaskDefinitionsRequest{TaskDefinitions: tc.refs})
			wantCode(t, err, ecs.CodeInvalidParameter)
		})
	}
}

// listTDs pages through ListTaskDefinitions and returns family:revision
// names.
func (e *env) listTDs(t *testing.T, req ecsmodel.ListTaskDefinitionsRequest) []string {
	t.Helper()
	var names []string
	for {
		out, err := e.svc.ListTaskDefinitions(e.ctx, &req)
		if err != nil {
			t.Fatalf("ListTaskDefinitions: %v", err)
		}
		for _, arn := range out.TaskDefinitionArns {
			names = append(names, ecs.LastSegment(arn))
		}
		if req.NextToken = out.NextToken; req.NextToken == "" {
			return names
		}
	}
}

func TestListTaskDefinitions(t *testing.T) {
	e := newEnv(t)
	for _, f := range []string{"a", "a", "a", "b", "b", "a-b"} {
		e.register(ecstest.Family(f))
	}
	e.deregister("a:2")
	tests := []struct {
		name string
		req  ecsmodel.ListTaskDefinitionsRequest
		want []string
	}{
		{name: "default", want: []string{"a:1", "a:3", "a-b:1", "b:1", "b:2"}},
		{name: "family", req: ecsmodel.ListTaskDefinitionsRequest{FamilyPrefix: "a"}, want: []string{"a:1", "a:3"}},
		{name: "inactive", req: ecsmodel.ListTaskDefinitionsRequest{Status: "INACTIVE"}, want: []string{"a:2"}},
		{name: "descending", req: ecsmodel.ListTaskDefinitionsRequest{Sort: "DESC"}, want: []string{"b:2", "b:1", "a-b:1", "a:3", "a:1"}},
		{name: "pages of one", req: ecsmodel.ListTaskDefinitionsRequest{MaxResults: ptr[int32](1)}, want: []string{"a:1", "a:3", "a-b:1", "b:1", "b:2"}},
		{name: "descending pages of two", req: ecsmodel.ListTaskDefinitionsRequest{MaxResults: ptr[int32](2), Sort: "DESC"}, want: []string{"b:2", "b:1", "a-b:1", "a:3", "a:1"}},
		{name: "unknown family", req: ecsmodel.ListTaskDefinitionsRequest{FamilyPrefix: "zzz"}, want: nil},
		{name: "invalid family", req: ecsmodel.ListTaskDefinitionsRequest{FamilyPrefix: "a/b"}, want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := e.listTDs(t, tc.req); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}

	first, err := e.svc.ListTaskDefinitions(e.ctx, &ecsmodel.ListTaskDefinitionsRequest{MaxResults: ptr[int32](1)})
	wantCode(t, err, "")
	_, err = e.svc.ListTaskDefinitions(e.ctx, &ecsmodel.ListTaskDefinitionsRequest{NextToken: first.NextToken, Sort: "DESC"})
	wantCode(t, err, ecs.CodeInvalidParameter)
	_, err = e.svc.ListTaskDefinitions(e.ctx, &ecsmodel.ListTaskDefinitionsRequest{MaxResults: ptr[int32](0)})
	wantCode(t, err, ecs.CodeInvalidParameter)
}

func TestListTaskDefinitionFamilies(t *testing.T) {
	e := newEnv(t)
	for _, f := range []string{"web", "web-api", "old", "gone"} {
		e.register(ecstest.Family(f))
	}
	e.deregister("old:1")
	e.deregister("gone:1")
	_, err := e.svc.DeleteTaskDefinitions(e.ctx, &ecsmodel.DeleteTaskDefinitionsRequest{TaskDefinitions: []string{"gone:1"}})
	wantCode(t, err, "")

	list := func(req ecsmodel.ListTaskDefinitionFamiliesRequest) []string {
		t.Helper()
		var got []string
		for {
			out, err := e.svc.ListTaskDefinitionFamilies(e.ctx, &req)
			wantCode(t, err, "")
			got = append(got, out.Families...)
			if req.NextToken = out.NextToken; req.NextToken == "" {
				return got
			}
		}
	}
	tests := []struct {
		name string
		req  ecsmodel.ListTaskDefinitionFamiliesRequest
		want []string
	}{
		{name: "default is all", want: []string{"old", "web", "web-api"}},
		{name: "all", req: ecsmodel.ListTaskDefinitionFamiliesRequest{Status: "ALL"}, want: []string{"old", "web", "web-api"}},
		{name: "active", req: ecsmodel.ListTaskDefinitionFamiliesRequest{Status: "ACTIVE"}, want: []string{"web", "web-api"}},
		{name: "inactive", req: ecsmodel.ListTaskDefinitionFamiliesRequest{Status: "INACTIVE"}, want: []string{"old"}},
		{name: "prefix", req: ecsmodel.ListTaskDefinitionFamiliesRequest{FamilyPrefix: "web"}, want: []string{"web", "web-api"}},
		{name: "prefix in pages of one", req: ecsmodel.ListTaskDefinitionFamiliesRequest{FamilyPrefix: "we", MaxResults: ptr[int32](1)}, want: []string{"web", "web-api"}},
		{name: "no match", req: ecsmodel.ListTaskDefinitionFamiliesRequest{FamilyPrefix: "x"}, want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := list(tc.req); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRegisterTaskDefinitionConcurrently(t *testing.T) {
	e := newEnv(t)
	const n = 8
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := e.svc.RegisterTaskDefinition(e.ctx, ecstest.TaskDefinition())
			errs <- err
		}()
	}
	for range n {
		wantCode(t, <-errs, "")
	}
	got := e.listTDs(t, ecsmodel.ListTaskDefinitionsRequest{})
	var want []string
	for i := 1; i <= n; i++ {
		want = append(want, "web:"+strconv.Itoa(i))
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want each revision 1..%d exactly once", got, n)
	}
}
