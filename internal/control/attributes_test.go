package control_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

// attr builds an attribute on a container instance by short id.
func attr(name, value, id string) ecsmodel.Attribute {
	return ecsmodel.Attribute{Name: name, Value: value, TargetId: id, TargetType: ecsmodel.TargetTypeContainerInstance}
}

func (e *env) putAttributes(attrs ...ecsmodel.Attribute) error {
	_, err := e.svc.PutAttributes(e.ctx, &ecsmodel.PutAttributesRequest{Attributes: attrs})
	return err
}

func TestPutAttributes(t *testing.T) {
	e := newEnv(t)
	ci := e.registerInstance()
	id := ecs.LastSegment(ci.ContainerInstanceArn)

	out, err := e.svc.PutAttributes(e.ctx, &ecsmodel.PutAttributesRequest{Attributes: []ecsmodel.Attribute{
		attr("stack", "prod", id),
		{Name: "gpu-ready", TargetId: ci.ContainerInstanceArn},
	}})
	wantCode(t, err, "")
	for _, a := range out.Attributes {
		if a.TargetId != ci.ContainerInstanceArn {
			t.Errorf("got targetId %s for %s, want the instance ARN", a.TargetId, a.Name)
		}
	}
	got := e.describeInstance("", id)
	if v, ok := attribute(got.Attributes, "stack"); !ok || v != "prod" {
		t.Errorf("got stack=%q (present %v), want prod", v, ok)
	}
	if v, ok := attribute(got.Attributes, "gpu-ready"); !ok || v != "" {
		t.Errorf("got gpu-ready=%q (present %v), want a name-only attribute", v, ok)
	}
	wantCode(t, e.putAttributes(attr("stack", "staging", id)), "")
	if v, _ := attribute(e.describeInstance("", id).Attributes, "stack"); v != "staging" {
		t.Errorf("got stack=%q after overwriting, want staging", v)
	}
}

func TestPutAttributesErrors(t *testing.T) {
	e := newEnv(t)
	e.createCluster("other")
	ci := e.registerInstance()
	gone := e.registerInstance()
	_, err := e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{ContainerInstance: gone.ContainerInstanceArn})
	wantCode(t, err, "")
	id := ecs.LastSegment(ci.ContainerInstanceArn)
	var eleven []ecsmodel.Attribute
	for i := range 11 {
		eleven = append(eleven, attr(fmt.Sprintf("a%d", i), "v", id))
	}
	tests := []struct {
		name    string
		cluster string
		attrs   []ecsmodel.Attribute
		code    string
	}{
		{"short id without targetType", "", []ecsmodel.Attribute{{Name: "a", TargetId: id}}, ecs.CodeInvalidParameter},
		{"no targetId", "", []ecsmodel.Attribute{{Name: "a"}}, ecs.CodeInvalidParameter},
		{"unknown instance", "", []ecsmodel.Attribute{attr("a", "", "0123456789abcdef0123456789abcdef")}, ecs.CodeTargetNotFound},
		{"deregistered instance", "", []ecsmodel.Attribute{{Name: "a", TargetId: gone.ContainerInstanceArn}}, ecs.CodeTargetNotFound},
		{"instance of another cluster", "other", []ecsmodel.Attribute{{Name: "a", TargetId: ci.ContainerInstanceArn}}, ecs.CodeInvalidParameter},
		{"cluster ARN as target", "", []ecsmodel.Attribute{{Name: "a", TargetId: account.ClusterARN("default")}}, ecs.CodeInvalidParameter},
		{"unknown cluster", "nope", []ecsmodel.Attribute{attr("a", "", id)}, ecs.CodeClusterNotFound},
		{"eleven attributes", "", eleven, ecs.CodeInvalidParameter},
		{"no attributes", "", []ecsmodel.Attribute{}, ecs.CodeInvalidParameter},
		{"name with a space", "", []ecsmodel.Attribute{attr("a b", "", id)}, ecs.CodeInvalidParameter},
		{"value with a trailing space", "", []ecsmodel.Attribute{attr("a", "b ", id)}, ecs.CodeInvalidParameter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.PutAttributes(e.ctx, &ecsmodel.PutAttributesRequest{Cluster: tc.cluster, Attributes: tc.attrs})
			wantCode(t, err, tc.code)
			_, err = e.svc.DeleteAttributes(e.ctx, &ecsmodel.DeleteAttributesRequest{Cluster: tc.cluster, Attributes: tc.attrs})
			wantCode(t, err, tc.code)
		})
	}
}

func TestCustomAttributeLimit(t *testing.T) {
	e := newEnv(t)
	ci := e.registerInstance(ecstest.InstanceAttribute("agent.one", "1"), ecstest.InstanceAttribute("agent.two", "2"))
	id := ecs.LastSegment(ci.ContainerInstanceArn)
	for i := range 10 {
		wantCode(t, e.putAttributes(attr(fmt.Sprintf("c%d", i), "v", id)), "")
	}
	wantCode(t, e.putAttributes(attr("c0", "again", id)), "")
	err := e.putAttributes(attr("x", "1", id), attr("c11", "v", id))
	wantCode(t, err, ecs.CodeAttributeLimitExceeded)
	if _, ok := attribute(e.describeInstance("", id).Attributes, "x"); ok {
		t.Errorf("got attribute x stored by the failed call, want the call to change nothing")
	}
	_, err = e.svc.DeleteAttributes(e.ctx, &ecsmodel.DeleteAttributesRequest{Attributes: []ecsmodel.Attribute{attr("c3", "", id)}})
	wantCode(t, err, "")
	wantCode(t, e.putAttributes(attr("c11", "v", id)), "")
}

