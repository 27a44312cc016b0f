package reliability

import (
	"fmt"
	"maps"
	"strings"
)

const (
	codeInvalidParam   = "InvalidParameterException"
	codeClient         = "ClientException"
	codeClusterMissing = "ClusterNotFoundException"
)

// valueCase is a valid body of op with some members replaced (a nil value
// removes the member).
type valueCase struct {
	op, name string
	set      map[string]any
	code     string
}

func repeat(s string, n int) string { return strings.Repeat(s, n) }

func tags(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"key": fmt.Sprintf("k%d", i), "value": "v"}
	}
	return out
}

func strs(n int, f func(int) string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

// valueCases are well-formed requests whose values ECS refuses: out of
// range, too long, unknown references, broken expressions. Each must get
// its ECS error and change nothing.
func valueCases(w world, valid map[string]map[string]any) []badCase {
	ctrDef := func(extra map[string]any) []any {
		c := map[string]any{"name": "web", "image": "busybox", "memory": 16}
		maps.Copy(c, extra)
		return []any{c}
	}
	otherAccount := "arn:aws:ecs:us-east-1:999999999999:"
	table := []valueCase{
		{"RunTask", "count 0", map[string]any{"count": 0}, codeInvalidParam},
		{"RunTask", "count 11", map[string]any{"count": 11}, codeInvalidParam},
		{"RunTask", "count -1", map[string]any{"count": -1}, codeInvalidParam},
		{"RunTask", "no taskDefinition", map[string]any{"taskDefinition": nil}, codeInvalidParam},
		{"RunTask", "empty taskDefinition", map[string]any{"taskDefinition": ""}, codeInvalidParam},
		{"RunTask", "unknown family", map[string]any{"taskDefinition": "nope"}, codeClient},
		{"RunTask", "unknown revision", map[string]any{"taskDefinition": "bad-app:99"}, codeClient},
		{"RunTask", "revision 0", map[string]any{"taskDefinition": "bad-app:0"}, codeClient},
		{"RunTask", "task definition of another account", map[string]any{"taskDefinition": otherAccount + "task-definition/bad-app:1"}, codeClient},
		{"RunTask", "unknown cluster", map[string]any{"cluster": "nope"}, codeClusterMissing},
		{"RunTask", "cluster of another account", map[string]any{"cluster": otherAccount + "cluster/bad"}, codeClusterMissing},
		{"RunTask", "cluster name of invalid UTF-8", map[string]any{"cluster": "\xff\xfe"}, codeClusterMissing},
		{"RunTask", "unknown launch type", map[string]any{"launchType": "MOON"}, codeInvalidParam},
		{"RunTask", "startedBy of 129 characters", map[string]any{"startedBy": repeat("s", 129)}, codeInvalidParam},
		{"RunTask", "group of 256 characters", map[string]any{"group": repeat("g", 256)}, codeInvalidParam},
		{"RunTask", "51 tags", map[string]any{"tags": tags(51)}, codeInvalidParam},
		{"RunTask", "tag key aws:", map[string]any{"tags": []any{map[string]any{"key": "aws:x", "value": "v"}}}, codeInvalidParam},
		{"RunTask", "empty tag key", map[string]any{"tags": []any{map[string]any{"key": "", "value": "v"}}}, codeInvalidParam},
		{"RunTask", "unknown constraint type", map[string]any{"placementConstraints": []any{map[string]any{"type": "bogus"}}}, codeInvalidParam},
		{"RunTask", "broken memberOf expression", map[string]any{"placementConstraints": []any{map[string]any{"type": "memberOf", "expression": "attribute:x =~"}}}, codeInvalidParam},
		{"RunTask", "memberOf without expression", map[string]any{"placementConstraints": []any{map[string]any{"type": "memberOf"}}}, codeInvalidParam},
		{"RunTask", "11 constraints", map[string]any{"placementConstraints": func() []any {
			out := make([]any, 11)
			for i := range out {
				out[i] = map[string]any{"type": "distinctInstance"}
			}
			return out
		}()}, codeInvalidParam},
		{"RunTask", "unknown strategy type", map[string]any{"placementStrategy": []any{map[string]any{"type": "scatter"}}}, codeInvalidParam},
		{"RunTask", "spread without field", map[string]any{"placementStrategy": []any{map[string]any{"type": "spread"}}}, codeInvalidParam},
		{"RunTask", "binpack on disk", map[string]any{"placementStrategy": []any{map[string]any{"type": "binpack", "field": "disk"}}}, codeInvalidParam},
		{"RunTask", "override of an unknown container", map[string]any{"overrides": map[string]any{"containerOverrides": []any{map[string]any{"name": "nope"}}}}, codeInvalidParam},
		{"RunTask", "unknown capacity provider", map[string]any{"capacityProviderStrategy": []any{map[string]any{"capacityProvider": "nope", "weight": 1}}}, codeInvalidParam},
		{"RunTask", "launch type and capacity provider", map[string]any{"launchType": "EC2", "capacityProviderStrategy": []any{map[string]any{"capacityProvider": "bad-cp", "weight": 1}}}, codeInvalidParam},
		{"RunTask", "clientToken of 65 characters", map[string]any{"clientToken": repeat("t", 65)}, codeInvalidParam},
		{"RunTask", "clientToken with a space", map[string]any{"clientToken": "a b"}, codeInvalidParam},
		{"RunTask", "awsvpc configuration for a bridge task", map[string]any{"networkConfiguration": map[string]any{"awsvpcConfiguration": map[string]any{"subnets": []string{"subnet-1"}}}}, codeInvalidParam},
		{"StartTask", "no instances", map[string]any{"containerInstances": []string{}}, codeInvalidParam},
		{"StartTask", "11 instances", map[string]any{"containerInstances": strs(11, func(int) string { return w.instance })}, codeInvalidParam},
		{"StartTask", "startedBy of 37 characters", map[string]any{"startedBy": repeat("s", 37)}, codeInvalidParam},
		{"StartTask", "unknown cluster", map[string]any{"cluster": "nope"}, codeClusterMissing},
		{"StartTask", "unknown family", map[string]any{"taskDefinition": "nope"}, codeClient},
		{"StopTask", "no task", map[string]any{"task": nil}, codeInvalidParam},
		{"StopTask", "unknown task", map[string]any{"task": "0123456789abcdef0123456789abcdef"}, codeInvalidParam},
		{"StopTask", "unknown cluster", map[string]any{"cluster": "nope"}, codeClusterMissing},
		{"StopTask", "reason of 1025 characters", map[string]any{"reason": repeat("r", 1025)}, codeInvalidParam},
		{"RegisterTaskDefinition", "no family", map[string]any{"family": nil}, codeInvalidParam},
		{"RegisterTaskDefinition", "family with a space", map[string]any{"family": "bad name"}, codeClient},
		{"RegisterTaskDefinition", "family of 256 characters", map[string]any{"family": repeat("f", 256)}, codeClient},
		{"RegisterTaskDefinition", "no containers", map[string]any{"containerDefinitions": []any{}}, codeClient},
		{"RegisterTaskDefinition", "container without image", map[string]any{"containerDefinitions": ctrDef(map[string]any{"image": nil})}, codeClient},
		{"RegisterTaskDefinition", "container without name", map[string]any{"containerDefinitions": ctrDef(map[string]any{"name": nil})}, codeClient},
		{"RegisterTaskDefinition", "two containers of one name", map[string]any{"containerDefinitions": append(ctrDef(nil), ctrDef(nil)...)}, codeClient},
		{"RegisterTaskDefinition", "container without memory", map[string]any{"containerDefinitions": ctrDef(map[string]any{"memory": nil})}, codeClient},
		{"RegisterTaskDefinition", "reservation above the limit", map[string]any{"containerDefinitions": ctrDef(map[string]any{"memoryReservation": 32})}, codeClient},
		{"RegisterTaskDefinition", "port 70000", map[string]any{"containerDefinitions": ctrDef(map[string]any{"portMappings": []any{map[string]any{"containerPort": 70000}}})}, codeClient},
		{"RegisterTaskDefinition", "unknown network mode", map[string]any{"networkMode": "moon"}, codeInvalidParam},
		{"RegisterTaskDefinition", "dependency on an unknown container", map[string]any{"containerDefinitions": ctrDef(map[string]any{"dependsOn": []any{map[string]any{"containerName": "nope", "condition": "START"}}})}, codeClient},
		{"RegisterTaskDefinition", "task cpu abc", map[string]any{"cpu": "abc"}, codeClient},
		{"RegisterTaskDefinition", "51 tags", map[string]any{"tags": tags(51)}, codeInvalidParam},
		{"CreateCluster", "name with a space", map[string]any{"clusterName": "bad name"}, codeInvalidParam},
		{"CreateCluster", "name of 256 characters", map[string]any{"clusterName": repeat("c", 256)}, codeInvalidParam},
		{"RegisterContainerInstance", "unknown cluster", map[string]any{"cluster": "nope"}, codeClusterMissing},
		{"RegisterContainerInstance", "CPU as a string set", map[string]any{"totalResources": []any{map[string]any{"name": "CPU", "type": "STRINGSET", "stringSetValue": []string{"1"}}}}, codeInvalidParam},
		{"DeregisterContainerInstance", "unknown instance", map[string]any{"containerInstance": "0123456789abcdef0123456789abcdef"}, codeInvalidParam},
		{"UpdateContainerInstancesState", "unknown status", map[string]any{"status": "MOON"}, codeInvalidParam},
		{"PutAttributes", "unknown target", map[string]any{"attributes": []any{map[string]any{"name": "x", "targetType": "container-instance", "targetId": "0123456789abcdef0123456789abcdef"}}}, "TargetNotFoundException"},
		{"PutAttributes", "short target id without targetType", map[string]any{"attributes": []any{map[string]any{"name": "x", "targetId": "0123456789abcdef0123456789abcdef"}}}, codeInvalidParam},
		{"PutAttributes", "attribute name with a space", map[string]any{"attributes": []any{map[string]any{"name": "a b", "targetId": w.instance}}}, codeInvalidParam},
		{"PutAttributes", "11 attributes", map[string]any{"attributes": func() []any {
			out := make([]any, 11)
			for i := range out {
				out[i] = map[string]any{"name": fmt.Sprintf("a%d", i), "targetId": w.instance}
			}
			return out
		}()}, codeInvalidParam}, // berth: "At most 10 attributes can be given in one call."
		{"TagResource", "unknown cluster", map[string]any{"resourceArn": "arn:aws:ecs:us-east-1:123456789012:cluster/nope"}, codeClusterMissing},
		{"TagResource", "51 tags", map[string]any{"tags": tags(51)}, codeInvalidParam},
		{"TagResource", "tag key aws:", map[string]any{"tags": []any{map[string]any{"key": "aws:x", "value": "v"}}}, codeInvalidParam},
		{"DeleteCluster", "unknown cluster", map[string]any{"cluster": "nope"}, codeClusterMissing},
		{"SubmitTaskStateChange", "unknown status", map[string]any{"status": "MOON"}, codeInvalidParam},
		{"DescribeTasks", "101 tasks", map[string]any{"cluster": badCluster, "tasks": strs(101, func(i int) string { return fmt.Sprintf("%032x", i) })}, codeInvalidParam},
		{"DescribeTasks", "no tasks", map[string]any{"cluster": badCluster, "tasks": []string{}}, codeInvalidParam},
		{"ListTasks", "maxResults 101", map[string]any{"maxResults": 101}, codeInvalidParam},
		{"ListTasks", "garbage nextToken", map[string]any{"nextToken": "not-a-token"}, codeInvalidParam},
		{"ListTasks", "desiredStatus MOON", map[string]any{"desiredStatus": "MOON"}, codeInvalidParam},
		{"DescribeClusters", "101 clusters", map[string]any{"clusters": strs(101, func(i int) string { return fmt.Sprintf("c%d", i) })}, codeInvalidParam},
		{"DescribeContainerInstances", "101 instances", map[string]any{"cluster": badCluster, "containerInstances": strs(101, func(i int) string { return fmt.Sprintf("%032x", i) })}, codeInvalidParam},
	}
	var cases []badCase
	for _, vc := range table {
		doc := maps.Clone(valid[vc.op])
		if doc == nil {
			doc = map[string]any{}
		}
		for k, v := range vc.set {
			if v == nil {
				delete(doc, k)
			} else {
				doc[k] = v
			}
		}
		cases = append(cases, badCase{group: "invalid values", name: fmt.Sprintf("%s: %s", vc.op, vc.name),
			spec: reqSpec{target: target(vc.op), body: []byte(mustJSON(doc))}, wantCode: vc.code})
	}
	return cases
}
