package agentbridge

import (
	"reflect"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// agentDefinition is what payloads carry of a task definition, prepared
// once per revision.
type agentDefinition struct {
	networkMode string
	// containers are the definition's containers without their empty
	// lists: a registered definition echoes [] for the lists it was
	// registered without (environment, mountPoints, portMappings, ...),
	// which an agent reads as it reads their absence, and every payload
	// would carry them again.
	containers []ecsmodel.ContainerDefinition
}

// keepEmpty are the list members where an empty list differs from none:
// an empty command or entry point replaces the image's own.
var keepEmpty = map[string]bool{"Command": true, "EntryPoint": true}

func newAgentDefinition(td *ecsmodel.TaskDefinition) *agentDefinition {
	def := &agentDefinition{networkMode: string(td.NetworkMode)}
	for _, cd := range td.ContainerDefinitions {
		v := reflect.ValueOf(&cd).Elem()
		for i := range v.NumField() {
			f := v.Field(i)
			if f.Kind() == reflect.Slice && !f.IsNil() && f.Len() == 0 && !keepEmpty[v.Type().Field(i).Name] {
				f.SetZero()
			}
		}
		def.containers = append(def.containers, cd)
	}
	return def
}

// agentOverrides returns the overrides a payload carries: none when they
// change nothing, as the ones ECS echoes for a task launched without
// overrides do (an entry with only its name for every container, and an
// empty list of inference accelerator overrides).
func agentOverrides(ov *ecsmodel.TaskOverride) *ecsmodel.TaskOverride {
	if ov == nil {
		return nil
	}
	v := reflect.ValueOf(*ov)
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		f := v.Field(i)
		switch {
		case name == "ContainerOverrides":
			for _, co := range ov.ContainerOverrides {
				if !nameOnly(co) {
					return ov
				}
			}
		case f.Kind() == reflect.Slice:
			if f.Len() > 0 {
				return ov
			}
		case !f.IsZero():
			return ov
		}
	}
	return nil
}

// nameOnly reports whether a container override sets nothing but the
// container's name. An empty but present list (a command of no words)
// counts as set.
func nameOnly(co ecsmodel.ContainerOverride) bool {
	co.Name = ""
	return reflect.ValueOf(co).IsZero()
}
