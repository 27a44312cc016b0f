package control_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
	"github.com/berth-io/berth/internal/store"
)

func TestNewCreatesDefaultCluster(t *testing.T) {
	e := newEnv(t)
	out, err := e.svc.DescribeClusters(e.ctx, &ecsmodel.DescribeClustersRequest{})
	wantCode(t, err, "")
	if len(out.Clusters) != 1 {
		t.Fatalf("got %d clusters, want the default one", len(out.Clusters))
	}
	c := out.Clusters[0]
	if c.ClusterName != "default" || c.Status != "ACTIVE" || c.ClusterArn != "arn:aws:ecs:us-east-1:123456789012:cluster/default" {
		t.Errorf("got %s %s %s, want default ACTIVE arn:aws:ecs:us-east-1:123456789012:cluster/default", c.ClusterName, c.Status, c.ClusterArn)
	}
}

func TestCreateCluster(t *testing.T) {
	tests := []struct {
		name     string
		req      *ecsmodel.CreateClusterRequest
		wantCode string
		wantName string
	}{
		{name: "no name means default", req: &ecsmodel.CreateClusterRequest{}, wantName: "default"},
		{name: "name with tags and settings", req: ecstest.CreateCluster("prod_1-a", ecstest.ClusterTags(ecstest.Tags("env", "prod")...), ecstest.ContainerInsights("enabled")), wantName: "prod_1-a"},
		{name: "name of 255 characters", req: ecstest.CreateCluster(strings.Repeat("c", 255)), wantName: strings.Repeat("c", 255)},
		{name: "name of 256 characters", req: ecstest.CreateCluster(strings.Repeat("c", 256)), wantCode: ecs.CodeInvalidParameter},
		{name: "name with a space", req: ecstest.CreateCluster("my cluster"), wantCode: ecs.CodeInvalidParameter},
		{name: "name with a slash", req: ecstest.CreateCluster("a/b"), wantCode: ecs.CodeInvalidParameter},
		{name: "aws: tag key", req: ecstest.CreateCluster("c", ecstest.ClusterTags(ecstest.Tags("aws:owner", "me")...)), wantCode: ecs.CodeInvalidParameter},
		{name: "AWS: tag key in upper case", req: ecstest.CreateCluster("c", ecstest.ClusterTags(ecstest.Tags("AWS:owner", "me")...)), wantCode: ecs.CodeInvalidParameter},
		{name: "duplicate tag keys", req: ecstest.CreateCluster("c", ecstest.ClusterTags(ecstest.Tags("k", "1", "k", "2")...)), wantCode: ecs.CodeInvalidParameter},
		{name: "empty tag key", req: ecstest.CreateCluster("c", ecstest.ClusterTags(ecstest.Tags("", "v")...)), wantCode: ecs.CodeInvalidParameter},
		{name: "tag key of 129 characters", req: ecstest.CreateCluster("c", ecstest.ClusterTags(ecstest.Tags(strings.Repeat("k", 129), "v")...)), wantCode: ecs.CodeInvalidParameter},
		{name: "tag value of 257 characters", req: ecstest.CreateCluster("c", ecstest.ClusterTags(ecstest.Tags("k", strings.Repeat("v", 257))...)), wantCode: ecs.CodeInvalidParameter},
		{name: "tag value with a bad character", req: ecstest.CreateCluster("c", ecstest.ClusterTags(ecstest.Tags("k", "a*b")...)), wantCode: ecs.CodeInvalidParameter},
		{name: "51 tags", req: ecstest.CreateCluster("c", ecstest.ClusterTags(manyTags(51)...)), wantCode: ecs.CodeInvalidParameter},
		{name: "50 tags", req: ecstest.CreateCluster("c50", ecstest.ClusterTags(manyTags(50)...)), wantName: "c50"},
		{name: "bad containerInsights value", req: ecstest.CreateCluster("c", ecstest.ContainerInsights("maybe")), wantCode: ecs.CodeInvalidParameter},
		{name: "unknown setting", req: &ecsmodel.CreateClusterRequest{ClusterName: "c", Settings: []ecsmodel.ClusterSetting{{Name: "", Value: "enabled"}}}, wantCode: ecs.CodeInvalidParameter},
		{name: "two capacity providers with a base", req: &ecsmodel.CreateClusterRequest{ClusterName: "c", DefaultCapacityProviderStrategy: []ecsmodel.CapacityProviderStrategyItem{
			{CapacityProvider: "a", Base: 1, Weight: 1}, {CapacityProvider: "b", Base: 1, Weight: 1}}}, wantCode: ecs.CodeInvalidParameter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			out, err := e.svc.CreateCluster(e.ctx, tc.req)
			wantCode(t, err, tc.wantCode)
			if tc.wantCode != "" {
				return
			}
			c := out.Cluster
			if c.ClusterName != tc.wantName || c.ClusterArn != account.ClusterARN(tc.wantName) || c.Status != "ACTIVE" {
				t.Fatalf("got %s %s %s, want %s ACTIVE", c.ClusterName, c.ClusterArn, c.Status, tc.wantName)
			}
			if len(c.Tags) != len(tc.req.Tags) {
				t.Errorf("got %d tags, want %d", len(c.Tags), len(tc.req.Tags))
			}
			wantInsights := "disabled"
			if len(tc.req.Settings) > 0 {
				wantInsights = tc.req.Settings[0].Value
			}
			if len(c.Settings) != 1 || c.Settings[0].Value != wantInsights {
				t.Errorf("got settings %+v, want containerInsights=%s", c.Settings, wantInsights)
			}
		})
	}
}

