package bench

import (
	"context"
	"sort"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ecsAPI is the part of the ECS API the tool calls; *ecs.Client implements
// it.
type ecsAPI interface {
	CreateCluster(ctx context.Context, in *ecs.CreateClusterInput, opts ...func(*ecs.Options)) (*ecs.CreateClusterOutput, error)
	RegisterTaskDefinition(ctx context.Context, in *ecs.RegisterTaskDefinitionInput, opts ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error)
	RegisterContainerInstance(ctx context.Context, in *ecs.RegisterContainerInstanceInput, opts ...func(*ecs.Options)) (*ecs.RegisterContainerInstanceOutput, error)
	ListContainerInstances(ctx context.Context, in *ecs.ListContainerInstancesInput, opts ...func(*ecs.Options)) (*ecs.ListContainerInstancesOutput, error)
	DescribeContainerInstances(ctx context.Context, in *ecs.DescribeContainerInstancesInput, opts ...func(*ecs.Options)) (*ecs.DescribeContainerInstancesOutput, error)
	RunTask(ctx context.Context, in *ecs.RunTaskInput, opts ...func(*ecs.Options)) (*ecs.RunTaskOutput, error)
	StartTask(ctx context.Context, in *ecs.StartTaskInput, opts ...func(*ecs.Options)) (*ecs.StartTaskOutput, error)
	DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, opts ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
	ListTasks(ctx context.Context, in *ecs.ListTasksInput, opts ...func(*ecs.Options)) (*ecs.ListTasksOutput, error)
}

var _ ecsAPI = (*ecs.Client)(nil)

// startedBy marks the tasks the measured calls start.
const startedBy = "berth-bench"

// listPageSize is the maxResults of the list scenario's ListTasks calls,
// the largest ECS allows.
const listPageSize = 100

// outcome is what one call returned, as far as the report counts it.
type outcome struct {
	op        string // ECS operation name
	requested int    // tasks asked for: RunTask count, StartTask instances
	placed    int    // tasks in the response of RunTask or StartTask
	items     int    // objects in the response: tasks or task ARNs
	failures  []ecstypes.Failure
}

// client is one concurrent caller: it makes one call at a time, walking
// its scenario's cycle of operations.
type client struct {
	api       ecsAPI
	fx        *fixture
	pos       int     // next position in the scenario's cycle
	listToken *string // where the client's ListTasks walk continues
	shim      shimTimer
}

// opFunc makes one call of an operation for c.
type opFunc func(ctx context.Context, c *client) (outcome, error)

// scenario is a named workload: each client repeats ops in order.
type scenario struct {
	summary string
	// needsTasks: setup runs tasks so that DescribeTasks and ListTasks have
	// something to return.
	needsTasks bool
	// needsInstances: StartTask needs container instance ARNs.
	needsInstances bool
	ops            []opFunc
}

// mixWeights is the mixed scenario's share of each operation in a cycle of
// 20 calls: half reads of known tasks, a fifth list pages, the rest task
// launches.
var mixWeights = []weighted{
	{"DescribeTasks", 10, describeTasks},
	{"ListTasks", 4, listTasks},
	{"RunTask", 4, runTask(1)},
	{"StartTask", 2, startTask},
}

// weighted is one operation of a mix and its share.
type weighted struct {
	name   string
	weight int
	op     opFunc
}

// scenarios are the workloads --scenario names.
var scenarios = map[string]scenario{
	"runtask":   {summary: "RunTask with count 1", ops: []opFunc{runTask(1)}},
	"runtask10": {summary: "RunTask with count 10", ops: []opFunc{runTask(10)}},
	"starttask": {summary: "StartTask on the next instance in turn", needsInstances: true, ops: []opFunc{startTask}},
	"describe":  {summary: "DescribeTasks of 100 tasks started during setup", needsTasks: true, ops: []opFunc{describeTasks}},
	"list":      {summary: "ListTasks pages of 100, following nextToken", needsTasks: true, ops: []opFunc{listTasks}},
	"mixed": {summary: "DescribeTasks 50%, ListTasks 20%, RunTask 20%, StartTask 10%",
		needsTasks: true, needsInstances: true, ops: mixCycle(mixWeights)},
}

// scenarioNames lists the scenarios in a stable order.
func scenarioNames() []string {
	names := make([]string, 0, len(scenarios))
	for n := range scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// mixCycle returns the operations of interleave(mix).
func mixCycle(mix []weighted) []opFunc {
	order := interleave(mix)
	ops := make([]opFunc, len(order))
	for i, k := range order {
		ops[i] = mix[k].op
	}
	return ops
}

// interleave spreads the operations of a mix over one cycle of
// sum(weights) calls by smooth weighted round robin, so that each
// operation's calls are evenly spaced rather than bunched. It returns the
// index in mix of each call of the cycle.
func interleave(mix []weighted) []int {
	total := 0
	for _, w := range mix {
		total += w.weight
	}
	current := make([]int, len(mix))
	cycle := make([]int, 0, total)
	for range total {
		best := 0
		for i, w := range mix {
			current[i] += w.weight
			if current[i] > current[best] {
				best = i
			}
		}
		current[best] -= total
		cycle = append(cycle, best)
	}
	return cycle
}

// runTask returns the operation RunTask with the given count.
func runTask(count int32) opFunc {
	return func(ctx context.Context, c *client) (outcome, error) {
		o := outcome{op: "RunTask", requested: int(count)}
		out, err := c.api.RunTask(ctx, &ecs.RunTaskInput{
			Cluster:        aws.String(c.fx.cluster),
			TaskDefinition: aws.String(c.fx.taskDef),
			Count:          aws.Int32(count),
			StartedBy:      aws.String(startedBy),
		})
		if err != nil {
			return o, err
		}
		o.placed, o.items, o.failures = len(out.Tasks), len(out.Tasks), out.Failures
		return o, nil
	}
}

// startTask calls StartTask on the fixture's instances in turn, shared by
// all clients.
func startTask(ctx context.Context, c *client) (outcome, error) {
	o := outcome{op: "StartTask", requested: 1}
	out, err := c.api.StartTask(ctx, &ecs.StartTaskInput{
		Cluster:            aws.String(c.fx.cluster),
		TaskDefinition:     aws.String(c.fx.taskDef),
		ContainerInstances: []string{c.fx.nextInstance()},
		StartedBy:          aws.String(startedBy),
	})
	if err != nil {
		return o, err
	}
	o.placed, o.items, o.failures = len(out.Tasks), len(out.Tasks), out.Failures
	return o, nil
}

// describeTasks describes the tasks setup started (100 of them normally).
func describeTasks(ctx context.Context, c *client) (outcome, error) {
	o := outcome{op: "DescribeTasks"}
	out, err := c.api.DescribeTasks(ctx, &ecs.DescribeTasksInput{
		Cluster: aws.String(c.fx.cluster),
		Tasks:   c.fx.taskARNs,
	})
	if err != nil {
		return o, err
	}
	o.items, o.failures = len(out.Tasks), out.Failures
	return o, nil
}

// listTasks fetches the client's next ListTasks page, starting over after
// the last one.
func listTasks(ctx context.Context, c *client) (outcome, error) {
	o := outcome{op: "ListTasks"}
	out, err := c.api.ListTasks(ctx, &ecs.ListTasksInput{
		Cluster:    aws.String(c.fx.cluster),
		MaxResults: aws.Int32(listPageSize),
		NextToken:  c.listToken,
	})
	if err != nil {
		c.listToken = nil
		return o, err
	}
	c.listToken = out.NextToken
	o.items = len(out.TaskArns)
	return o, nil
}

// step makes c's next call of sc.
func (c *client) step(ctx context.Context, sc scenario) (outcome, error) {
	op := sc.ops[c.pos%len(sc.ops)]
	c.pos++
	return op(ctx, c)
}

// fixture is what setup prepared for the measured calls.
type fixture struct {
	cluster   string
	taskDef   string   // task definition ARN (or the name given)
	instances []string // container instance ARNs, for StartTask
	taskARNs  []string // tasks for DescribeTasks (at most 100)
	rotation  atomic.Uint64
}

// nextInstance returns the next container instance in turn.
func (f *fixture) nextInstance() string {
	n := f.rotation.Add(1) - 1
	return f.instances[n%uint64(len(f.instances))]
}
