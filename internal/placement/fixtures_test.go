package placement

import (
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/placement/expr"
)

// idOf turns a short test name ("a1") into a 32-hex instance id.
func idOf(name string) string {
	h := hex.EncodeToString([]byte(name))
	return h + strings.Repeat("0", 32-len(h))
}

// nameOf turns an id made by idOf back into its name.
func nameOf(id string) string {
	b, _ := hex.DecodeString(id)
	return strings.TrimRight(string(b), "\x00")
}

// arnOf is the ARN the fixtures give an instance.
func arnOf(name string) string {
	return "arn:aws:ecs:us-east-1:123456789012:container-instance/test/" + idOf(name)
}

type instOpt func(*Instance)

// instance returns an ACTIVE, connected instance named name with 4096 CPU,
// 16384 MiB, the default reserved TCP ports, no tasks, then applies opts.
func instance(name string, opts ...instOpt) Instance {
	in := Instance{
		ID: idOf(name), ARN: arnOf(name), Status: StatusActive, AgentConnected: true,
		AgentVersion: "1.80.0", EC2InstanceID: "i-" + name,
		RegisteredAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		Attributes:   map[string]string{"ecs.os-type": "linux"},
		Registered:   Resources{CPU: 4096, Memory: 16384, Ports: []uint16{22, 2375, 2376, 51678, 51679}},
		Usage:        Usage{RemainingCPU: 4096, RemainingMemory: 16384, TaskGroups: map[string]int{}},
	}
	for _, o := range opts {
		o(&in)
	}
	return in
}

// withCPU sets registered and remaining CPU.
func withCPU(cpu int64) instOpt {
	return func(in *Instance) { in.Registered.CPU, in.Usage.RemainingCPU = cpu, cpu }
}

// withMemory sets registered and remaining memory.
func withMemory(mem int64) instOpt {
	return func(in *Instance) { in.Registered.Memory, in.Usage.RemainingMemory = mem, mem }
}

// withRemaining sets remaining CPU and memory.
func withRemaining(cpu, mem int64) instOpt {
	return func(in *Instance) { in.Usage.RemainingCPU, in.Usage.RemainingMemory = cpu, mem }
}

func withAttr(name, value string) instOpt {
	return func(in *Instance) { in.Attributes[name] = value }
}

// withAZ sets ecs.availability-zone.
func withAZ(az string) instOpt { return withAttr("ecs.availability-zone", az) }

func withType(t string) instOpt { return withAttr("ecs.instance-type", t) }

func withStatus(s string) instOpt { return func(in *Instance) { in.Status = s } }

func withDisconnected() instOpt { return func(in *Instance) { in.AgentConnected = false } }

func withProvider(p string) instOpt { return func(in *Instance) { in.CapacityProvider = p } }

func withGPUs(ids ...string) instOpt { return func(in *Instance) { in.Registered.GPUIDs = ids } }

func withUsedGPUs(ids ...string) instOpt { return func(in *Instance) { in.Usage.GPUIDs = ids } }

func withReservedPorts(tcp, udp []uint16) instOpt {
	return func(in *Instance) { in.Registered.Ports, in.Registered.PortsUDP = tcp, udp }
}

func withUsedPorts(tcp, udp []uint16) instOpt {
	return func(in *Instance) { in.Usage.Ports, in.Usage.PortsUDP = tcp, udp }
}

// withGroup records n running tasks of group g (without using resources).
func withGroup(g string, n int) instOpt {
	return func(in *Instance) { in.Usage.TaskGroups[g] += n; in.Usage.RunningTasks += n }
}

// newCluster returns a cluster holding the instances.
func newCluster(t testing.TB, ins ...Instance) *Cluster {
	t.Helper()
	c := NewCluster()
	for _, in := range ins {
		if err := c.Upsert(in); err != nil {
			t.Fatalf("Upsert(%s) error %v", nameOf(in.ID), err)
		}
	}
	return c
}

// nodeOf builds the engine's node for an instance, for check tests.
func nodeOf(in Instance) *node { return newNode(&in) }

func rng(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x5eed)) }

// mustExpr parses a memberOf expression.
func mustExpr(t testing.TB, s string) *expr.Expr {
	t.Helper()
	e, err := expr.Parse(s)
	if err != nil {
		t.Fatalf("expr.Parse(%q) error %v", s, err)
	}
	return e
}

// task returns a demand of group "family:web" with 128 CPU and 512 MiB.
func task(opts ...func(*Demand)) Demand {
	d := Demand{CPU: 128, Memory: 512, Group: "family:web"}
	for _, o := range opts {
		o(&d)
	}
	return d
}

func needs(cpu, mem int64) func(*Demand) {
	return func(d *Demand) { d.CPU, d.Memory = cpu, mem }
}

func strategies(specs ...string) func(*Demand) {
	return func(d *Demand) {
		for _, s := range specs {
			typ, field, _ := strings.Cut(s, " ")
			d.Strategies = append(d.Strategies, Strategy{Type: StrategyType(typ), Field: field})
		}
	}
}

func memberOf(e *expr.Expr) func(*Demand) {
	return func(d *Demand) { d.Constraints = append(d.Constraints, Constraint{Type: MemberOf, Expr: e}) }
}

func distinct() func(*Demand) {
	return func(d *Demand) { d.Constraints = append(d.Constraints, Constraint{Type: DistinctInstance}) }
}

func group(g string) func(*Demand) { return func(d *Demand) { d.Group = g } }

func requires(attrs ...Attribute) func(*Demand) {
	return func(d *Demand) { d.RequiredAttributes = append(d.RequiredAttributes, attrs...) }
}

func ports(ms ...PortMapping) func(*Demand) {
	return func(d *Demand) { d.Ports = append(d.Ports, ms...) }
}

func gpus(n int) func(*Demand) { return func(d *Demand) { d.GPUs = n } }

func provider(p string) func(*Demand) { return func(d *Demand) { d.CapacityProvider = p } }

// placeOne places one task and returns the chosen instance's name, or ""
// with the failure.
func placeOne(t testing.TB, c *Cluster, d Demand, r *rand.Rand) (string, Failure) {
	t.Helper()
	pls, fails := c.Place(d, 1, r)
	switch {
	case len(pls) == 1 && len(fails) == 0:
		return nameOf(pls[0].InstanceID), Failure{}
	case len(pls) == 0 && len(fails) == 1:
		return "", fails[0]
	}
	t.Fatalf("Place(count 1) = %d placements, %d failures, want one in all", len(pls), len(fails))
	return "", Failure{}
}