// manyTags returns n distinct tags.
func manyTags(n int) []ecsmodel.Tag {
	var tags []ecsmodel.Tag
	for i := range n {
		tags = append(tags, ecsmodel.Tag{Key: fmt.Sprintf("k%d", i), Value: "v"})
	}
	return tags
}

func TestCreateClusterIsIdempotentForActiveCluster(t *testing.T) {
	e := newEnv(t)
	e.createCluster("prod", ecstest.ClusterTags(ecstest.Tags("team", "a")...))
	again := e.createCluster("prod", ecstest.ClusterTags(ecstest.Tags("team", "b")...), ecstest.ContainerInsights("enabled"))
	if v, _ := tagValue(again.Tags, "team"); v != "a" {
		t.Errorf("got tag team=%q after creating again, want the original a", v)
	}
	if again.Settings[0].Value != "disabled" {
		t.Errorf("got containerInsights %s after creating again, want the original disabled", again.Settings[0].Value)
	}
}

func tagValue(tags []ecsmodel.Tag, key string) (string, bool) {
	for _, t := range tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return "", false
}

func TestDeleteCluster(t *testing.T) {
	e := newEnv(t)
	e.createCluster("prod", ecstest.ClusterTags(ecstest.Tags("v", "1")...))

	out, err := e.svc.DeleteCluster(e.ctx, &ecsmodel.DeleteClusterRequest{Cluster: account.ClusterARN("prod")})
	wantCode(t, err, "")
	if out.Cluster.Status != "INACTIVE" {
		t.Fatalf("got status %s after delete, want INACTIVE", out.Cluster.Status)
	}
	if got := e.describeCluster("prod").Status; got != "INACTIVE" {
		t.Errorf("got described status %s, want INACTIVE", got)
	}
	list, err := e.svc.ListClusters(e.ctx, &ecsmodel.ListClustersRequest{})
	wantCode(t, err, "")
	if slices.Contains(list.ClusterArns, account.ClusterARN("prod")) {
		t.Errorf("got %v, want the deleted cluster left out", list.ClusterArns)
	}
	again, err := e.svc.DeleteCluster(e.ctx, &ecsmodel.DeleteClusterRequest{Cluster: "prod"})
	wantCode(t, err, "")
	if again.Cluster.Status != "INACTIVE" {
		t.Errorf("got status %s deleting again, want INACTIVE", again.Cluster.Status)
	}
	_, err = e.svc.RegisterContainerInstance(e.ctx, ecstest.RegisterInstance(ecstest.OnCluster("prod")))
	wantError(t, err, ecs.CodeClusterNotFound, "Cluster not found.")

	re := e.createCluster("prod", ecstest.ClusterTags(ecstest.Tags("v", "2")...))
	if re.Status != "ACTIVE" {
		t.Fatalf("got status %s after creating again, want ACTIVE", re.Status)
	}
	if v, _ := tagValue(re.Tags, "v"); v != "2" {
		t.Errorf("got tag v=%q after re-creation, want 2", v)
	}
}

