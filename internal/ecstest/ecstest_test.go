package ecstest_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

// The builders' requests must pass the model's own validation, which the
// API edge applies before the control plane sees them.
func TestBuildersPassModelValidation(t *testing.T) {
	for name, req := range map[string]interface{ Validate() error }{
		"TaskDefinition": ecstest.TaskDefinition(ecstest.Fargate(), ecstest.TaskDefTags(ecstest.Tags("k", "v")...),
			ecstest.AddContainer(ecstest.Container("side", ecstest.Essential(false), ecstest.Port(80), ecstest.LogDriver("awslogs")))),
		"RegisterInstance": ecstest.RegisterInstance(ecstest.GPUs("GPU-0"), ecstest.CapacityProvider("cp"), ecstest.InstanceTags(ecstest.Tags("a", "b")...)),
		"CreateCluster":    ecstest.CreateCluster("c", ecstest.ContainerInsights("enabled"), ecstest.ClusterTags(ecstest.Tags("a", "b")...)),
	} {
		if err := req.Validate(); err != nil {
			t.Errorf("%s: got %v, want a valid request", name, err)
		}
	}
}

func TestRegisterInstanceOptions(t *testing.T) {
	req := ecstest.RegisterInstance(ecstest.InstanceCPU(4096), ecstest.ReservedPorts(22, 80), ecstest.Identity("i-1", "eu-west-1a"))
	if req.TotalResources[0].IntegerValue != 4096 {
		t.Errorf("got CPU %d, want 4096", req.TotalResources[0].IntegerValue)
	}
	if got := req.TotalResources[2].StringSetValue; !slices.Equal(got, []string{"22", "80"}) {
		t.Errorf("got PORTS %v, want [22 80]", got)
	}
	var doc map[string]string
	if err := json.Unmarshal([]byte(req.InstanceIdentityDocument), &doc); err != nil || doc["instanceId"] != "i-1" || doc["availabilityZone"] != "eu-west-1a" {
		t.Errorf("got identity document %s (%v), want instance i-1 in eu-west-1a", req.InstanceIdentityDocument, err)
	}
	if a, b := ecstest.RegisterInstance(), ecstest.RegisterInstance(); a.InstanceIdentityDocument == b.InstanceIdentityDocument {
		t.Errorf("got the same identity document twice, want a fresh instance id per call")
	}
}

func TestTags(t *testing.T) {
	got := ecstest.Tags("a", "1", "b")
	want := []ecsmodel.Tag{{Key: "a", Value: "1"}, {Key: "b"}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
