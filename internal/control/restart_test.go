package control_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
	"github.com/berth-io/berth/internal/store/boltstore"
)

// snapshot describes everything the test created, as JSON.
func (e *env) snapshot(t *testing.T, instanceARNs []string) string {
	t.Helper()
	var parts []any
	clusters, err := e.svc.DescribeClusters(e.ctx, &ecsmodel.DescribeClustersRequest{
		Clusters: []string{"default", "prod"},
		Include:  []ecsmodel.ClusterField{"TAGS", "SETTINGS", "STATISTICS", "CONFIGURATIONS"},
	})
	wantCode(t, err, "")
	parts = append(parts, clusters)
	list, err := e.svc.ListClusters(e.ctx, &ecsmodel.ListClustersRequest{})
	wantCode(t, err, "")
	parts = append(parts, list)
	for _, status := range []ecsmodel.TaskDefinitionStatus{"ACTIVE", "INACTIVE"} {
		tds, err := e.svc.ListTaskDefinitions(e.ctx, &ecsmodel.ListTaskDefinitionsRequest{Status: status})
		wantCode(t, err, "")
		parts = append(parts, tds)
		for _, arn := range tds.TaskDefinitionArns {
			td, err := e.describeTD(arn, "TAGS")
			wantCode(t, err, "")
			parts = append(parts, td)
		}
	}
	fams, err := e.svc.ListTaskDefinitionFamilies(e.ctx, &ecsmodel.ListTaskDefinitionFamiliesRequest{})
	wantCode(t, err, "")
	parts = append(parts, fams)
	insts, err := e.svc.DescribeContainerInstances(e.ctx, &ecsmodel.DescribeContainerInstancesRequest{
		Cluster: "prod", ContainerInstances: instanceARNs, Include: []ecsmodel.ContainerInstanceField{"TAGS"},
	})
	wantCode(t, err, "")
	parts = append(parts, insts)
	attrs, err := e.svc.ListAttributes(e.ctx, &ecsmodel.ListAttributesRequest{Cluster: "prod", TargetType: "container-instance"})
	wantCode(t, err, "")
	parts = append(parts, attrs)
	b, err := json.Marshal(parts)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestStateSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	e.st.Close()
	e.open(boltstore.Options{}) // with fsync, as in production

	e.createCluster("prod", ecstest.ClusterTags(ecstest.Tags("env", "prod")...), ecstest.ContainerInsights("enabled"))
	_, err := e.svc.DeleteCluster(e.ctx, &ecsmodel.DeleteClusterRequest{Cluster: "default"})
	wantCode(t, err, "")
	e.register(ecstest.TaskDefTags(ecstest.Tags("v", "1")...))
	e.register()
	e.register(ecstest.Fargate(), ecstest.Family("api"))
	e.deregister("web:1")
	a := e.registerInstance(ecstest.OnCluster("prod"), ecstest.GPUs("GPU-0"), ecstest.InstanceTags(ecstest.Tags("rack", "7")...))
	b := e.registerInstance(ecstest.OnCluster("prod"))
	_, err = e.svc.UpdateContainerInstancesState(e.ctx, &ecsmodel.UpdateContainerInstancesStateRequest{Cluster: "prod", ContainerInstances: []string{b.ContainerInstanceArn}, Status: "DRAINING"})
	wantCode(t, err, "")
	_, err = e.svc.PutAttributes(e.ctx, &ecsmodel.PutAttributesRequest{Cluster: "prod", Attributes: []ecsmodel.Attribute{{Name: "stack", Value: "blue", TargetId: a.ContainerInstanceArn}}})
	wantCode(t, err, "")
	arns := []string{a.ContainerInstanceArn, b.ContainerInstanceArn}

	before := e.snapshot(t, arns)
	if err := e.st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	e.open(boltstore.Options{})
	after := e.snapshot(t, arns)
	if after != before {
		t.Fatalf("state after restart differs:\ngot  %s\nwant %s", after, before)
	}

	if got := e.describeCluster("default").Status; got != "INACTIVE" {
		t.Errorf("got default cluster %s after restart, want it to stay deleted (INACTIVE)", got)
	}
	if got := e.register().Revision; got != 3 {
		t.Errorf("got revision %d after restart, want 3", got)
	}
	again := e.registerInstance(ecstest.OnCluster("prod"), ecstest.ReRegister(a.ContainerInstanceArn))
	if again.ContainerInstanceArn != a.ContainerInstanceArn || again.Version != 2 {
		t.Errorf("got %s version %d re-registering after restart, want %s version 2", again.ContainerInstanceArn, again.Version, a.ContainerInstanceArn)
	}
}

func TestBindExposesOperations(t *testing.T) {
	e := newEnv(t)
	handlers := ecsmodel.Bind(e.svc)
	want := []string{
		"CreateCluster", "DeleteCluster", "DescribeClusters", "ListClusters", "UpdateCluster", "UpdateClusterSettings",
		"RegisterTaskDefinition", "DeregisterTaskDefinition", "DeleteTaskDefinitions", "DescribeTaskDefinition",
		"ListTaskDefinitions", "ListTaskDefinitionFamilies",
		"RegisterContainerInstance", "DeregisterContainerInstance", "DescribeContainerInstances",
		"ListContainerInstances", "UpdateContainerInstancesState",
		"PutAttributes", "DeleteAttributes", "ListAttributes",
		"TagResource", "UntagResource", "ListTagsForResource",
		"RunTask", "StartTask", "StopTask", "DescribeTasks", "ListTasks",
		"CreateCapacityProvider", "DescribeCapacityProviders", "UpdateCapacityProvider", "DeleteCapacityProvider",
		"PutClusterCapacityProviders",
	}
	var got []string
	for name := range handlers {
		got = append(got, name)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("got operations %v, want %v", got, want)
	}

	h := handlers["CreateCluster"]
	in := h.NewInput()
	if err := json.Unmarshal([]byte(`{"clusterName":"bound","tags":[{"key":"k","value":"v"}]}`), in); err != nil {
		t.Fatal(err)
	}
	out, err := h.Call(e.ctx, in)
	wantCode(t, err, "")
	resp, ok := out.(*ecsmodel.CreateClusterResponse)
	if !ok || resp.Cluster.ClusterArn != account.ClusterARN("bound") {
		t.Fatalf("got %#v, want a CreateClusterResponse for cluster bound", out)
	}
	_, err = handlers["DeleteCluster"].Call(e.ctx, &ecsmodel.DeleteClusterRequest{Cluster: "nope"})
	if ecs.CodeOf(err) != ecs.CodeClusterNotFound {
		t.Errorf("got %v through the handler, want ClusterNotFoundException", err)
	}
}
