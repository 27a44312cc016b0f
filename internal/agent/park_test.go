package agent

import (
	"testing"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/sim"
)

// waitOnly hides the sim runtime's ExitNotifier, so that the engine waits
// for exits with a goroutine blocked in Wait, as with docker.
type waitOnly struct{ runtime.Runtime }

func TestEngineParksIdleRunners(t *testing.T) {
	runtimes := []struct {
		name string
		rt   func() runtime.Runtime
	}{
		{name: "exit callbacks", rt: func() runtime.Runtime { return sim.New(sim.Options{}) }},
		{name: "Wait", rt: func() runtime.Runtime { return waitOnly{sim.New(sim.Options{})} }},
	}
	tests := []struct {
		name     string
		cmd      []string
		stop     bool // send a STOPPED payload once parked
		wantCode string
		wantExit int32
	}{
		{name: "a container exit resumes it", cmd: []string{"sh", "-c", "sleep 0.2; exit 3"}, wantCode: "EssentialContainerExited", wantExit: 3},
		{name: "a newer payload resumes it", cmd: sleepForever, stop: true, wantExit: 143},
	}
	for _, rc := range runtimes {
		for _, tc := range tests {
			t.Run(rc.name+"/"+tc.name, func(t *testing.T) {
				f := newEngineFixture(t, rc.rt(), nil)
				f.apply(t, false, taskPayload("t1", 1, "RUNNING", ctr("app", tc.cmd...)))
				f.rep.taskReport(t, taskArn("t1"), "RUNNING")
				waitFor(t, "the runner to park", func() bool { return f.engine.parkedRunners() == 1 })
				if tc.stop {
					f.apply(t, false, taskPayload("t1", 2, "STOPPED"))
				}
				stopped := f.rep.taskReport(t, taskArn("t1"), "STOPPED")
				if stopped.StopCode != tc.wantCode || exitCodes(stopped)["app"] != tc.wantExit {
					t.Fatalf("got stop code %q exit %d, want %q exit %d", stopped.StopCode, exitCodes(stopped)["app"], tc.wantCode, tc.wantExit)
				}
				waitFor(t, "the task to be done", func() bool { return f.engine.ActiveTasks() == 0 && f.engine.parkedRunners() == 0 })
			})
		}
	}
}
