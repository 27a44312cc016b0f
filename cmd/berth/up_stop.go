package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// localTasks says where the tasks of `berth up`'s agent are and how to
// reach the API that stops them.
type localTasks struct {
	endpoint, region, cluster, instanceArn string
	keyID, secret                          string
}

// How `berth up` stops its tasks on Ctrl-C.
const (
	// stopWait bounds the wait for the tasks to report STOPPED: the
	// longest container stopTimeout ECS allows (120 s) and a margin.
	stopWait = 150 * time.Second
	// stopPoll is the pause between DescribeTasks calls while waiting.
	stopPoll = 200 * time.Millisecond
	// upStopReason is the stoppedReason the tasks get.
	upStopReason = "Stopped because berth up was shut down (start it with --keep-tasks to leave tasks running)"
)

// stopLocalTasks stops the tasks placed on the local agent's container
// instance the way a user would, with StopTask (stop code UserInitiated),
// and waits until the agent has stopped them all and reported them
// STOPPED. A second Ctrl-C (or SIGTERM) ends the wait early: the tasks
// then keep running, and since their desired status is already STOPPED the
// next `berth up` on the same data dir stops them.
func stopLocalTasks(out io.Writer, lt localTasks) error {
	if lt.instanceArn == "" {
		return nil // the agent never registered: it has no tasks
	}
	abort, cancelAbort := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancelAbort()
	ctx, cancel := context.WithTimeout(abort, stopWait)
	defer cancel()

	api := ecs.New(ecs.Options{
		Region:       lt.region,
		BaseEndpoint: aws.String(lt.endpoint),
		Credentials:  awscreds.NewStaticCredentialsProvider(lt.keyID, lt.secret, ""),
	})
	arns, err := runningTasks(ctx, api, lt)
	if err != nil || len(arns) == 0 {
		return err
	}
	fmt.Fprintf(out, "berth: stopping %d task(s) of the local agent; Ctrl-C again leaves them running (the next berth up stops them)\n", len(arns))
	for _, arn := range arns {
		if _, err := api.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String(lt.cluster), Task: aws.String(arn), Reason: aws.String(upStopReason)}); err != nil {
			return fmt.Errorf("stop task %s: %w", arn, err)
		}
	}
	for {
		left, err := notStopped(ctx, api, lt.cluster, arns)
		if err != nil {
			return err
		}
		if left == 0 {
			fmt.Fprintf(out, "berth: %d task(s) stopped\n", len(arns))
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d task(s) not stopped yet: %w", left, len(arns), context.Cause(ctx))
		case <-time.After(stopPoll):
		}
	}
}

// runningTasks lists the tasks whose desired status is RUNNING on the
// local instance.
func runningTasks(ctx context.Context, api *ecs.Client, lt localTasks) ([]string, error) {
	var arns []string
	p := ecs.NewListTasksPaginator(api, &ecs.ListTasksInput{
		Cluster:           aws.String(lt.cluster),
		ContainerInstance: aws.String(lt.instanceArn),
		DesiredStatus:     ecstypes.DesiredStatusRunning,
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list the local tasks: %w", err)
		}
		arns = append(arns, page.TaskArns...)
	}
	return arns, nil
}

// notStopped counts the tasks whose last status is not STOPPED yet.
func notStopped(ctx context.Context, api *ecs.Client, cluster string, arns []string) (int, error) {
	left := 0
	for start := 0; start < len(arns); start += 100 {
		batch := arns[start:min(start+100, len(arns))]
		out, err := api.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: batch})
		if err != nil {
			return 0, fmt.Errorf("describe the local tasks: %w", err)
		}
		for _, t := range out.Tasks {
			if aws.ToString(t.LastStatus) != string(ecstypes.DesiredStatusStopped) {
				left++
			}
		}
	}
	return left, nil
}
