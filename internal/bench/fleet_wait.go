package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/berth-io/berth/internal/agentrpc"
)

// How the bench waits for its fleet: it looks every fleetPoll and writes a
// status line every fleetStatusEvery. Setup gives up after
// fleetReadyBase plus fleetReadyPerInstance per instance (1,000 instances:
// 2 min 40 s; they register 16 at a time); after the run, the wait for
// the tasks placed to leave PENDING gives up after fleetSettleTimeout.
const (
	fleetPoll             = 100 * time.Millisecond
	fleetStatusEvery      = 5 * time.Second
	fleetReadyBase        = time.Minute
	fleetReadyPerInstance = 100 * time.Millisecond
	fleetSettleTimeout    = 2 * time.Minute
)

// describeInstancesBatch is the most container instances one
// DescribeContainerInstances call takes.
const describeInstancesBatch = 100

// FleetResult is what --fleet's instances did after the measured calls:
// the bench waits (bounded) until none of their tasks is PENDING, then
// stops the fleet.
type FleetResult struct {
	// Running and Pending are the runningTasksCount and pendingTasksCount
	// of the fleet's instances when the wait ended.
	Running int64 `json:"running"`
	Pending int64 `json:"pending"`
	// SettleSeconds is the wait, from the end of the last measured call.
	SettleSeconds float64 `json:"settle_s"`
	// Settled is false when the wait gave up (or was interrupted) with
	// tasks still PENDING.
	Settled bool `json:"settled"`
}

// start runs the fleet and waits until every agent has registered and
// has its agent channel up, and the endpoint lists every instance ACTIVE
// with agentConnected true; it returns the instance ARNs. A line on
// f.status tells how far the fleet is every fleetStatusEvery.
func (f *fleetRunner) start(ctx context.Context, api ecsAPI, cluster string) ([]string, error) {
	f.run(ctx)
	begin := time.Now()
	limit := fleetReadyBase + time.Duration(f.size)*fleetReadyPerInstance
	fmt.Fprintf(f.status, "berth bench: starting %d simulated instances (berth fleet)\n", f.size)
	lastStatus := begin
	for {
		if f.fleet.Connected() == f.size {
			arns := f.arns()
			missing, err := f.unlisted(ctx, api, cluster, arns)
			if err != nil {
				return nil, err
			}
			if missing == 0 {
				fmt.Fprintf(f.status, "berth bench: %d simulated instances connected in %s\n",
					f.size, time.Since(begin).Round(time.Millisecond))
				return arns, nil
			}
		}
		if time.Since(begin) > limit {
			return nil, fmt.Errorf("setup: fleet: %d of %d agents connected after %s", f.fleet.Connected(), f.size, limit)
		}
		if time.Since(lastStatus) >= fleetStatusEvery {
			fmt.Fprintf(f.status, "berth bench: fleet: %d of %d instances connected\n", f.fleet.Connected(), f.size)
			lastStatus = time.Now()
		}
		if !agentrpc.SleepContext(ctx, fleetPoll) {
			return nil, fmt.Errorf("setup: fleet: %w", ctx.Err())
		}
	}
}

// unlisted counts the instances of arns that ListContainerInstances does
// not list as ACTIVE with agentConnected true.
func (f *fleetRunner) unlisted(ctx context.Context, api ecsAPI, cluster string, arns []string) (int, error) {
	listed, err := listInstances(ctx, api, cluster, "agentConnected == true")
	if err != nil {
		return 0, err
	}
	seen := make(map[string]bool, len(listed))
	for _, arn := range listed {
		seen[arn] = true
	}
	missing := 0
	for _, arn := range arns {
		if !seen[arn] {
			missing++
		}
	}
	return missing, nil
}

// settle waits until no task on the fleet's instances is PENDING, or
// fleetSettleTimeout, or ctx ends, and says how it ended. runEnd is when
// the last measured call returned.
func (f *fleetRunner) settle(ctx context.Context, api ecsAPI, cluster string, instances []string, runEnd time.Time) FleetResult {
	var r FleetResult
	var lastStatus time.Time // the first wait is announced at once
	for {
		running, pending, err := taskCounts(ctx, api, cluster, instances)
		if err == nil {
			r.Running, r.Pending = running, pending
		}
		r.SettleSeconds = roundMillis(time.Since(runEnd))
		if err == nil && pending == 0 {
			r.Settled = true
			return r
		}
		if time.Since(runEnd) > fleetSettleTimeout {
			return r
		}
		if time.Since(lastStatus) >= fleetStatusEvery {
			if err != nil {
				fmt.Fprintf(f.status, "berth bench: fleet: %v\n", err)
			} else {
				fmt.Fprintf(f.status, "berth bench: fleet: waiting for %s PENDING tasks to run\n", formatInt(pending))
			}
			lastStatus = time.Now()
		}
		if !agentrpc.SleepContext(ctx, fleetPoll) {
			return r
		}
	}
}

// taskCounts sums the runningTasksCount and pendingTasksCount of
// instances.
func taskCounts(ctx context.Context, api ecsAPI, cluster string, instances []string) (running, pending int64, err error) {
	for start := 0; start < len(instances); start += describeInstancesBatch {
		batch := instances[start:min(start+describeInstancesBatch, len(instances))]
		out, err := api.DescribeContainerInstances(ctx, &ecs.DescribeContainerInstancesInput{
			Cluster:            aws.String(cluster),
			ContainerInstances: batch,
		})
		if err != nil {
			return 0, 0, fmt.Errorf("DescribeContainerInstances: %w", err)
		}
		for _, ci := range out.ContainerInstances {
			running += int64(ci.RunningTasksCount)
			pending += int64(ci.PendingTasksCount)
		}
	}
	return running, pending, nil
}
