package scale

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
	"github.com/berth-io/berth/internal/server"
	"github.com/berth-io/berth/internal/store/boltstore"
)

// Names and account of the measured state.
const (
	clusterName = "scale"
	family      = "scale"
	startedBy   = "scale-test"
	region      = "us-east-1"
	accountID   = "123456789012"
	accessKey   = "AKIDBERTHSCALE"
	secretKey   = "berth-scale-secret"
	// sampleSize is how many running and stopped task ARNs the population
	// keeps, for DescribeTasks after the restart.
	sampleSize = 100
	// retentionForever keeps stopped tasks: the populating Service runs no
	// janitor, and this retention keeps any pass from deleting them.
	retentionForever = 100 * 365 * 24 * time.Hour
)

// populated is what the population made and how long it took.
type populated struct {
	instances, placed, stopped int
	runningSample, stopSample  []string
	instancesTook, tasksTook   time.Duration
	mem                        procMem
	heap                       heapStats
}

// populator fills a store through a control.Service.
type populator struct {
	t   *testing.T
	c   config
	svc *control.Service
	ctx context.Context

	// remaining is how many tasks are still to be placed; seq numbers the
	// placed tasks (1..c.tasks) and picks the ones stopped.
	remaining, seq, stopped atomic.Int64
	// zeroRuns counts RunTask calls in a row that placed nothing.
	zeroRuns atomic.Int64

	mu                        sync.Mutex
	runningSample, stopSample []string
}

// populate opens the store in dir, registers the instances and the task
// definition, runs and stops the tasks, measures the process, and closes
// the store.
func populate(t *testing.T, dir string, c config) (*populated, error) {
	st, err := boltstore.Open(filepath.Join(dir, server.StoreFile), boltstore.Options{NoSync: c.noSync})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	svc, err := control.New(control.Config{Store: st, Account: ecs.Account{Region: region, ID: accountID},
		StoppedTaskRetention: retentionForever})
	if err != nil {
		return nil, err
	}
	p := &populator{t: t, c: c, svc: svc, ctx: context.Background()}
	p.remaining.Store(int64(c.tasks))
	if _, err := svc.CreateCluster(p.ctx, ecstest.CreateCluster(clusterName)); err != nil {
		return nil, err
	}
	td := ecstest.TaskDefinition(ecstest.Family(family), ecstest.Containers(
		ecstest.Container("app", ecstest.CPU(taskCPU), ecstest.Memory(taskMemory))))
	if _, err := svc.RegisterTaskDefinition(p.ctx, td); err != nil {
		return nil, err
	}
	out := &populated{}
	start := time.Now()
	if err := p.parallel(c.instances, p.registerInstance); err != nil {
		return nil, fmt.Errorf("register instances: %w", err)
	}
	out.instancesTook = time.Since(start)
	t.Logf("registered %d instances in %s", c.instances, out.instancesTook.Round(time.Millisecond))

	start = time.Now()
	stopProgress := p.progress(start)
	err = p.parallel(c.workers, func(int) error { return p.runTasks() })
	stopProgress()
	if err != nil {
		return nil, fmt.Errorf("run tasks: %w", err)
	}
	out.tasksTook = time.Since(start)
	out.instances, out.placed, out.stopped = c.instances, int(p.seq.Load()), int(p.stopped.Load())
	out.runningSample, out.stopSample = p.runningSample, p.stopSample
	out.heap = readHeap()
	if out.mem, err = readProcMem("self"); err != nil {
		return nil, err
	}
	if err := p.check(out); err != nil {
		return nil, err
	}
	return out, nil
}

// parallel runs fn(i) for i in [0, n) on at most c.workers goroutines and
// returns the first error.
func (p *populator) parallel(n int, fn func(i int) error) error {
	var (
		next     atomic.Int64
		errOnce  sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	for range min(n, p.c.workers) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				if err := fn(i); err != nil {
					errOnce.Do(func() { firstErr = err })
					next.Store(int64(n))
					return
				}
			}
		})
	}
	wg.Wait()
	return firstErr
}

// registerInstance registers instance i with room for tasksPerInstance
// tasks, in one of three zones.
func (p *populator) registerInstance(i int) error {
	req := ecstest.RegisterInstance(ecstest.OnCluster(clusterName),
		ecstest.InstanceCPU(taskCPU*tasksPerInstance), ecstest.InstanceMemory(taskMemory*tasksPerInstance),
		ecstest.Identity(ecstest.NewEC2InstanceID(), fmt.Sprintf("us-east-1%c", 'a'+i%3)))
	_, err := p.svc.RegisterContainerInstance(p.ctx, req)
	return err
}