func TestDeleteClusterErrors(t *testing.T) {
	e := newEnv(t)
	e.createCluster("busy")
	ci := e.registerInstance(ecstest.OnCluster("busy"))

	_, err := e.svc.DeleteCluster(e.ctx, &ecsmodel.DeleteClusterRequest{Cluster: "nope"})
	wantError(t, err, ecs.CodeClusterNotFound, "Cluster not found.")
	_, err = e.svc.DeleteCluster(e.ctx, &ecsmodel.DeleteClusterRequest{Cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/busy"})
	wantCode(t, err, ecs.CodeClusterNotFound)
	_, err = e.svc.DeleteCluster(e.ctx, &ecsmodel.DeleteClusterRequest{Cluster: "busy"})
	wantError(t, err, ecs.CodeClusterContainsInstances, "The Cluster cannot be deleted while Container Instances are active or draining.")

	_, err = e.svc.UpdateContainerInstancesState(e.ctx, &ecsmodel.UpdateContainerInstancesStateRequest{Cluster: "busy", ContainerInstances: []string{ci.ContainerInstanceArn}, Status: "DRAINING"})
	wantCode(t, err, "")
	_, err = e.svc.DeleteCluster(e.ctx, &ecsmodel.DeleteClusterRequest{Cluster: "busy"})
	wantCode(t, err, ecs.CodeClusterContainsInstances)

	_, err = e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{Cluster: "busy", ContainerInstance: ci.ContainerInstanceArn})
	wantCode(t, err, "")
	// A task that has not stopped, on no live instance (left by a crash):
	// written as a record, found by the index New rebuilds.
	e.putTask("busy", "0123456789abcdef0123456789abcdef", "RUNNING")
	e.reopen()
	_, err = e.svc.DeleteCluster(e.ctx, &ecsmodel.DeleteClusterRequest{Cluster: "busy"})
	wantError(t, err, ecs.CodeClusterContainsTasks, "The Cluster cannot be deleted while Tasks are active.")

	e.putTask("busy", "0123456789abcdef0123456789abcdef", "STOPPED")
	e.reopen()
	out, err := e.svc.DeleteCluster(e.ctx, &ecsmodel.DeleteClusterRequest{Cluster: "busy"})
	wantCode(t, err, "")
	if out.Cluster.Status != "INACTIVE" {
		t.Errorf("got %s, want INACTIVE once only stopped tasks remain", out.Cluster.Status)
	}
}

// putTask writes a task record directly, as a crash could leave it.
func (e *env) putTask(cluster, id, lastStatus string) {
	e.t.Helper()
	e.putTaskOn(cluster, id, lastStatus, "")
}

// putTaskOn writes a task record straight to the store, as putTask does,
// placed on the container instance instanceID ("" for none).
func (e *env) putTaskOn(cluster, id, lastStatus, instanceID string) {
	e.t.Helper()
	v := fmt.Sprintf(`{"task":{"taskArn":%q,"lastStatus":%q,"desiredStatus":%q},"instanceId":%q}`, account.TaskARN(cluster, id), lastStatus, lastStatus, instanceID)
	ops, err := control.TaskRecordOps(cluster, id, []byte(v))
	if err != nil {
		e.t.Fatalf("put task: %v", err)
	}
	if _, err := e.st.Commit(e.ctx, store.Batch{Ops: ops}); err != nil {
		e.t.Fatalf("put task: %v", err)
	}
}

func TestDescribeClusters(t *testing.T) {
	e := newEnv(t)
	e.createCluster("a", ecstest.ClusterTags(ecstest.Tags("k", "v")...))
	e.createCluster("b")
	e.registerInstance(ecstest.OnCluster("a"))
	drained := e.registerInstance(ecstest.OnCluster("a"))
	gone := e.registerInstance(ecstest.OnCluster("a"))
	_, err := e.svc.UpdateContainerInstancesState(e.ctx, &ecsmodel.UpdateContainerInstancesStateRequest{Cluster: "a", ContainerInstances: []string{drained.ContainerInstanceArn}, Status: "DRAINING"})
	wantCode(t, err, "")
	_, err = e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{Cluster: "a", ContainerInstance: gone.ContainerInstanceArn})
	wantCode(t, err, "")

	otherAccount := "arn:aws:ecs:us-east-1:999999999999:cluster/a"
	out, err := e.svc.DescribeClusters(e.ctx, &ecsmodel.DescribeClustersRequest{
		Clusters: []string{"a", account.ClusterARN("b"), "missing", otherAccount},
	})
	wantCode(t, err, "")
	if len(out.Clusters) != 2 || out.Clusters[0].ClusterName != "a" || out.Clusters[1].ClusterName != "b" {
		t.Fatalf("got clusters %+v, want a and b", out.Clusters)
	}
	wantFailures := []ecsmodel.Failure{{Arn: account.ClusterARN("missing"), Reason: "MISSING"}, {Arn: otherAccount, Reason: "MISSING"}}
	if !slices.Equal(out.Failures, wantFailures) {
		t.Errorf("got failures %+v, want %+v", out.Failures, wantFailures)
	}
	a := out.Clusters[0]
	if a.RegisteredContainerInstancesCount != 2 {
		t.Errorf("got registeredContainerInstancesCount %d, want 2 (ACTIVE and DRAINING)", a.RegisteredContainerInstancesCount)
	}
	if a.Tags != nil || a.Settings != nil || len(a.Statistics) != 0 {
		t.Errorf("got tags %v, settings %v, statistics %v without include, want none", a.Tags, a.Settings, a.Statistics)
	}

	full := e.describeCluster("a")
	if v, _ := tagValue(full.Tags, "k"); v != "v" {
		t.Errorf("got tags %+v with include TAGS, want k=v", full.Tags)
	}
	if len(full.Settings) != 1 || full.Settings[0].Name != "containerInsights" {
		t.Errorf("got settings %+v with include SETTINGS, want containerInsights", full.Settings)
	}
	if !slices.Contains(full.Statistics, ecsmodel.KeyValuePair{Name: "runningEC2TasksCount", Value: "0"}) {
		t.Errorf("got statistics %+v with include STATISTICS, want runningEC2TasksCount=0", full.Statistics)
	}
}

