package ecstest

import (
	"github.com/berth-io/berth/internal/ecsmodel"
)

// ClusterOption changes a CreateClusterRequest.
type ClusterOption func(*ecsmodel.CreateClusterRequest)

// CreateCluster returns a request creating the named cluster with ECS's
// defaults, then applies opts.
func CreateCluster(name string, opts ...ClusterOption) *ecsmodel.CreateClusterRequest {
	req := &ecsmodel.CreateClusterRequest{ClusterName: name}
	for _, o := range opts {
		o(req)
	}
	return req
}

// ClusterTags sets the tags of the new cluster.
func ClusterTags(tags ...ecsmodel.Tag) ClusterOption {
	return func(r *ecsmodel.CreateClusterRequest) { r.Tags = tags }
}

// ContainerInsights sets the containerInsights setting (enabled, disabled,
// enhanced).
func ContainerInsights(value string) ClusterOption {
	return func(r *ecsmodel.CreateClusterRequest) {
		r.Settings = append(r.Settings, ecsmodel.ClusterSetting{Name: ecsmodel.ClusterSettingNameContainerinsights, Value: value})
	}
}
