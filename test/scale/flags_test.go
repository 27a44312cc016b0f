package scale

import (
	"flag"
	"fmt"
)

// Flags of the measurement. The defaults are the tiny version every
// `go test` runs.
var (
	flagInstances = flag.Int("scale.instances", 100, "container instances to register")
	flagTasks     = flag.Int("scale.tasks", 2000, "task records to create (RunTask with count 10)")
	flagStopEvery = flag.Int("scale.stop", 2, "stop one task in this many (2 = 50 %); 0 stops none")
	flagReport    = flag.Bool("scale.report", true, "after StopTask, report the task STOPPED as its agent would (lastStatus STOPPED)")
	flagWorkers   = flag.Int("scale.workers", 64, "goroutines calling the control plane while populating")
	flagNoSync    = flag.Bool("scale.nosync", false, "populate without fsync (the restarted server always syncs)")
	flagDir       = flag.String("scale.dir", "", "data dir to populate and keep (default: a temporary dir removed afterwards)")
	flagReuse     = flag.Bool("scale.reuse", false, "skip population when -scale.dir already holds a store (re-measure the restart only)")
	flagRestarts  = flag.Int("scale.restarts", 1, "how many times to restart the server process and time it")
	flagProfile   = flag.String("scale.profile", "", "directory for CPU and heap profiles of the restarted server (startup until first served request)")
)

// config is one measurement's parameters.
type config struct {
	instances, tasks, stopEvery, workers int
	report, noSync                       bool
}

// Resources of the task definition and the instances: every instance has
// room for tasksPerInstance tasks.
const (
	taskCPU          = 10
	taskMemory       = 128
	tasksPerInstance = 100
	runCount         = 10
)

func configFromFlags() (config, error) {
	c := config{instances: *flagInstances, tasks: *flagTasks, stopEvery: *flagStopEvery,
		workers: *flagWorkers, report: *flagReport, noSync: *flagNoSync}
	switch {
	case c.instances < 1:
		return c, fmt.Errorf("-scale.instances is %d, want at least 1", c.instances)
	case c.tasks < 1:
		return c, fmt.Errorf("-scale.tasks is %d, want at least 1", c.tasks)
	case c.stopEvery < 0:
		return c, fmt.Errorf("-scale.stop is %d, want 0 or more", c.stopEvery)
	case c.workers < 1:
		return c, fmt.Errorf("-scale.workers is %d, want at least 1", c.workers)
	}
	if live := c.liveTasks(); live > c.instances*tasksPerInstance {
		return c, fmt.Errorf("%d tasks stay RUNNING but %d instances hold only %d", live, c.instances, c.instances*tasksPerInstance)
	}
	return c, nil
}

// stoppedTasks is how many of the tasks are stopped; liveTasks how many
// keep desired status RUNNING.
func (c config) stoppedTasks() int {
	if c.stopEvery == 0 {
		return 0
	}
	return c.tasks / c.stopEvery
}

func (c config) liveTasks() int { return c.tasks - c.stoppedTasks() }
