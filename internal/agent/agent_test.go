package agent

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/berth-io/berth/internal/agent/runtime"
	"github.com/berth-io/berth/internal/agent/runtime/sim"
	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/buildinfo"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// agentConfig is a Config for an agent talking to f.
func agentConfig(f *fakeServer, stateDir string, rt runtime.Runtime) Config {
	return Config{
		Endpoint:         f.server.URL,
		Region:           testRegion,
		AccessKeyID:      testKey,
		SecretAccessKey:  testSecret,
		Cluster:          "default",
		Attributes:       []string{"team=blue", "gpu"},
		AvailabilityZone: "us-east-1a",
		CapacityProvider: "spot-pool",
		StateDir:         stateDir,
		CPU:              2048,
		MemoryMiB:        4096,
		Logger:           quietLogger(),
		RuntimeInstance:  rt,
	}
}

// runAgent starts an agent and returns a function that stops it and waits
// for Run to return.
func runAgent(t *testing.T, cfg Config) (*Agent, func()) {
	t.Helper()
	a, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: got %v, want nil after shutdown", err)
		}
	}
	t.Cleanup(stop)
	return a, stop
}

func resource(req ecsmodel.RegisterContainerInstanceRequest, name string) (ecsmodel.Resource, bool) {
	for _, r := range req.TotalResources {
		if r.Name == name {
			return r, true
		}
	}
	return ecsmodel.Resource{}, false
}

func attributes(req ecsmodel.RegisterContainerInstanceRequest) map[string]string {
	out := map[string]string{}
	for _, a := range req.Attributes {
		out[a.Name] = a.Value
	}
	return out
}

func TestAgentRegistersConnectsAndRunsTasks(t *testing.T) {
	f := newFakeServer(t)
	dir := t.TempDir()
	rt := sim.New(sim.Options{})
	a, _ := runAgent(t, agentConfig(f, dir, rt))

	reg := f.registration(1)
	if reg.Cluster != "default" || reg.ContainerInstanceArn != "" {
		t.Fatalf("registration: got cluster %q arn %q, want default and no arn", reg.Cluster, reg.ContainerInstanceArn)
	}
	for name, want := range map[string]int32{"CPU": 2048, "MEMORY": 4096} {
		if r, ok := resource(reg, name); !ok || r.IntegerValue != want || r.Type != "INTEGER" {
			t.Errorf("resource %s: got %+v, want INTEGER %d", name, r, want)
		}
	}
	if r, _ := resource(reg, "PORTS"); !slices.Equal(r.StringSetValue, []string{"22", "2375", "2376", "51678", "51679"}) {
		t.Errorf("PORTS: got %v, want the reserved ports", r.StringSetValue)
	}
	if _, ok := resource(reg, "PORTS_UDP"); !ok {
		t.Errorf("PORTS_UDP: missing")
	}
	attrs := attributes(reg)
	for name, want := range map[string]string{
		"ecs.os-type": "linux", "ecs.availability-zone": "us-east-1a", "berth.capacity-provider": "spot-pool",
		"berth.runtime": "sim", "team": "blue", "gpu": "",
	} {
		if got, ok := attrs[name]; !ok || got != want {
			t.Errorf("attribute %s: got %q (present %v), want %q", name, got, ok, want)
		}
	}
	if arch := attrs["ecs.cpu-architecture"]; arch == "" {
		t.Errorf("ecs.cpu-architecture: got empty, want the machine's")
	}
	if reg.VersionInfo == nil || reg.VersionInfo.AgentVersion != buildinfo.Version {
		t.Errorf("versionInfo: got %+v, want agentVersion %s", reg.VersionInfo, buildinfo.Version)
	}

	waitFor(t, "the agent to connect", a.Connected)
	arn := a.ContainerInstanceArn()
	f.awaitConnected(arn, true)
	saved, err := loadInstance(dir)
	if err != nil || saved.ContainerInstanceArn != arn || saved.Cluster != "default" {
		t.Fatalf("instance.json: got %+v (%v), want %s in default", saved, err, arn)
	}

	p := taskPayload("t1", 1, "RUNNING", ctr("web", sleepForever...))
	f.hub.Notify("default", arn, p)
	running := f.taskChange(p.Arn, 1)
	if running.Status != "RUNNING" || running.Cluster != "default" || len(running.Containers) != 1 || running.Containers[0].RuntimeId == "" {
		t.Fatalf("task state change: got %+v, want RUNNING with the container's runtime id", running)
	}
	p.Version, p.DesiredStatus = 2, "STOPPED"
	f.hub.Notify("default", arn, p)
	stopped := f.taskChange(p.Arn, 2)
	if stopped.Status != "STOPPED" || stopped.Containers[0].ExitCode == nil || *stopped.Containers[0].ExitCode != 143 {
		t.Fatalf("task state change: got %+v, want STOPPED with exit 143", stopped)
	}
}

