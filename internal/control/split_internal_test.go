package control

import (
	"slices"
	"testing"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/placement"
)

// items builds a strategy from name, base, weight triples.
func items(v ...any) []ecsmodel.CapacityProviderStrategyItem {
	var out []ecsmodel.CapacityProviderStrategyItem
	for i := 0; i+2 < len(v); i += 3 {
		out = append(out, ecsmodel.CapacityProviderStrategyItem{CapacityProvider: v[i].(string), Base: int32(v[i+1].(int)), Weight: int32(v[i+2].(int))})
	}
	return out
}

func TestSplitCount(t *testing.T) {
	for _, tc := range []struct {
		name  string
		items []ecsmodel.CapacityProviderStrategyItem
		count int
		want  []int
	}{
		{"one provider", items("a", 0, 1), 7, []int{7}},
		{"1:4 of 5", items("a", 0, 1, "b", 0, 4), 5, []int{1, 4}},
		{"1:4 of 10", items("a", 0, 1, "b", 0, 4), 10, []int{2, 8}},
		{"1:1 of 3, first wins the tie", items("a", 0, 1, "b", 0, 1), 3, []int{2, 1}},
		{"1:1 of 1", items("a", 0, 1, "b", 0, 1), 1, []int{1, 0}},
		{"base first", items("a", 2, 1, "b", 0, 1), 6, []int{4, 2}},
		{"base larger than count", items("a", 5, 1, "b", 0, 1), 3, []int{3, 0}},
		{"base on a weight-0 provider", items("a", 2, 0, "b", 0, 1), 5, []int{2, 3}},
		{"weight 0 gets nothing", items("a", 0, 0, "b", 0, 3), 4, []int{0, 4}},
		{"base on the second", items("a", 0, 1, "b", 3, 1), 4, []int{1, 3}},
		{"2:3 of 10", items("a", 0, 2, "b", 0, 3), 10, []int{4, 6}},
		{"three ways", items("a", 0, 1, "b", 0, 1, "c", 0, 2), 8, []int{2, 2, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := splitCount(tc.items, tc.count)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLaunchPortions(t *testing.T) {
	cluster := &ecsmodel.Cluster{CapacityProviders: []string{"a", "b", "FARGATE"}}
	withDefault := &ecsmodel.Cluster{CapacityProviders: []string{"a"}, DefaultCapacityProviderStrategy: items("a", 0, 1)}
	ec2 := &ecsmodel.TaskDefinition{Compatibilities: []ecsmodel.Compatibility{"EC2", "EXTERNAL"}}
	fargate := &ecsmodel.TaskDefinition{Compatibilities: []ecsmodel.Compatibility{"EC2", "FARGATE"}}
	for _, tc := range []struct {
		name    string
		cluster *ecsmodel.Cluster
		lt      ecsmodel.LaunchType
		items   []ecsmodel.CapacityProviderStrategyItem
		td      *ecsmodel.TaskDefinition
		want    []portion
		wantErr bool
	}{
		{"neither: EC2 on any instance", cluster, "", nil, ec2, []portion{{provider: placement.AnyCapacityProvider, launchType: "EC2", count: 3}}, false},
		{"neither: the cluster's default", withDefault, "", nil, ec2, []portion{{provider: "a", cpName: "a", launchType: "EC2", count: 3}}, false},
		{"EXTERNAL", cluster, "EXTERNAL", nil, ec2, []portion{{provider: placement.AnyCapacityProvider, launchType: "EXTERNAL", count: 3}}, false},
		{"FARGATE", cluster, "FARGATE", nil, fargate, []portion{{provider: "FARGATE", launchType: "FARGATE", fargate: true, count: 3}}, false},
		{"FARGATE for an EC2 definition", cluster, "FARGATE", nil, ec2, nil, true},
		{"strategy", cluster, "", items("a", 1, 1, "b", 0, 1), ec2, []portion{
			{provider: "a", cpName: "a", launchType: "EC2", count: 2}, {provider: "b", cpName: "b", launchType: "EC2", count: 1}}, false},
		{"strategy leaving a provider out", cluster, "", items("a", 0, 0, "b", 0, 1), ec2, []portion{{provider: "b", cpName: "b", launchType: "EC2", count: 3}}, false},
		{"Fargate strategy", cluster, "", items("FARGATE", 0, 1), fargate, []portion{{provider: "FARGATE", cpName: "FARGATE", launchType: "FARGATE", fargate: true, count: 3}}, false},
		{"both", cluster, "EC2", items("a", 0, 1), ec2, nil, true},
		{"not associated", cluster, "", items("c", 0, 1), ec2, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := launchPortions(tc.cluster, tc.lt, tc.items, tc.td, 3)
			if (err != nil) != tc.wantErr {
				t.Fatalf("got error %v, want error %v", err, tc.wantErr)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
