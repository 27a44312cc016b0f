package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// The task definition setup registers: one container that reserves 1 CPU
// unit and 6 MiB (the least Docker accepts), so that the instances setup
// registers never run out during a run. See the package documentation.
const (
	taskFamily    = "berth-bench"
	taskContainer = "bench"
	taskImage     = "busybox:latest"
	taskCPU       = 1
	taskMemoryMiB = 6
)

// What setup registers each container instance with, and what each of
// --fleet's agents registers: 1024 vCPUs and 16 TiB, far more than any run
// places (servers that honour totalResources fit a million of the tasks
// above on each instance).
const (
	instanceCPU       = 1 << 20
	instanceMemoryMiB = 16 << 20
)

// describeBatch is how many tasks setup starts for DescribeTasks: the most
// one call takes.
const describeBatch = 100

// setupReport is what setup did, for the result.
type setupReport struct {
	registered int // container instances registered
	fleet      int // simulated instances started (--fleet)
	ec2Created int // EC2 instances created for them (--ec2-instances)
	instances  int // container instances the run uses
	tasks      int // tasks started for DescribeTasks and ListTasks
}

// prepare readies the cluster for sc: the cluster, the task definition and
// the container instances (unless opts.noSetup), the instance list for
// StartTask and the tasks DescribeTasks reads. api should retry throttled
// calls: none of this is measured. ec2, when not nil, creates the EC2
// instances the container instances claim to be. fleet, when not nil,
// brings the container instances up instead of registering them; it runs
// until the caller stops it.
func prepare(ctx context.Context, api ecsAPI, ec2 *ec2Runner, fleet *fleetRunner, opts options, sc scenario) (*fixture, setupReport, error) {
	fx := &fixture{cluster: opts.cluster, taskDef: opts.taskDef}
	var rep setupReport
	if !opts.noSetup {
		if _, err := api.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(opts.cluster)}); err != nil {
			return nil, rep, fmt.Errorf("setup: CreateCluster: %w", err)
		}
	}
	if fx.taskDef == "" {
		arn, err := registerTaskDefinition(ctx, api)
		if err != nil {
			return nil, rep, err
		}
		fx.taskDef = arn
	}
	var err error
	switch {
	case opts.noSetup:
		if sc.needsInstances {
			fx.instances, err = listInstances(ctx, api, opts.cluster, "")
		}
	case fleet != nil:
		fx.instances, err = fleet.start(ctx, api, opts.cluster)
		rep.fleet = len(fx.instances)
	default:
		fx.instances, err = registerInstances(ctx, api, ec2, opts)
		rep.registered = len(fx.instances)
		if ec2 != nil {
			rep.ec2Created = rep.registered
		}
	}
	if err != nil {
		return nil, rep, err
	}
	if sc.needsInstances && len(fx.instances) == 0 {
		return nil, rep, fmt.Errorf("setup: cluster %s has no ACTIVE container instances for StartTask", opts.cluster)
	}
	rep.instances = len(fx.instances)
	if sc.needsTasks {
		if fx.taskARNs, err = startTasks(ctx, api, fx); err != nil {
			return nil, rep, err
		}
		rep.tasks = len(fx.taskARNs)
	}
	return fx, rep, nil
}

// registerTaskDefinition registers the berth-bench task definition and
// returns its ARN.
func registerTaskDefinition(ctx context.Context, api ecsAPI) (string, error) {
	out, err := api.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(taskFamily),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name:      aws.String(taskContainer),
			Image:     aws.String(taskImage),
			Cpu:       taskCPU,
			Memory:    aws.Int32(taskMemoryMiB),
			Essential: aws.Bool(true),
			Command:   []string{"sleep", "3600"},
		}},
	})
	if err != nil {
		return "", fmt.Errorf("setup: RegisterTaskDefinition: %w", err)
	}
	if out.TaskDefinition == nil || aws.ToString(out.TaskDefinition.TaskDefinitionArn) == "" {
		return "", fmt.Errorf("setup: RegisterTaskDefinition returned no task definition ARN")
	}
	return aws.ToString(out.TaskDefinition.TaskDefinitionArn), nil
}