func TestListClusters(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"e", "a", "d", "b", "c"} {
		e.createCluster(n)
	}
	want := []string{"a", "b", "c", "d", "default", "e"}
	var got []string
	token := ""
	pages := 0
	for {
		out, err := e.svc.ListClusters(e.ctx, &ecsmodel.ListClustersRequest{MaxResults: ptr[int32](2), NextToken: token})
		wantCode(t, err, "")
		pages++
		for _, arn := range out.ClusterArns {
			got = append(got, ecs.LastSegment(arn))
		}
		if token = out.NextToken; token == "" {
			break
		}
	}
	if !slices.Equal(got, want) || pages != 3 {
		t.Errorf("got %v in %d pages, want %v in 3", got, pages, want)
	}

	for _, tc := range []struct {
		name string
		req  *ecsmodel.ListClustersRequest
	}{
		{"maxResults 0", &ecsmodel.ListClustersRequest{MaxResults: ptr[int32](0)}},
		{"maxResults 101", &ecsmodel.ListClustersRequest{MaxResults: ptr[int32](101)}},
		{"garbage token", &ecsmodel.ListClustersRequest{NextToken: "not-a-token"}},
		{"token of another operation", &ecsmodel.ListClustersRequest{NextToken: listFamiliesToken(t, e)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.ListClusters(e.ctx, tc.req)
			wantCode(t, err, ecs.CodeInvalidParameter)
		})
	}
}

// listFamiliesToken returns a ListTaskDefinitionFamilies nextToken.
func listFamiliesToken(t *testing.T, e *env) string {
	t.Helper()
	e.register(ecstest.Family("f1"))
	e.register(ecstest.Family("f2"))
	out, err := e.svc.ListTaskDefinitionFamilies(e.ctx, &ecsmodel.ListTaskDefinitionFamiliesRequest{MaxResults: ptr[int32](1)})
	wantCode(t, err, "")
	if out.NextToken == "" {
		t.Fatal("got no nextToken, want one")
	}
	return out.NextToken
}