func TestAgentRestartReattachesAndAdopts(t *testing.T) {
	f := newFakeServer(t)
	dir := t.TempDir()
	rt := sim.New(sim.Options{}) // outlives the agent, as a Docker daemon does
	first, stop := runAgent(t, agentConfig(f, dir, rt))
	waitFor(t, "the first agent to connect", first.Connected)
	arn := first.ContainerInstanceArn()
	p := taskPayload("t1", 1, "RUNNING", ctr("web", sleepForever...))
	f.mu.Lock()
	f.pending[arn] = []agentrpc.TaskPayload{p}
	f.mu.Unlock()
	f.hub.Notify("default", arn, p)
	before := f.taskChange(p.Arn, 1)
	stop()

	second, _ := runAgent(t, agentConfig(f, dir, rt))
	if reg := f.registration(2); reg.ContainerInstanceArn != arn {
		t.Fatalf("re-registration: got containerInstanceArn %q, want %q", reg.ContainerInstanceArn, arn)
	}
	waitFor(t, "the second agent to connect", second.Connected)
	if got := second.ContainerInstanceArn(); got != arn {
		t.Fatalf("instance after restart: got %s, want %s", got, arn)
	}
	after := f.taskChange(p.Arn, 2)
	if after.Status != "RUNNING" || after.Containers[0].RuntimeId != before.Containers[0].RuntimeId {
		t.Fatalf("after restart: got %s with runtime id %s, want RUNNING with the adopted %s",
			after.Status, after.Containers[0].RuntimeId, before.Containers[0].RuntimeId)
	}
	if found, _ := rt.List(context.Background(), p.Arn); len(found) != 1 {
		t.Fatalf("containers of the task: got %d, want 1 (no double start)", len(found))
	}
}

func TestAgentRegistersAnewWhenSavedInstanceIsRefused(t *testing.T) {
	f := newFakeServer(t)
	dir := t.TempDir()
	gone := "arn:aws:ecs:us-east-1:000000000000:container-instance/default/0000000000000000000000000000dead"
	if err := saveInstance(dir, savedInstance{Cluster: "default", ContainerInstanceArn: gone}); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.refused[gone] = true
	f.mu.Unlock()
	a, _ := runAgent(t, agentConfig(f, dir, sim.New(sim.Options{})))
	if reg := f.registration(1); reg.ContainerInstanceArn != gone {
		t.Fatalf("first attempt: got containerInstanceArn %q, want the saved %q", reg.ContainerInstanceArn, gone)
	}
	if reg := f.registration(2); reg.ContainerInstanceArn != "" {
		t.Fatalf("second attempt: got containerInstanceArn %q, want none", reg.ContainerInstanceArn)
	}
	waitFor(t, "the agent to connect", a.Connected)
	if arn := a.ContainerInstanceArn(); arn == gone || arn == "" {
		t.Fatalf("instance: got %q, want a new one", arn)
	}
}

func TestConfigValidate(t *testing.T) {
	valid := func() Config {
		return Config{Endpoint: "http://127.0.0.1:8080", AccessKeyID: "a", SecretAccessKey: "s", StateDir: "/tmp/x"}
	}
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string
	}{
		{name: "valid", edit: func(*Config) {}},
		{name: "no endpoint", edit: func(c *Config) { c.Endpoint = "" }, wantErr: "endpoint"},
		{name: "no secret", edit: func(c *Config) { c.SecretAccessKey = "" }, wantErr: "secret"},
		{name: "no state dir", edit: func(c *Config) { c.StateDir = "" }, wantErr: "state directory"},
		{name: "unknown runtime", edit: func(c *Config) { c.Runtime = "podman" }, wantErr: "unknown runtime"},
		{name: "bad attribute name", edit: func(c *Config) { c.Attributes = []string{"a b=c"} }, wantErr: "attribute name"},
		{name: "bad attribute value", edit: func(c *Config) { c.Attributes = []string{"a= c"} }, wantErr: "value"},
		{name: "duplicate attribute", edit: func(c *Config) { c.Attributes = []string{"a=1", "a=2"} }, wantErr: "twice"},
		{name: "eleven attributes", edit: func(c *Config) {
			for i := range 11 {
				c.Attributes = append(c.Attributes, "a"+strings.Repeat("x", i))
			}
		}, wantErr: "at most 10"},
		{name: "bad zone", edit: func(c *Config) { c.AvailabilityZone = "us east 1a " }, wantErr: "availability zone"},
		{name: "negative cpu", edit: func(c *Config) { c.CPU = -1 }, wantErr: "negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := valid()
			tc.edit(&c)
			err := c.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Validate: got %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Validate: got %v, want an error about %q", err, tc.wantErr)
			}
		})
	}
}