// registerInstances registers opts.instances container instances the way
// an agent would, and returns their ARNs. Without ec2 their EC2 instance
// ids are made up and fixed (i-be000000000000001, ...), so on servers that
// match registrations by instance id a second run re-registers the same
// instances; with ec2 they are created first.
func registerInstances(ctx context.Context, api ecsAPI, ec2 *ec2Runner, opts options) ([]string, error) {
	ids := make([]string, opts.instances)
	for i := range ids {
		ids[i] = fmt.Sprintf("i-be%015x", i+1)
	}
	if ec2 != nil {
		var err error
		if ids, err = ec2.run(ctx, opts.instances); err != nil {
			return nil, err
		}
	}
	arns := make([]string, 0, opts.instances)
	for i, id := range ids {
		doc, err := identityDocument(id, opts.region)
		if err != nil {
			return nil, err
		}
		out, err := api.RegisterContainerInstance(ctx, &ecs.RegisterContainerInstanceInput{
			Cluster:                  aws.String(opts.cluster),
			InstanceIdentityDocument: aws.String(doc),
			TotalResources:           instanceResources(),
			VersionInfo:              &ecstypes.VersionInfo{AgentVersion: aws.String("1.0.0")},
		})
		if err != nil {
			hint := ""
			if errorName(err) == "InvalidInstanceID.NotFound" {
				hint = " (this endpoint wants the EC2 instance to exist, as moto does: add --ec2-instances)"
			}
			return nil, fmt.Errorf("setup: RegisterContainerInstance %d of %d: %w%s", i+1, opts.instances, err, hint)
		}
		if out.ContainerInstance == nil || aws.ToString(out.ContainerInstance.ContainerInstanceArn) == "" {
			return nil, fmt.Errorf("setup: RegisterContainerInstance returned no container instance ARN")
		}
		arns = append(arns, aws.ToString(out.ContainerInstance.ContainerInstanceArn))
	}
	return arns, nil
}

// identityDocument is the instance identity document of the EC2 instance
// id.
func identityDocument(id, region string) (string, error) {
	b, err := json.Marshal(map[string]string{
		"instanceId":       id,
		"region":           region,
		"availabilityZone": region + "a",
		"instanceType":     "bench.metal",
	})
	return string(b), err
}

// instanceResources are the totalResources of a registered instance.
func instanceResources() []ecstypes.Resource {
	return []ecstypes.Resource{
		{Name: aws.String("CPU"), Type: aws.String("INTEGER"), IntegerValue: instanceCPU},
		{Name: aws.String("MEMORY"), Type: aws.String("INTEGER"), IntegerValue: instanceMemoryMiB},
		{Name: aws.String("PORTS"), Type: aws.String("STRINGSET"), StringSetValue: []string{"22", "2375", "2376", "51678", "51679"}},
		{Name: aws.String("PORTS_UDP"), Type: aws.String("STRINGSET"), StringSetValue: []string{}},
	}
}

// listInstances returns the ACTIVE container instances of cluster that
// match filter (a cluster query; "" for all).
func listInstances(ctx context.Context, api ecsAPI, cluster, filter string) ([]string, error) {
	var arns []string
	var token *string
	for {
		in := &ecs.ListContainerInstancesInput{
			Cluster:   aws.String(cluster),
			Status:    ecstypes.ContainerInstanceStatusActive,
			NextToken: token,
		}
		if filter != "" {
			in.Filter = aws.String(filter)
		}
		out, err := api.ListContainerInstances(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("setup: ListContainerInstances: %w", err)
		}
		arns = append(arns, out.ContainerInstanceArns...)
		if token = out.NextToken; token == nil || *token == "" {
			return arns, nil
		}
	}
}

// startTasks runs tasks ten at a time until describeBatch of them run, and
// returns their ARNs. It gives up after twice the calls that should need;
// fewer tasks are fine, none is an error.
func startTasks(ctx context.Context, api ecsAPI, fx *fixture) ([]string, error) {
	var arns []string
	reasons := map[string]int64{}
	for range 2 * describeBatch / 10 {
		out, err := api.RunTask(ctx, &ecs.RunTaskInput{
			Cluster:        aws.String(fx.cluster),
			TaskDefinition: aws.String(fx.taskDef),
			Count:          aws.Int32(10),
			StartedBy:      aws.String(startedBy + "-setup"),
		})
		if err != nil {
			return nil, fmt.Errorf("setup: RunTask: %w", err)
		}
		for _, t := range out.Tasks {
			if len(arns) < describeBatch {
				arns = append(arns, aws.ToString(t.TaskArn))
			}
		}
		for _, f := range out.Failures {
			reasons[aws.ToString(f.Reason)]++
		}
		if len(arns) == describeBatch {
			return arns, nil
		}
	}
	if len(arns) == 0 {
		return nil, fmt.Errorf("setup: RunTask placed no task in cluster %s (failures: %s)", fx.cluster, joinCounts(reasons))
	}
	return arns, nil
}

// joinCounts renders counts as "A 3, B 1", largest first, or "none".
func joinCounts(counts map[string]int64) string {
	if len(counts) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(counts))
	for _, kv := range sortedCounts(counts) {
		parts = append(parts, fmt.Sprintf("%s %d", kv.Name, kv.Count))
	}
	return strings.Join(parts, ", ")
}