// claim takes up to runCount of the remaining tasks.
func (p *populator) claim() int32 {
	for {
		left := p.remaining.Load()
		if left <= 0 {
			return 0
		}
		n := min(left, runCount)
		if p.remaining.CompareAndSwap(left, left-n) {
			return int32(n)
		}
	}
}

// runTasks runs RunTask until every task is placed, stopping every
// stopEvery-th task it creates.
func (p *populator) runTasks() error {
	for n := p.claim(); n > 0; n = p.claim() {
		out, err := p.svc.RunTask(p.ctx, &ecsmodel.RunTaskRequest{
			Cluster: clusterName, TaskDefinition: family, Count: &n, StartedBy: startedBy,
		})
		if err != nil {
			return err
		}
		if unplaced := int(n) - len(out.Tasks); unplaced > 0 {
			p.remaining.Add(int64(unplaced))
			if len(out.Tasks) == 0 && p.zeroRuns.Add(1) > 100 {
				return fmt.Errorf("100 RunTask calls in a row placed nothing; last failures %+v", out.Failures)
			}
		} else {
			p.zeroRuns.Store(0)
		}
		for _, task := range out.Tasks {
			k := p.seq.Add(1)
			if p.c.stopEvery > 0 && k%int64(p.c.stopEvery) == 0 {
				if err := p.stop(task.TaskArn); err != nil {
					return err
				}
				p.sample(&p.stopSample, task.TaskArn)
				continue
			}
			p.sample(&p.runningSample, task.TaskArn)
		}
	}
	return nil
}

// stop stops a task and, with -scale.report, reports it STOPPED as its
// agent would once the container exited.
func (p *populator) stop(arn string) error {
	if _, err := p.svc.StopTask(p.ctx, &ecsmodel.StopTaskRequest{Cluster: clusterName, Task: arn, Reason: "scale test"}); err != nil {
		return err
	}
	if p.c.report {
		exit := int32(0)
		_, err := p.svc.ApplyTaskStateChange(p.ctx, control.TaskStateChange{
			Cluster: clusterName, Task: arn, Status: ecs.StatusStopped.String(),
			Containers: []control.ContainerStateChange{{Name: "app", Status: ecs.StatusStopped.String(), ExitCode: &exit}},
		})
		if err != nil {
			return err
		}
	}
	p.stopped.Add(1)
	return nil
}

func (p *populator) sample(dst *[]string, arn string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(*dst) < sampleSize {
		*dst = append(*dst, arn)
	}
}

// progress logs the task count, rate and memory every 15 s until the
// returned function is called.
func (p *populator) progress(start time.Time) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(15 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				n := p.seq.Load()
				el := time.Since(start)
				m, _ := readProcMem("self")
				p.t.Logf("  %s: %d tasks placed (%.0f/s), %d stopped, %s", el.Round(time.Second), n,
					float64(n)/el.Seconds(), p.stopped.Load(), m)
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// check verifies the populated state through the Service: instance and
// task counts of the cluster and the first page of ListTasks.
func (p *populator) check(out *populated) error {
	if out.placed != p.c.tasks {
		return fmt.Errorf("got %d tasks placed, want %d", out.placed, p.c.tasks)
	}
	d, err := p.svc.DescribeClusters(p.ctx, &ecsmodel.DescribeClustersRequest{Clusters: []string{clusterName}})
	if err != nil {
		return err
	}
	if len(d.Clusters) != 1 {
		return errors.New("DescribeClusters: cluster not found")
	}
	cl := d.Clusters[0]
	return wantCounts(clusterCounters{instances: int(cl.RegisteredContainerInstancesCount), pending: int(cl.PendingTasksCount), running: int(cl.RunningTasksCount)}, p.c)
}

// clusterCounters are the counters of a cluster view.
type clusterCounters struct {
	instances, pending, running int
}

// wantCounts checks a cluster's counters against what the population
// made: no agent reports RUNNING, so the live tasks stay PENDING, and so
// do stopped ones that were not reported STOPPED.
func wantCounts(got clusterCounters, c config) error {
	want := clusterCounters{instances: c.instances, pending: c.liveTasks()}
	if !c.report {
		want.pending = c.tasks
	}
	if got != want {
		return fmt.Errorf("got %d instances, %d pending and %d running tasks, want %d, %d and %d",
			got.instances, got.pending, got.running, want.instances, want.pending, want.running)
	}
	return nil
}