func TestDeleteAttributes(t *testing.T) {
	e := newEnv(t)
	ci := e.registerInstance()
	id := ecs.LastSegment(ci.ContainerInstanceArn)
	wantCode(t, e.putAttributes(attr("stack", "prod", id)), "")
	out, err := e.svc.DeleteAttributes(e.ctx, &ecsmodel.DeleteAttributesRequest{Attributes: []ecsmodel.Attribute{
		attr("stack", "", id), {Name: "ecs.os-type", TargetId: ci.ContainerInstanceArn}, attr("never-set", "", id),
	}})
	wantCode(t, err, "")
	if len(out.Attributes) != 3 || out.Attributes[0].TargetId != ci.ContainerInstanceArn {
		t.Errorf("got %+v, want the three attributes with the instance ARN", out.Attributes)
	}
	got := e.describeInstance("", id).Attributes
	for _, name := range []string{"stack", "ecs.os-type"} {
		if _, ok := attribute(got, name); ok {
			t.Errorf("got attribute %s after deleting it, want it gone", name)
		}
	}
}

func TestListAttributes(t *testing.T) {
	e := newEnv(t)
	a := e.registerInstance(ecstest.Identity("i-a", "us-east-1a"))
	b := e.registerInstance(ecstest.Identity("i-b", "us-east-1b"))
	gone := e.registerInstance(ecstest.Identity("i-c", "us-east-1a"))
	_, err := e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{ContainerInstance: gone.ContainerInstanceArn})
	wantCode(t, err, "")
	wantCode(t, e.putAttributes(attr("stack", "prod", ecs.LastSegment(a.ContainerInstanceArn)), attr("stack", "dev", ecs.LastSegment(b.ContainerInstanceArn))), "")

	list := func(t *testing.T, req ecsmodel.ListAttributesRequest) []string {
		t.Helper()
		req.TargetType = ecsmodel.TargetTypeContainerInstance
		var got []string
		for {
			out, err := e.svc.ListAttributes(e.ctx, &req)
			wantCode(t, err, "")
			for _, x := range out.Attributes {
				if x.TargetType != ecsmodel.TargetTypeContainerInstance {
					t.Errorf("got targetType %q, want container-instance", x.TargetType)
				}
				got = append(got, ecs.LastSegment(x.TargetId)+" "+x.Name+"="+x.Value)
			}
			if req.NextToken = out.NextToken; req.NextToken == "" {
				return got
			}
		}
	}
	idA, idB := ecs.LastSegment(a.ContainerInstanceArn), ecs.LastSegment(b.ContainerInstanceArn)
	first, second := idA, idB
	if first > second {
		first, second = second, first
	}
	zone := map[string]string{idA: "us-east-1a", idB: "us-east-1b"}

	all := list(t, ecsmodel.ListAttributesRequest{})
	if len(all) != 2*len(a.Attributes)+2 {
		t.Errorf("got %d attributes, want %d (every attribute of the two live instances)", len(all), 2*len(a.Attributes)+2)
	}
	if paged := list(t, ecsmodel.ListAttributesRequest{MaxResults: ptr[int32](3)}); !slices.Equal(paged, all) {
		t.Errorf("got %v in pages of 3, want %v", paged, all)
	}
	tests := []struct {
		name string
		req  ecsmodel.ListAttributesRequest
		want []string
	}{
		{"by name", ecsmodel.ListAttributesRequest{AttributeName: "stack"}, []string{first + " stack=" + map[string]string{idA: "prod", idB: "dev"}[first], second + " stack=" + map[string]string{idA: "prod", idB: "dev"}[second]}},
		{"by name and value", ecsmodel.ListAttributesRequest{AttributeName: "stack", AttributeValue: "dev"}, []string{idB + " stack=dev"}},
		{"zone by name in pages of one", ecsmodel.ListAttributesRequest{AttributeName: "ecs.availability-zone", MaxResults: ptr[int32](1)},
			[]string{first + " ecs.availability-zone=" + zone[first], second + " ecs.availability-zone=" + zone[second]}},
		{"unknown name", ecsmodel.ListAttributesRequest{AttributeName: "nope"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := list(t, tc.req); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name string
		req  ecsmodel.ListAttributesRequest
		code string
	}{
		{"value without name", ecsmodel.ListAttributesRequest{AttributeValue: "prod"}, ecs.CodeInvalidParameter},
		{"unknown cluster", ecsmodel.ListAttributesRequest{Cluster: "nope"}, ecs.CodeClusterNotFound},
		{"bad token", ecsmodel.ListAttributesRequest{NextToken: "AAAA"}, ecs.CodeInvalidParameter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.TargetType = ecsmodel.TargetTypeContainerInstance
			_, err := e.svc.ListAttributes(e.ctx, &tc.req)
			wantCode(t, err, tc.code)
		})
	}
}
