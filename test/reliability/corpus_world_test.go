package reliability

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

const badCluster = "bad"

// world is the state the bad-input corpus runs against: a tagged
// cluster with one instance, a task definition, a running and a stopped
// task, and a capacity provider.
type world struct {
	cluster, instance, taskDef, task, stopped string
}

// seedWorld creates the world through the SDK.
func seedWorld(t *testing.T, c *ecs.Client) world {
	t.Helper()
	ctx, cancel := callCtx()
	defer cancel()
	w := world{}
	cl, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(badCluster),
		Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("test")}}})
	if err != nil {
		t.Fatal(err)
	}
	w.cluster = aws.ToString(cl.Cluster.ClusterArn)
	td, err := c.RegisterTaskDefinition(ctx, taskFamily("bad-app", ctr("app", 64, 64, 0, tcp(8080))))
	if err != nil {
		t.Fatal(err)
	}
	w.taskDef = aws.ToString(td.TaskDefinition.TaskDefinitionArn)
	in := instanceInput(badCluster, 4096, 8192)
	in.Attributes = []types.Attribute{{Name: aws.String("stack"), Value: aws.String("prod")}}
	ci, err := c.RegisterContainerInstance(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	w.instance = aws.ToString(ci.ContainerInstance.ContainerInstanceArn)
	run, err := c.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String(badCluster), TaskDefinition: aws.String("bad-app")})
	if err != nil || len(run.Tasks) != 1 {
		t.Fatalf("RunTask: %v %+v", err, run)
	}
	w.stopped = aws.ToString(run.Tasks[0].TaskArn)
	if _, err := c.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String(badCluster), Task: aws.String(w.stopped)}); err != nil {
		t.Fatal(err)
	}
	run, err = c.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String(badCluster), TaskDefinition: aws.String("bad-app")})
	if err != nil || len(run.Tasks) != 1 {
		t.Fatalf("RunTask: %v %+v", err, run)
	}
	w.task = aws.ToString(run.Tasks[0].TaskArn)
	if _, err := c.CreateCapacityProvider(ctx, &ecs.CreateCapacityProviderInput{Name: aws.String("bad-cp")}); err != nil {
		t.Fatal(err)
	}
	return w
}

// validBodies are requests that would change the world if they were
// accepted: the corpus breaks them in one place each, so that a request
// berth wrongly accepted would show in the state checks.
func (w world) validBodies() map[string]map[string]any {
	container := map[string]any{"name": "web", "image": "busybox", "memory": 16}
	return map[string]map[string]any{
		"RunTask":   {"cluster": badCluster, "taskDefinition": "bad-app", "count": 1},
		"StartTask": {"cluster": badCluster, "taskDefinition": "bad-app", "containerInstances": []string{w.instance}},
		"StopTask":  {"cluster": badCluster, "task": w.task, "reason": "bad input"},
		"RegisterTaskDefinition": {"family": "bad-new", "containerDefinitions": []any{container},
			"tags": []any{map[string]any{"key": "k", "value": "v"}}},
		"DeregisterTaskDefinition":      {"taskDefinition": w.taskDef},
		"DeleteTaskDefinitions":         {"taskDefinitions": []string{w.taskDef}},
		"CreateCluster":                 {"clusterName": "bad-new"},
		"DeleteCluster":                 {"cluster": badCluster},
		"UpdateCluster":                 {"cluster": badCluster, "settings": []any{map[string]any{"name": "containerInsights", "value": "enabled"}}},
		"UpdateClusterSettings":         {"cluster": badCluster, "settings": []any{map[string]any{"name": "containerInsights", "value": "enabled"}}},
		"RegisterContainerInstance":     {"cluster": badCluster, "totalResources": []any{map[string]any{"name": "CPU", "type": "INTEGER", "integerValue": 1024}}},
		"DeregisterContainerInstance":   {"cluster": badCluster, "containerInstance": w.instance, "force": true},
		"UpdateContainerInstancesState": {"cluster": badCluster, "containerInstances": []string{w.instance}, "status": "DRAINING"},
		"PutAttributes":                 {"cluster": badCluster, "attributes": []any{map[string]any{"name": "new", "value": "x", "targetId": w.instance}}},
		"DeleteAttributes":              {"cluster": badCluster, "attributes": []any{map[string]any{"name": "stack", "targetId": w.instance}}},
		"TagResource":                   {"resourceArn": w.cluster, "tags": []any{map[string]any{"key": "new", "value": "x"}}},
		"UntagResource":                 {"resourceArn": w.cluster, "tagKeys": []string{"env"}},
		"CreateCapacityProvider":        {"name": "bad-cp2"},
		"DeleteCapacityProvider":        {"capacityProvider": "bad-cp"},
		"PutClusterCapacityProviders":   {"cluster": badCluster, "capacityProviders": []string{"bad-cp"}, "defaultCapacityProviderStrategy": []any{}},
		"SubmitTaskStateChange":         {"cluster": badCluster, "task": w.task, "status": "RUNNING"},
		"SubmitContainerStateChange":    {"cluster": badCluster, "task": w.task, "containerName": "app", "status": "RUNNING"},
	}
}
