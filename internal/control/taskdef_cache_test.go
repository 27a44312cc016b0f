package control_test

import (
	"errors"
	"testing"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

// TestRunAfterDeregister runs a task of a definition, which leaves the
// definition and its family decoded in the Service's cache, then
// deregisters the definition: the next RunTask by ARN must see it
// INACTIVE, and by family must find no ACTIVE revision, rather than use
// what the cache held.
func TestRunAfterDeregister(t *testing.T) {
	for _, tc := range []struct {
		name, ref, wantMessage string
	}{
		{name: "by family:revision", ref: ecstest.DefaultFamily + ":1", wantMessage: "TaskDefinition is inactive"},
		{name: "by family", ref: ecstest.DefaultFamily, wantMessage: "TaskDefinition not found."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.register()
			e.registerInstance()
			e.run(taskDef(tc.ref))
			e.deregister(ecstest.DefaultFamily + ":1")
			_, err := e.svc.RunTask(e.ctx, runRequest(taskDef(tc.ref)))
			var ee *ecs.Error
			if !errors.As(err, &ee) || ee.Code != ecs.CodeClient {
				t.Fatalf("RunTask after deregister: got %v, want a %s", err, ecs.CodeClient)
			}
			if ee.Message != tc.wantMessage {
				t.Fatalf("RunTask after deregister: got message %q, want %q", ee.Message, tc.wantMessage)
			}
			out, err := e.describeTD(tc.ref)
			if tc.ref == ecstest.DefaultFamily {
				return // a family with no ACTIVE revision has nothing to describe
			}
			if err != nil || out.TaskDefinition.Status != ecsmodel.TaskDefinitionStatusInactive {
				t.Fatalf("DescribeTaskDefinition after deregister: got (%v, %v), want INACTIVE", out, err)
			}
		})
	}
}
