package agentbridge

import (
	"testing"

	"github.com/berth-io/berth/internal/ecsmodel"
)

func TestAgentDefinitionDropsEmptyLists(t *testing.T) {
	td := &ecsmodel.TaskDefinition{NetworkMode: "bridge", ContainerDefinitions: []ecsmodel.ContainerDefinition{{
		Name:         "app",
		Command:      []string{},
		EntryPoint:   []string{},
		Environment:  []ecsmodel.KeyValuePair{},
		MountPoints:  []ecsmodel.MountPoint{},
		PortMappings: []ecsmodel.PortMapping{{}},
	}}}
	def := newAgentDefinition(td)
	c := def.containers[0]
	tests := []struct {
		member  string
		gotNil  bool
		wantNil bool
	}{
		{member: "environment (empty)", gotNil: c.Environment == nil, wantNil: true},
		{member: "mountPoints (empty)", gotNil: c.MountPoints == nil, wantNil: true},
		{member: "portMappings (one)", gotNil: c.PortMappings == nil},
		{member: "command (empty: replaces the image's)", gotNil: c.Command == nil},
		{member: "entryPoint (empty: replaces the image's)", gotNil: c.EntryPoint == nil},
	}
	for _, tc := range tests {
		if tc.gotNil != tc.wantNil {
			t.Errorf("%s: got nil=%v, want nil=%v", tc.member, tc.gotNil, tc.wantNil)
		}
	}
	if def.networkMode != "bridge" || td.ContainerDefinitions[0].Environment == nil {
		t.Errorf("got network mode %q and the cached definition changed=%v, want bridge and the definition untouched",
			def.networkMode, td.ContainerDefinitions[0].Environment == nil)
	}
}

func TestAgentOverrides(t *testing.T) {
	int32p := func(v int32) *int32 { return &v }
	echo := func(cos ...ecsmodel.ContainerOverride) *ecsmodel.TaskOverride {
		return &ecsmodel.TaskOverride{ContainerOverrides: cos, InferenceAcceleratorOverrides: []ecsmodel.InferenceAcceleratorOverride{}}
	}
	tests := []struct {
		name     string
		in       *ecsmodel.TaskOverride
		wantKept bool
	}{
		{name: "none"},
		{name: "the echo of a launch without overrides", in: echo(ecsmodel.ContainerOverride{Name: "app"}, ecsmodel.ContainerOverride{Name: "side"})},
		{name: "a command", in: echo(ecsmodel.ContainerOverride{Name: "app"}, ecsmodel.ContainerOverride{Name: "side", Command: []string{"true"}}), wantKept: true},
		{name: "an empty command", in: echo(ecsmodel.ContainerOverride{Name: "app", Command: []string{}}), wantKept: true},
		{name: "memory", in: echo(ecsmodel.ContainerOverride{Name: "app", Memory: int32p(64)}), wantKept: true},
		{name: "the task's cpu", in: &ecsmodel.TaskOverride{Cpu: "512"}, wantKept: true},
		{name: "an inference accelerator", in: &ecsmodel.TaskOverride{InferenceAcceleratorOverrides: []ecsmodel.InferenceAcceleratorOverride{{DeviceName: "d"}}}, wantKept: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := agentOverrides(tc.in)
			if kept := got != nil; kept != tc.wantKept {
				t.Fatalf("kept: got %v, want %v", kept, tc.wantKept)
			}
			if got != nil && got != tc.in {
				t.Fatalf("got a different value than given, want the same overrides")
			}
		})
	}
}
