package e2e

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestDefaultClusterExists(t *testing.T) {
	h := start(t)
	out, err := h.ecs.DescribeClusters(ctx(t), &ecs.DescribeClustersInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Clusters) != 1 || aws.ToString(out.Clusters[0].ClusterName) != "default" {
		t.Fatalf("got clusters %+v, want the default cluster", out.Clusters)
	}
	if got, want := aws.ToString(out.Clusters[0].ClusterArn), "arn:aws:ecs:us-east-1:123456789012:cluster/default"; got != want {
		t.Errorf("got ARN %s, want %s", got, want)
	}
	if got := aws.ToString(out.Clusters[0].Status); got != "ACTIVE" {
		t.Errorf("got status %s, want ACTIVE", got)
	}
}

func TestClusterLifecycle(t *testing.T) {
	h := start(t)
	arn := createCluster(t, h, "web")
	out, err := h.ecs.DescribeClusters(ctx(t), &ecs.DescribeClustersInput{
		Clusters: []string{"web", arn, "nope"},
		Include:  []types.ClusterField{types.ClusterFieldTags, types.ClusterFieldStatistics},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Clusters) != 2 {
		t.Errorf("got %d clusters, want 2 (by name and by ARN)", len(out.Clusters))
	}
	if len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" {
		t.Errorf("got failures %+v, want one MISSING", out.Failures)
	}

	// Pagination with maxResults 1 visits every cluster once.
	var seen []string
	p := ecs.NewListClustersPaginator(h.ecs, &ecs.ListClustersInput{MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(page.ClusterArns) > 1 {
			t.Fatalf("got page of %d, want at most 1", len(page.ClusterArns))
		}
		seen = append(seen, page.ClusterArns...)
	}
	if len(seen) != 2 {
		t.Errorf("got %v, want default and web", seen)
	}

	if _, err := h.ecs.DeleteCluster(ctx(t), &ecs.DeleteClusterInput{Cluster: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	out, err = h.ecs.DescribeClusters(ctx(t), &ecs.DescribeClustersInput{Clusters: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Clusters) != 1 || aws.ToString(out.Clusters[0].Status) != "INACTIVE" {
		t.Errorf("got %+v, want web INACTIVE after delete", out.Clusters)
	}
	_, err = h.ecs.DeleteCluster(ctx(t), &ecs.DeleteClusterInput{Cluster: aws.String("never-was")})
	wantTyped[*types.ClusterNotFoundException](t, err)
}

func TestDeleteClusterWithInstancesIsRefused(t *testing.T) {
	h := start(t)
	createCluster(t, h, "busy")
	if _, err := h.ecs.RegisterContainerInstance(ctx(t), instance("busy", 2048, 4096)); err != nil {
		t.Fatal(err)
	}
	_, err := h.ecs.DeleteCluster(ctx(t), &ecs.DeleteClusterInput{Cluster: aws.String("busy")})
	wantTyped[*types.ClusterContainsContainerInstancesException](t, err)
}

func TestUpdateClusterSettings(t *testing.T) {
	h := start(t)
	createCluster(t, h, "insights")
	out, err := h.ecs.UpdateClusterSettings(ctx(t), &ecs.UpdateClusterSettingsInput{
		Cluster:  aws.String("insights"),
		Settings: []types.ClusterSetting{{Name: types.ClusterSettingNameContainerInsights, Value: aws.String("enabled")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Cluster.Settings) != 1 || aws.ToString(out.Cluster.Settings[0].Value) != "enabled" {
		t.Errorf("got settings %+v, want containerInsights=enabled", out.Cluster.Settings)
	}
}
