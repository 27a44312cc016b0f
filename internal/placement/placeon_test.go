package placement

import (
	"slices"
	"testing"
)

func TestPlaceOn(t *testing.T) {
	c := newCluster(t,
		instance("ok", withRemaining(4096, 1024)),
		instance("drain", withStatus("DRAINING")),
		instance("gone", withStatus("INACTIVE")),
		instance("agent", withDisconnected()),
		instance("small", withRemaining(4096, 100)),
		instance("nocap"),
		instance("cp", withProvider("other"), withType("m5.large")),
	)
	// Constraints, strategies and the capacity provider do not apply.
	d := task(requires(Attribute{Name: "ecs.os-type", Value: "linux"}),
		memberOf(mustExpr(t, "attribute:ecs.instance-type == t2.micro")), distinct(), strategies("binpack memory"))
	ids := []string{idOf("ok"), idOf("drain"), idOf("gone"), idOf("agent"), idOf("small"), "nosuchid", idOf("ok"), idOf("ok"), idOf("cp")}
	pls, fails := c.PlaceOn(d, ids)
	var placed []string
	for _, p := range pls {
		placed = append(placed, nameOf(p.InstanceID))
	}
	if want := []string{"ok", "ok", "cp"}; !slices.Equal(placed, want) {
		t.Errorf("placed on %v, want %v", placed, want)
	}
	want := []Failure{
		{arnOf("drain"), ReasonInactive}, {arnOf("gone"), ReasonInactive}, {arnOf("agent"), ReasonAgent},
		{arnOf("small"), ReasonMemory}, {"nosuchid", ReasonMissing}, {arnOf("ok"), ReasonMemory},
	}
	if !slices.Equal(fails, want) {
		t.Errorf("failures = %v, want %v", fails, want)
	}
	// An attribute the instance lacks.
	_, fails = c.PlaceOn(task(requires(Attribute{Name: "ecs.capability.efs"})), []string{idOf("nocap")})
	if len(fails) != 1 || fails[0] != (Failure{arnOf("nocap"), ReasonAttribute}) {
		t.Errorf("failures = %v, want ATTRIBUTE for nocap", fails)
	}
}
