package control

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// Limits of RunTask and StartTask requests.
const (
	maxRunCount           = 10
	maxStartedByRunTask   = 128
	maxStartedByStartTask = 36
	maxGroupLen           = 255
	maxReferenceIDLen     = 1024
	maxSubnets            = 16
	maxSecurityGroups     = 5
	maxVolumeConfigs      = 20
	managedClusterTag     = "aws:ecs:clusterName"
)

// validateStartedBy checks startedBy: up to max letters, digits, hyphens,
// underscores and slashes (service tasks carry ecs-svc/<id>).
func validateStartedBy(s string, max int) error {
	if len(s) > max || !attrChars(s, "-_/") {
		return ecs.InvalidParameter("startedBy can have up to %d letters, numbers, hyphens, underscores and slashes.", max)
	}
	return nil
}

// taskGroup validates a group, defaulting to family:<family>.
func taskGroup(group, family string) (string, error) {
	if group == "" {
		return "family:" + family, nil
	}
	if utf8.RuneCountInString(group) > maxGroupLen || strings.ContainsFunc(group, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", ecs.InvalidParameter("group can have up to %d printable characters.", maxGroupLen)
	}
	return group, nil
}

// validateReferenceID checks referenceId (ECS documents up to 1024
// characters).
func validateReferenceID(id string) error {
	if utf8.RuneCountInString(id) > maxReferenceIDLen {
		return ecs.InvalidParameter("referenceId can have at most %d characters.", maxReferenceIDLen)
	}
	return nil
}

// taskTags builds the tags of launched tasks: the definition's tags when
// propagateTags is TASK_DEFINITION, then the request's tags (which win on
// equal keys), then, with enableECSManagedTags, aws:ecs:clusterName. The
// user tags may number 50; aws: tags do not count. propagateTags SERVICE
// is an error for a standalone task.
func taskTags(req []ecsmodel.Tag, propagate ecsmodel.PropagateTags, defTags []ecsmodel.Tag, managed bool, cluster string) ([]ecsmodel.Tag, error) {
	if err := validateTags(req); err != nil {
		return nil, err
	}
	var tags []ecsmodel.Tag
	switch propagate {
	case ecsmodel.PropagateTagsService:
		return nil, ecs.InvalidParameter("The specified propagateTags value SERVICE is not valid for a standalone task: use TASK_DEFINITION or NONE.")
	case ecsmodel.PropagateTagsTaskDefinition:
		tags = mergeTags(tags, defTags)
	}
	tags = mergeTags(tags, req)
	if len(tags) > maxTags {
		return nil, ecs.InvalidParameter("Too many tags: the task would have %d, the limit is %d.", len(tags), maxTags)
	}
	if managed {
		tags = append(tags, ecsmodel.Tag{Key: managedClusterTag, Value: cluster})
	}
	return tags, nil
}

// validateNetwork checks a network configuration against the definition's
// network mode: awsvpc needs an awsvpcConfiguration with 1..16 subnets and
// up to 5 security groups; other modes take none.
func validateNetwork(td *ecsmodel.TaskDefinition, nc *ecsmodel.NetworkConfiguration) error {
	awsvpc := td.NetworkMode == ecsmodel.NetworkModeAwsvpc
	if !awsvpc {
		if nc != nil && nc.AwsvpcConfiguration != nil {
			return ecs.InvalidParameter("Network Configuration is not valid for the given networkMode of this task definition.")
		}
		return nil
	}
	if nc == nil || nc.AwsvpcConfiguration == nil {
		return ecs.InvalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
	}
	c := nc.AwsvpcConfiguration
	switch {
	case len(c.Subnets) == 0:
		return ecs.InvalidParameter("subnets can not be empty.")
	case len(c.Subnets) > maxSubnets:
		return ecs.InvalidParameter("subnets can have at most %d items.", maxSubnets)
	case len(c.SecurityGroups) > maxSecurityGroups:
		return ecs.InvalidParameter("securityGroups can have at most %d items.", maxSecurityGroups)
	}
	for _, id := range slices.Concat(c.Subnets, c.SecurityGroups) {
		if id == "" || len(id) > maxNameLen {
			return ecs.InvalidParameter("Invalid subnet or security group id %q.", id)
		}
	}
	return nil
}

// validateVolumeConfigurations checks volumeConfigurations: each names a
// volume of the definition, once.
func validateVolumeConfigurations(td *ecsmodel.TaskDefinition, vcs []ecsmodel.TaskVolumeConfiguration) error {
	if len(vcs) > maxVolumeConfigs {
		return ecs.InvalidParameter("volumeConfigurations can have at most %d items.", maxVolumeConfigs)
	}
	seen := map[string]bool{}
	for _, vc := range vcs {
		found := false
		for _, v := range td.Volumes {
			found = found || v.Name == vc.Name
		}
		if vc.Name == "" || !found {
			return ecs.InvalidParameter("Volume configuration %q does not name a volume of the task definition.", vc.Name)
		}
		if seen[vc.Name] {
			return ecs.InvalidParameter("Volume %s is configured more than once.", vc.Name)
		}
		seen[vc.Name] = true
	}
	return nil
}
