package control_test

import (
	"slices"
	"testing"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

func (e *env) listTags(t *testing.T, arn string) []ecsmodel.Tag {
	t.Helper()
	out, err := e.svc.ListTagsForResource(e.ctx, &ecsmodel.ListTagsForResourceRequest{ResourceArn: arn})
	if err != nil {
		t.Fatalf("ListTagsForResource(%s): %v", arn, err)
	}
	return out.Tags
}

func TestTagLifecycle(t *testing.T) {
	e := newEnv(t)
	e.createCluster("prod")
	td := e.register()
	ci := e.registerInstance()
	taskID := "0123456789abcdef0123456789abcdef"
	e.putTask("default", taskID, "RUNNING")

	for _, arn := range []string{account.ClusterARN("prod"), td.TaskDefinitionArn, ci.ContainerInstanceArn, account.TaskARN("default", taskID)} {
		t.Run(arn, func(t *testing.T) {
			if got := e.listTags(t, arn); got == nil || len(got) != 0 {
				t.Fatalf("got %#v before tagging, want an empty list", got)
			}
			_, err := e.svc.TagResource(e.ctx, &ecsmodel.TagResourceRequest{ResourceArn: arn, Tags: ecstest.Tags("a", "1", "b", "2")})
			wantCode(t, err, "")
			_, err = e.svc.TagResource(e.ctx, &ecsmodel.TagResourceRequest{ResourceArn: arn, Tags: ecstest.Tags("b", "3", "c", "")})
			wantCode(t, err, "")
			if got, want := e.listTags(t, arn), ecstest.Tags("a", "1", "b", "3", "c", ""); !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
			_, err = e.svc.UntagResource(e.ctx, &ecsmodel.UntagResourceRequest{ResourceArn: arn, TagKeys: []string{"a", "c", "zzz"}})
			wantCode(t, err, "")
			if got, want := e.listTags(t, arn), ecstest.Tags("b", "3"); !slices.Equal(got, want) {
				t.Errorf("got %v after untagging, want %v", got, want)
			}
		})
	}
	if v, _ := tagValue(e.describeCluster("prod").Tags, "b"); v != "3" {
		t.Errorf("got cluster tags without b=3 in DescribeClusters")
	}
}

func TestTagLimit(t *testing.T) {
	e := newEnv(t)
	arn := account.ClusterARN("default")
	_, err := e.svc.TagResource(e.ctx, &ecsmodel.TagResourceRequest{ResourceArn: arn, Tags: manyTags(49)})
	wantCode(t, err, "")
	_, err = e.svc.TagResource(e.ctx, &ecsmodel.TagResourceRequest{ResourceArn: arn, Tags: ecstest.Tags("x", "1", "y", "2")})
	wantCode(t, err, ecs.CodeInvalidParameter)
	_, err = e.svc.TagResource(e.ctx, &ecsmodel.TagResourceRequest{ResourceArn: arn, Tags: ecstest.Tags("k0", "new", "x", "1")})
	wantCode(t, err, "")
	if got := len(e.listTags(t, arn)); got != 50 {
		t.Errorf("got %d tags, want 50", got)
	}
}

func TestTagErrors(t *testing.T) {
	e := newEnv(t)
	ci := e.registerInstance()
	id := ecs.LastSegment(ci.ContainerInstanceArn)
	tests := []struct {
		name    string
		arn     string
		tags    []ecsmodel.Tag
		code    string
		message string
	}{
		{name: "not an ARN", arn: "default", code: ecs.CodeInvalidParameter, message: "The ARN provided is invalid."},
		{name: "another account", arn: "arn:aws:ecs:us-east-1:999999999999:cluster/default", code: ecs.CodeInvalidParameter},
		{name: "another service", arn: "arn:aws:ecr:us-east-1:123456789012:repository/app", code: ecs.CodeInvalidParameter},
		{name: "service ARN", arn: "arn:aws:ecs:us-east-1:123456789012:service/default/web", code: ecs.CodeInvalidParameter},
		{name: "unknown cluster", arn: account.ClusterARN("nope"), code: ecs.CodeClusterNotFound, message: "Cluster not found."},
		{name: "instance in an unknown cluster", arn: account.ContainerInstanceARN("nope", id), code: ecs.CodeClusterNotFound},
		{name: "unknown instance", arn: account.ContainerInstanceARN("default", "0123456789abcdef0123456789abcdef"), code: ecs.CodeInvalidParameter, message: "The specified resource could not be found."},
		{name: "short instance ARN", arn: "arn:aws:ecs:us-east-1:123456789012:container-instance/" + id, code: ecs.CodeInvalidParameter, message: "Long arn format must be used for tagging operations"},
		{name: "unknown task definition", arn: account.TaskDefinitionARN("nope", 1), code: ecs.CodeInvalidParameter},
		{name: "unknown task", arn: account.TaskARN("default", "0123456789abcdef0123456789abcdef"), code: ecs.CodeInvalidParameter},
		{name: "aws: key", arn: ci.ContainerInstanceArn, tags: ecstest.Tags("aws:cloudformation:stack-name", "x"), code: ecs.CodeInvalidParameter},
		{name: "Aws: key", arn: ci.ContainerInstanceArn, tags: ecstest.Tags("Aws:x", "x"), code: ecs.CodeInvalidParameter},
		{name: "duplicate keys", arn: ci.ContainerInstanceArn, tags: ecstest.Tags("a", "1", "a", "2"), code: ecs.CodeInvalidParameter},
		{name: "51 tags", arn: ci.ContainerInstanceArn, tags: manyTags(51), code: ecs.CodeInvalidParameter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tags := tc.tags
			if tags == nil {
				tags = ecstest.Tags("k", "v")
			}
			check := func(err error) {
				t.Helper()
				if tc.message != "" {
					wantError(t, err, tc.code, tc.message)
				} else {
					wantCode(t, err, tc.code)
				}
			}
			_, err := e.svc.TagResource(e.ctx, &ecsmodel.TagResourceRequest{ResourceArn: tc.arn, Tags: tags})
			check(err)
			if tc.tags != nil {
				return // the remaining operations take no tags
			}
			_, err = e.svc.UntagResource(e.ctx, &ecsmodel.UntagResourceRequest{ResourceArn: tc.arn, TagKeys: []string{"k"}})
			check(err)
			_, err = e.svc.ListTagsForResource(e.ctx, &ecsmodel.ListTagsForResourceRequest{ResourceArn: tc.arn})
			check(err)
		})
	}
	_, err := e.svc.UntagResource(e.ctx, &ecsmodel.UntagResourceRequest{ResourceArn: ci.ContainerInstanceArn, TagKeys: []string{"aws:x"}})
	wantCode(t, err, ecs.CodeInvalidParameter)
}