func TestUpdateCluster(t *testing.T) {
	e := newEnv(t)
	e.createCluster("prod")
	out, err := e.svc.UpdateCluster(e.ctx, &ecsmodel.UpdateClusterRequest{
		Cluster:       "prod",
		Settings:      []ecsmodel.ClusterSetting{{Name: "containerInsights", Value: "enhanced"}},
		Configuration: &ecsmodel.ClusterConfiguration{ExecuteCommandConfiguration: &ecsmodel.ExecuteCommandConfiguration{Logging: "DEFAULT"}},
	})
	wantCode(t, err, "")
	if out.Cluster.Settings[0].Value != "enhanced" || out.Cluster.Configuration == nil {
		t.Fatalf("got settings %+v configuration %+v, want enhanced and the configuration", out.Cluster.Settings, out.Cluster.Configuration)
	}
	if got := e.describeCluster("prod"); got.Settings[0].Value != "enhanced" || got.Configuration.ExecuteCommandConfiguration.Logging != "DEFAULT" {
		t.Errorf("got described settings %+v configuration %+v, want them stored", got.Settings, got.Configuration)
	}

	s2, err := e.svc.UpdateClusterSettings(e.ctx, &ecsmodel.UpdateClusterSettingsRequest{Cluster: account.ClusterARN("prod"), Settings: []ecsmodel.ClusterSetting{{Name: "containerInsights", Value: "disabled"}}})
	wantCode(t, err, "")
	if s2.Cluster.Settings[0].Value != "disabled" || s2.Cluster.Configuration == nil {
		t.Errorf("got %+v, want containerInsights disabled and the configuration kept", s2.Cluster)
	}

	_, err = e.svc.UpdateCluster(e.ctx, &ecsmodel.UpdateClusterRequest{Cluster: "nope"})
	wantCode(t, err, ecs.CodeClusterNotFound)
	_, err = e.svc.UpdateClusterSettings(e.ctx, &ecsmodel.UpdateClusterSettingsRequest{Cluster: "prod", Settings: []ecsmodel.ClusterSetting{{Name: "containerInsights", Value: "on"}}})
	wantCode(t, err, ecs.CodeInvalidParameter)
	_, err = e.svc.DeleteCluster(e.ctx, &ecsmodel.DeleteClusterRequest{Cluster: "prod"})
	wantCode(t, err, "")
	_, err = e.svc.UpdateClusterSettings(e.ctx, &ecsmodel.UpdateClusterSettingsRequest{Cluster: "prod", Settings: []ecsmodel.ClusterSetting{{Name: "containerInsights", Value: "enabled"}}})
	wantCode(t, err, ecs.CodeClusterNotFound)
}

func TestClusterLeftDeprovisioning(t *testing.T) {
	e := newEnv(t)
	for _, finish := range []string{"delete", "create"} {
		t.Run(finish, func(t *testing.T) {
			name := "crashed-" + finish
			e.createCluster(name)
			// A crash between the first and the last commit of DeleteCluster
			// leaves the record DEPROVISIONING.
			v := fmt.Sprintf(`{"cluster":{"clusterArn":%q,"clusterName":%q,"status":"DEPROVISIONING"}}`, account.ClusterARN(name), name)
			if _, err := e.st.Commit(e.ctx, store.Batch{Ops: []store.Op{{Key: "/clusters/" + name, Value: []byte(v)}}}); err != nil {
				t.Fatal(err)
			}
			if got := e.describeCluster(name).Status; got != "DEPROVISIONING" {
				t.Fatalf("got %s, want DEPROVISIONING", got)
			}
			_, err := e.svc.RegisterContainerInstance(e.ctx, ecstest.RegisterInstance(ecstest.OnCluster(name)))
			wantCode(t, err, ecs.CodeClusterNotFound)
			want := "ACTIVE"
			if finish == "delete" {
				want = "INACTIVE"
				_, err = e.svc.DeleteCluster(e.ctx, &ecsmodel.DeleteClusterRequest{Cluster: name})
			} else {
				_, err = e.svc.CreateCluster(e.ctx, ecstest.CreateCluster(name))
			}
			wantCode(t, err, "")
			if got := e.describeCluster(name).Status; got != want {
				t.Errorf("got %s after %s, want %s", got, finish, want)
			}
		})
	}
}

// TestDeleteClusterRacesRegistration runs DeleteCluster and a registration
// concurrently, many times: whatever the interleaving, a cluster must never
// end INACTIVE with an ACTIVE instance in it.
func TestDeleteClusterRacesRegistration(t *testing.T) {
	e := newEnv(t)
	for i := range 30 {
		name := fmt.Sprintf("race%d", i)
		e.createCluster(name)
		regErr := make(chan error, 1)
		go func() {
			_, err := e.svc.RegisterContainerInstance(e.ctx, ecstest.RegisterInstance(ecstest.OnCluster(name)))
			regErr <- err
		}()
		_, delErr := e.svc.DeleteCluster(e.ctx, &ecsmodel.DeleteClusterRequest{Cluster: name})
		rErr := <-regErr
		status := e.describeCluster(name).Status
		switch {
		case rErr == nil && delErr == nil:
			t.Fatalf("%s: registration and deletion both succeeded (cluster %s)", name, status)
		case delErr == nil && status != "INACTIVE":
			t.Fatalf("%s: deletion succeeded but the cluster is %s", name, status)
		case rErr == nil && status != "ACTIVE":
			t.Fatalf("%s: registration succeeded but the cluster is %s", name, status)
		}
		if delErr != nil {
			wantCode(t, delErr, ecs.CodeClusterContainsInstances)
		}
		if rErr != nil {
			wantCode(t, rErr, ecs.CodeClusterNotFound)
		}
	}
}