func TestMemTotalMiB(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    int32
		wantErr bool
	}{
		{name: "typical", content: "MemTotal:       16315372 kB\nMemFree:         1000 kB\n", want: 15932},
		{name: "not first", content: "Foo: 1 kB\nMemTotal: 2097152 kB\n", want: 2048},
		{name: "missing", content: "MemFree: 1 kB\n", wantErr: true},
		{name: "garbage", content: "MemTotal: lots kB\n", wantErr: true},
		{name: "odd unit", content: "MemTotal: 5 MB\n", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "meminfo")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := memTotalMiB(path)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("memTotalMiB: got %d, %v; want %d, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
	if _, err := os.Stat(memInfoPath); err == nil {
		if _, mem, err := hostResources(0, 0, memInfoPath); err != nil || mem <= 0 {
			t.Fatalf("host memory: got %d, %v; want a positive size", mem, err)
		}
	}
}

func TestFleetRegistersEveryAgentAcrossZones(t *testing.T) {
	f := newFakeServer(t)
	base := agentConfig(f, t.TempDir(), nil)
	base.CPU, base.MemoryMiB, base.AvailabilityZone = 0, 0, ""
	fleet, err := NewFleet(FleetConfig{Agents: 5, Zones: []string{"us-east-1a", "us-east-1b"}, Base: base, StartConcurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fleet.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	waitFor(t, "every agent to connect", func() bool { return fleet.Connected() == 5 })

	zones := map[string]int{}
	f.mu.Lock()
	regs := append([]ecsmodel.RegisterContainerInstanceRequest(nil), f.registrations...)
	f.mu.Unlock()
	for _, reg := range regs {
		zones[attributes(reg)["ecs.availability-zone"]]++
		if r, _ := resource(reg, "CPU"); r.IntegerValue != 4096 {
			t.Errorf("fleet instance CPU: got %d, want 4096", r.IntegerValue)
		}
	}
	if len(regs) != 5 || zones["us-east-1a"] != 3 || zones["us-east-1b"] != 2 {
		t.Fatalf("registrations per zone: got %v of %d, want 3 in us-east-1a and 2 in us-east-1b", zones, len(regs))
	}
	// Each agent runs its own tasks on its own runtime.
	for i, a := range fleet.Agents() {
		p := taskPayload("fleet"+string(rune('a'+i)), 1, "RUNNING", ctr("web", sleepForever...))
		f.hub.Notify("default", a.ContainerInstanceArn(), p)
		if got := f.taskChange(p.Arn, 1); got.Status != "RUNNING" {
			t.Fatalf("agent %d task: got %s, want RUNNING", i, got.Status)
		}
	}
}

// reportPaths returns how many state changes f received through the ECS
// API and over the agent channel.
func (f *fakeServer) reportPaths() (viaAPI, viaChannel int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.viaAPI, f.viaChannel
}

func TestAgentReportsOverTheChannel(t *testing.T) {
	tests := []struct {
		name        string
		server      func(testing.TB) *fakeServer
		wantChannel bool
	}{
		{name: "a server that takes them", server: newChannelFakeServer, wantChannel: true},
		{name: "a server that does not", server: newFakeServer},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.server(t)
			a, _ := runAgent(t, agentConfig(f, t.TempDir(), sim.New(sim.Options{})))
			waitFor(t, "the agent to connect", a.Connected)
			arn := a.ContainerInstanceArn()
			p := taskPayload("t1", 1, "RUNNING", ctr("web", sleepForever...))
			f.hub.Notify("default", arn, p)
			if got := f.taskChange(p.Arn, 1); got.Status != "RUNNING" || got.Containers[0].RuntimeId == "" {
				t.Fatalf("first report: got %+v, want RUNNING with the runtime id", got)
			}
			p.Version, p.DesiredStatus = 2, "STOPPED"
			f.hub.Notify("default", arn, p)
			if got := f.taskChange(p.Arn, 2); got.Status != "STOPPED" {
				t.Fatalf("second report: got %s, want STOPPED", got.Status)
			}
			viaAPI, viaChannel := f.reportPaths()
			if tc.wantChannel && (viaAPI != 0 || viaChannel != 2) {
				t.Fatalf("got %d reports through the ECS API and %d over the channel, want 0 and 2", viaAPI, viaChannel)
			}
			if !tc.wantChannel && (viaAPI != 2 || viaChannel != 0) {
				t.Fatalf("got %d reports through the ECS API and %d over the channel, want 2 and 0", viaAPI, viaChannel)
			}
		})
	}
}

func TestFleetReportsOverTheChannel(t *testing.T) {
	f := newChannelFakeServer(t)
	fleet, err := NewFleet(FleetConfig{Agents: 3, Base: agentConfig(f, t.TempDir(), nil)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fleet.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	waitFor(t, "every agent to connect", func() bool { return fleet.Connected() == 3 })
	for i, a := range fleet.Agents() {
		for j := range 4 {
			p := taskPayload(fmt.Sprintf("fleet-%d-%d", i, j), 1, "RUNNING", ctr("web", sleepForever...))
			f.hub.Notify("default", a.ContainerInstanceArn(), p)
			if got := f.taskChange(p.Arn, 1); got.Status != "RUNNING" {
				t.Fatalf("agent %d task %d: got %s, want RUNNING", i, j, got.Status)
			}
		}
	}
	if viaAPI, viaChannel := f.reportPaths(); viaAPI != 0 || viaChannel != 12 {
		t.Fatalf("got %d reports through the ECS API and %d over the channel, want 0 and 12", viaAPI, viaChannel)
	}
	// Running tasks keep no goroutine: every runner has parked.
	for i, a := range fleet.Agents() {
		waitFor(t, fmt.Sprintf("agent %d's runners to park", i), func() bool { return a.engine.parkedRunners() == 4 })
	}
}
