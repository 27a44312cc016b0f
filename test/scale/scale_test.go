package scale

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/server"
)

// Targets of issue 6, reported (never asserted: speed and size go in the
// log and in docs/BENCHMARKS.md, not in pass/fail).
const (
	targetRSS     = 4 << 30
	targetRestart = 10 * time.Second
)

// manifestFile, next to the store, records what a population made so that
// -scale.reuse can measure restarts of it again.
const manifestFile = "scale-manifest.json"

type manifest struct {
	Instances     int      `json:"instances"`
	Tasks         int      `json:"tasks"`
	StopEvery     int      `json:"stopEvery"`
	Report        bool     `json:"report"`
	RunningSample []string `json:"runningSample"`
	StopSample    []string `json:"stopSample"`
}

// TestScale populates a store (or reuses one), then restarts the server
// process on it and measures it; see the package documentation.
func TestScale(t *testing.T) {
	if testing.Short() {
		t.Skip("scale measurement skipped in -short mode")
	}
	c, err := configFromFlags()
	if err != nil {
		t.Fatal(err)
	}
	dir := *flagDir
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	pop, c, err := populateOrReuse(t, dir, c)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, server.StoreFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bbolt file: %s", mib(fi.Size()))
	for i := range max(*flagRestarts, 1) {
		r, err := restart(dir, c, pop, *flagProfile)
		if err != nil {
			t.Fatalf("restart %d: %v", i+1, err)
		}
		t.Logf("restart %d: server.Start %s; /healthz 200 after %s, first signed ListTasks after %s from exec (target %s: %s)",
			i+1, r.startCall.Round(time.Millisecond), r.healthz.Round(time.Millisecond), r.firstCall.Round(time.Millisecond),
			targetRestart, verdict(r.firstCall <= targetRestart))
		t.Logf("restart %d: CPU used by the server process until then: %s user + %s system",
			i+1, r.cpuUser.Round(time.Millisecond), r.cpuSys.Round(time.Millisecond))
		t.Logf("restart %d: serving process %s (target 4 GiB RSS: %s)", i+1, r.mem, verdict(r.mem.VmRSS <= targetRSS))
		t.Logf("restart %d: serving process %s", i+1, r.heap)
		t.Logf("restart %d: ListTasks (first page of 100) median %s, DescribeTasks of 100 median %s",
			i+1, r.listTasks.Round(time.Microsecond), r.describeTasks.Round(time.Microsecond))
	}
}

// populateOrReuse populates dir, or with -scale.reuse reads the manifest
// of an earlier population there (its counts replace the flags').
func populateOrReuse(t *testing.T, dir string, c config) (*populated, config, error) {
	path := filepath.Join(dir, manifestFile)
	if *flagReuse {
		b, err := os.ReadFile(path)
		if err == nil {
			var m manifest
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, c, err
			}
			c.instances, c.tasks, c.stopEvery, c.report = m.Instances, m.Tasks, m.StopEvery, m.Report
			t.Logf("reusing %s: %d instances, %d tasks, %d stopped", dir, c.instances, c.tasks, c.stoppedTasks())
			return &populated{runningSample: m.RunningSample, stopSample: m.StopSample}, c, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, c, err
		}
	}
	if _, err := os.Stat(filepath.Join(dir, server.StoreFile)); err == nil {
		return nil, c, errors.New(dir + " already holds a store; use -scale.reuse or an empty dir")
	}
	t.Logf("populating %s: %d instances, %d tasks (%d stopped, reported STOPPED: %v), %d workers, fsync %v",
		dir, c.instances, c.tasks, c.stoppedTasks(), c.report, c.workers, !c.noSync)
	pop, err := populate(t, dir, c)
	if err != nil {
		return nil, c, err
	}
	t.Logf("populated in %s: instances %s, tasks %s (%.0f tasks/s incl. stops)",
		(pop.instancesTook + pop.tasksTook).Round(time.Second), pop.instancesTook.Round(time.Millisecond),
		pop.tasksTook.Round(time.Millisecond), float64(pop.placed)/pop.tasksTook.Seconds())
	t.Logf("populating process: %s", pop.mem)
	t.Logf("populating process: %s", pop.heap)
	b, err := json.Marshal(manifest{Instances: c.instances, Tasks: c.tasks, StopEvery: c.stopEvery, Report: c.report,
		RunningSample: pop.runningSample, StopSample: pop.stopSample})
	if err != nil {
		return nil, c, err
	}
	return pop, c, os.WriteFile(path, b, 0o600)
}

func verdict(met bool) string {
	if met {
		return "met"
	}
	return "MISSED"
}
