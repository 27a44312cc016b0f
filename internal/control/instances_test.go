package control_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/ecstest"
)

var instanceARN = regexp.MustCompile(`^arn:aws:ecs:us-east-1:123456789012:container-instance/default/[0-9a-f]{32}$`)

func TestRegisterContainerInstance(t *testing.T) {
	e := newEnv(t)
	ci := e.registerInstance(ecstest.Identity("i-0abc", "us-east-1b"))

	if !instanceARN.MatchString(ci.ContainerInstanceArn) {
		t.Errorf("got ARN %s, want %s", ci.ContainerInstanceArn, instanceARN)
	}
	if ci.Status != "ACTIVE" || !ci.AgentConnected || ci.Version != 1 || ci.Ec2InstanceId != "i-0abc" || !ci.RegisteredAt.Equal(t0.Truncate(1e6)) {
		t.Errorf("got status %s agentConnected %v version %d ec2InstanceId %s registeredAt %v, want ACTIVE true 1 i-0abc %v",
			ci.Status, ci.AgentConnected, ci.Version, ci.Ec2InstanceId, ci.RegisteredAt, t0)
	}
	for name, want := range map[string]string{
		"ecs.availability-zone": "us-east-1b",
		"ecs.instance-type":     ecstest.DefaultInstanceType,
		"ecs.ami-id":            "ami-0123456789abcdef0",
		"ecs.cpu-architecture":  "x86_64",
		"ecs.os-type":           "linux",
		"com.amazonaws.ecs.capability.docker-remote-api.1.44": "",
	} {
		if got, ok := attribute(ci.Attributes, name); !ok || got != want {
			t.Errorf("attribute %s: got %q (present %v), want %q", name, got, ok, want)
		}
	}
	if !slices.IsSortedFunc(ci.Attributes, func(a, b ecsmodel.Attribute) int { return strings.Compare(a.Name, b.Name) }) {
		t.Errorf("got attributes %+v, want them sorted by name", ci.Attributes)
	}
	if ci.VersionInfo == nil || ci.VersionInfo.AgentVersion != ecstest.DefaultAgentVersion {
		t.Errorf("got versionInfo %+v, want agent %s", ci.VersionInfo, ecstest.DefaultAgentVersion)
	}
	for _, rs := range [][]ecsmodel.Resource{ci.RegisteredResources, ci.RemainingResources} {
		if r := resource(t, rs, "CPU"); r.Type != "INTEGER" || r.IntegerValue != 2048 {
			t.Errorf("got CPU %+v, want INTEGER 2048", r)
		}
		if r := resource(t, rs, "MEMORY"); r.IntegerValue != 3943 {
			t.Errorf("got MEMORY %+v, want 3943", r)
		}
		if r := resource(t, rs, "PORTS"); !slices.Equal(r.StringSetValue, []string{"22", "2375", "2376", "51678", "51679"}) {
			t.Errorf("got PORTS %v, want the agent's reserved ports", r.StringSetValue)
		}
	}
	b, err := json.Marshal(ci)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`{"doubleValue":0,"integerValue":2048,"longValue":0,"name":"CPU","type":"INTEGER"}`,
		`{"doubleValue":0,"integerValue":0,"longValue":0,"name":"PORTS_UDP","stringSetValue":[],"type":"STRINGSET"}`,
		`"runningTasksCount":0`, `"pendingTasksCount":0`, `"agentConnected":true`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("got JSON %s, want it to contain %s", b, want)
		}
	}
}

func TestRegisterContainerInstanceErrors(t *testing.T) {
	badPorts := func(ports ...string) ecstest.InstanceOption {
		return ecstest.Resources(ecsmodel.Resource{Name: "PORTS", Type: "STRINGSET", StringSetValue: ports})
	}
	var many []string
	for p := range 101 {
		many = append(many, fmt.Sprint(1000+p))
	}
	other := "arn:aws:ecs:us-east-1:123456789012:container-instance/other/0123456789abcdef0123456789abcdef"
	tests := []struct {
		name string
		opts []ecstest.InstanceOption
		code string
	}{
		{"unknown cluster", []ecstest.InstanceOption{ecstest.OnCluster("nope")}, ecs.CodeClusterNotFound},
		{"cluster ARN of another region", []ecstest.InstanceOption{ecstest.OnCluster("arn:aws:ecs:eu-west-1:123456789012:cluster/default")}, ecs.CodeClusterNotFound},
		{"CPU as STRINGSET", []ecstest.InstanceOption{ecstest.Resources(ecsmodel.Resource{Name: "CPU", Type: "STRINGSET"})}, ecs.CodeInvalidParameter},
		{"negative MEMORY", []ecstest.InstanceOption{ecstest.InstanceMemory(-1)}, ecs.CodeInvalidParameter},
		{"port not a number", []ecstest.InstanceOption{badPorts("ssh")}, ecs.CodeInvalidParameter},
		{"port 0", []ecstest.InstanceOption{badPorts("0")}, ecs.CodeInvalidParameter},
		{"port 65536", []ecstest.InstanceOption{badPorts("65536")}, ecs.CodeInvalidParameter},
		{"101 reserved ports", []ecstest.InstanceOption{badPorts(many...)}, ecs.CodeInvalidParameter},
		{"resource twice", []ecstest.InstanceOption{ecstest.Resources(ecsmodel.Resource{Name: "CPU", Type: "INTEGER"}, ecsmodel.Resource{Name: "CPU", Type: "INTEGER"})}, ecs.CodeInvalidParameter},
		{"resource without a name", []ecstest.InstanceOption{ecstest.Resources(ecsmodel.Resource{Type: "INTEGER"})}, ecs.CodeInvalidParameter},
		{"attribute name with a space", []ecstest.InstanceOption{ecstest.InstanceAttribute("bad name", "")}, ecs.CodeInvalidParameter},
		{"attribute name of 129 characters", []ecstest.InstanceOption{ecstest.InstanceAttribute(strings.Repeat("a", 129), "")}, ecs.CodeInvalidParameter},
		{"attribute value with a leading space", []ecstest.InstanceOption{ecstest.InstanceAttribute("a", " v")}, ecs.CodeInvalidParameter},
		{"attribute value with a bad character", []ecstest.InstanceOption{ecstest.InstanceAttribute("a", "v*")}, ecs.CodeInvalidParameter},
		{"attribute value of 129 characters", []ecstest.InstanceOption{ecstest.InstanceAttribute("a", strings.Repeat("v", 129))}, ecs.CodeInvalidParameter},
		{"identity document not JSON", []ecstest.InstanceOption{func(r *ecsmodel.RegisterContainerInstanceRequest) { r.InstanceIdentityDocument = "{" }}, ecs.CodeInvalidParameter},
		{"GPU id twice", []ecstest.InstanceOption{ecstest.GPUs("GPU-1", "GPU-1")}, ecs.CodeInvalidParameter},
		{"GPU without id", []ecstest.InstanceOption{ecstest.GPUs("")}, ecs.CodeInvalidParameter},
		{"aws: tag", []ecstest.InstanceOption{ecstest.InstanceTags(ecstest.Tags("aws:x", "y")...)}, ecs.CodeInvalidParameter},
		{"unknown containerInstanceArn", []ecstest.InstanceOption{ecstest.ReRegister(account.ContainerInstanceARN("default", "0123456789abcdef0123456789abcdef"))}, ecs.CodeInvalidParameter},
		{"containerInstanceArn of another cluster", []ecstest.InstanceOption{ecstest.ReRegister(other)}, ecs.CodeInvalidParameter},
		{"no resources at all", []ecstest.InstanceOption{ecstest.Resources()}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			_, err := e.svc.RegisterContainerInstance(e.ctx, ecstest.RegisterInstance(tc.opts...))
			wantCode(t, err, tc.code)
		})
	}
}

func TestRegisterContainerInstanceExtras(t *testing.T) {
	e := newEnv(t)
	ci := e.registerInstance(ecstest.GPUs("GPU-b", "GPU-a"), ecstest.CapacityProvider("spot"), ecstest.NoIdentity(),
		ecstest.InstanceTags(ecstest.Tags("rack", "r1")...))
	if got := resource(t, ci.RegisteredResources, "GPU"); got.Type != "STRINGSET" || !slices.Equal(got.StringSetValue, []string{"GPU-a", "GPU-b"}) {
		t.Errorf("got registered GPU %+v, want STRINGSET [GPU-a GPU-b]", got)
	}
	if got := resource(t, ci.RemainingResources, "GPU"); !slices.Equal(got.StringSetValue, []string{"GPU-a", "GPU-b"}) {
		t.Errorf("got remaining GPU %+v, want both free", got)
	}
	if ci.CapacityProviderName != "spot" {
		t.Errorf("got capacityProviderName %q, want spot", ci.CapacityProviderName)
	}
	if _, ok := attribute(ci.Attributes, "berth.capacity-provider"); ok {
		t.Errorf("got attribute berth.capacity-provider kept, want it moved to capacityProviderName")
	}
	if ci.Ec2InstanceId != "" {
		t.Errorf("got ec2InstanceId %q without identity document, want none", ci.Ec2InstanceId)
	}
	if v, _ := tagValue(e.describeInstance("", ci.ContainerInstanceArn).Tags, "rack"); v != "r1" {
		t.Errorf("got tag rack=%q, want r1", v)
	}
}

// listInstances pages through ListContainerInstances.
func (e *env) listInstances(t *testing.T, req ecsmodel.ListContainerInstancesRequest) []string {
	t.Helper()
	var arns []string
	for {
		out, err := e.svc.ListContainerInstances(e.ctx, &req)
		if err != nil {
			t.Fatalf("ListContainerInstances: %v", err)
		}
		arns = append(arns, out.ContainerInstanceArns...)
		if req.NextToken = out.NextToken; req.NextToken == "" {
			return arns
		}
	}
}

func TestRegistrationIsIdempotentPerEC2Instance(t *testing.T) {
	e := newEnv(t)
	first := e.registerInstance(ecstest.Identity("i-1", "us-east-1a"))
	again := e.registerInstance(ecstest.Identity("i-1", "us-east-1a"), ecstest.InstanceCPU(4096))
	if again.ContainerInstanceArn != first.ContainerInstanceArn || again.Version != 2 {
		t.Fatalf("got %s version %d, want %s version 2", again.ContainerInstanceArn, again.Version, first.ContainerInstanceArn)
	}
	if got := resource(t, again.RemainingResources, "CPU").IntegerValue; got != 4096 {
		t.Errorf("got remaining CPU %d, want the new 4096", got)
	}
	e.registerInstance(ecstest.Identity("i-2", "us-east-1a"))
	e.registerInstance(ecstest.NoIdentity())
	e.registerInstance(ecstest.NoIdentity())
	if got := e.listInstances(t, ecsmodel.ListContainerInstancesRequest{}); len(got) != 4 {
		t.Errorf("got %d instances, want 4 (i-1 once, i-2, two without identity)", len(got))
	}

	_, err := e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{ContainerInstance: first.ContainerInstanceArn})
	wantCode(t, err, "")
	fresh := e.registerInstance(ecstest.Identity("i-1", "us-east-1a"))
	if fresh.ContainerInstanceArn == first.ContainerInstanceArn || fresh.Version != 1 {
		t.Errorf("got %s version %d after deregistration, want a new instance", fresh.ContainerInstanceArn, fresh.Version)
	}
	_, err = e.svc.RegisterContainerInstance(e.ctx, ecstest.RegisterInstance(ecstest.ReRegister(first.ContainerInstanceArn)))
	wantCode(t, err, ecs.CodeClient)
}

func TestReRegisterByARN(t *testing.T) {
	e := newEnv(t)
	ci := e.registerInstance(ecstest.InstanceTags(ecstest.Tags("a", "1")...))
	id := ecs.LastSegment(ci.ContainerInstanceArn)
	_, err := e.svc.PutAttributes(e.ctx, &ecsmodel.PutAttributesRequest{Attributes: []ecsmodel.Attribute{{Name: "stack", Value: "prod", TargetId: id, TargetType: "container-instance"}}})
	wantCode(t, err, "")
	_, err = e.svc.UpdateContainerInstancesState(e.ctx, &ecsmodel.UpdateContainerInstancesStateRequest{ContainerInstances: []string{id}, Status: "DRAINING"})
	wantCode(t, err, "")

	out, err := e.svc.RegisterContainerInstance(e.ctx, ecstest.RegisterInstance(
		ecstest.ReRegister(ci.ContainerInstanceArn), ecstest.Identity("i-new", "us-east-1c"), ecstest.InstanceMemory(8000),
		ecstest.AgentVersion("1.90.0"), ecstest.InstanceTags(ecstest.Tags("b", "2")...)))
	wantCode(t, err, "")
	re := out.ContainerInstance
	if re.ContainerInstanceArn != ci.ContainerInstanceArn || re.Status != "DRAINING" || re.Version != 3 || !re.RegisteredAt.Equal(ci.RegisteredAt.Time) {
		t.Errorf("got %s %s version %d registeredAt %v, want the same instance, still DRAINING, version 3, original registeredAt",
			re.ContainerInstanceArn, re.Status, re.Version, re.RegisteredAt)
	}
	if v, _ := attribute(re.Attributes, "stack"); v != "prod" {
		t.Errorf("got custom attribute stack=%q, want prod kept", v)
	}
	if v, _ := attribute(re.Attributes, "ecs.availability-zone"); v != "us-east-1c" {
		t.Errorf("got zone %q, want the new us-east-1c", v)
	}
	if re.VersionInfo.AgentVersion != "1.90.0" || resource(t, re.RegisteredResources, "MEMORY").IntegerValue != 8000 {
		t.Errorf("got agent %s memory %d, want 1.90.0 and 8000", re.VersionInfo.AgentVersion, resource(t, re.RegisteredResources, "MEMORY").IntegerValue)
	}
	d := e.describeInstance("default", id)
	if _, ok := tagValue(d.Tags, "a"); !ok {
		t.Errorf("got tags %+v, want a kept", d.Tags)
	}
	if _, ok := tagValue(d.Tags, "b"); !ok {
		t.Errorf("got tags %+v, want b added", d.Tags)
	}
}

func TestDeregisterContainerInstance(t *testing.T) {
	e := newEnv(t)
	e.createCluster("other")
	ci := e.registerInstance()
	id := ecs.LastSegment(ci.ContainerInstanceArn)

	for _, tc := range []struct {
		name, cluster, ref string
		code               string
	}{
		{"unknown id", "", "0123456789abcdef0123456789abcdef", ecs.CodeInvalidParameter},
		{"ARN of another cluster", "other", ci.ContainerInstanceArn, ecs.CodeInvalidParameter},
		{"unknown cluster", "nope", id, ecs.CodeClusterNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{Cluster: tc.cluster, ContainerInstance: tc.ref})
			wantCode(t, err, tc.code)
		})
	}

	e.register()
	task := e.run().Tasks[0]
	_, err := e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{ContainerInstance: id})
	wantError(t, err, ecs.CodeInvalidParameter, "Found running tasks on the instance.")
	e.stopTask("", task.TaskArn) // still stopping (PENDING): it has not stopped
	_, err = e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{ContainerInstance: id, Force: ptr(false)})
	wantCode(t, err, ecs.CodeInvalidParameter)

	out, err := e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{ContainerInstance: id, Force: ptr(true)})
	wantCode(t, err, "")
	if out.ContainerInstance.Status != "INACTIVE" || out.ContainerInstance.AgentConnected || out.ContainerInstance.Version != 2 {
		t.Errorf("got %s agentConnected %v version %d, want INACTIVE false 2", out.ContainerInstance.Status, out.ContainerInstance.AgentConnected, out.ContainerInstance.Version)
	}
	if got := e.describeInstance("", id).Status; got != "INACTIVE" {
		t.Errorf("got described status %s, want INACTIVE", got)
	}
	if got := e.describeTask("", task.TaskArn); got.LastStatus != "STOPPED" || got.DesiredStatus != "STOPPED" || got.StopCode != "UserInitiated" {
		t.Errorf("got task %s/%s stop code %s after forced deregistration, want STOPPED/STOPPED, the stop code kept", got.LastStatus, got.DesiredStatus, got.StopCode)
	}
	if got := e.listInstances(t, ecsmodel.ListContainerInstancesRequest{}); len(got) != 0 {
		t.Errorf("got %v listed, want deregistered instances left out", got)
	}
	again, err := e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{ContainerInstance: ci.ContainerInstanceArn})
	wantCode(t, err, "")
	if again.ContainerInstance.Version != 2 {
		t.Errorf("got version %d deregistering again, want 2 (no change)", again.ContainerInstance.Version)
	}
}

func TestDescribeContainerInstances(t *testing.T) {
	e := newEnv(t)
	a := e.registerInstance(ecstest.InstanceTags(ecstest.Tags("k", "v")...))
	b := e.registerInstance()
	idA, idB := ecs.LastSegment(a.ContainerInstanceArn), ecs.LastSegment(b.ContainerInstanceArn)
	missing := "0123456789abcdef0123456789abcdef"
	short := "arn:aws:ecs:us-east-1:123456789012:container-instance/" + idB

	out, err := e.svc.DescribeContainerInstances(e.ctx, &ecsmodel.DescribeContainerInstancesRequest{
		ContainerInstances: []string{idA, short, missing, "bad id!"},
	})
	wantCode(t, err, "")
	if len(out.ContainerInstances) != 2 || out.ContainerInstances[0].ContainerInstanceArn != a.ContainerInstanceArn || out.ContainerInstances[1].ContainerInstanceArn != b.ContainerInstanceArn {
		t.Fatalf("got %+v, want a then b", out.ContainerInstances)
	}
	if out.ContainerInstances[0].Tags != nil {
		t.Errorf("got tags %+v without include, want none", out.ContainerInstances[0].Tags)
	}
	wantFailures := []ecsmodel.Failure{
		{Arn: account.ContainerInstanceARN("default", missing), Reason: "MISSING"},
		{Arn: account.ContainerInstanceARN("default", "bad id!"), Reason: "MISSING"},
	}
	if !slices.Equal(out.Failures, wantFailures) {
		t.Errorf("got failures %+v, want %+v", out.Failures, wantFailures)
	}
	if v, _ := tagValue(e.describeInstance("default", idA).Tags, "k"); v != "v" {
		t.Errorf("got no tag k=v with include TAGS")
	}
	health, err := e.svc.DescribeContainerInstances(e.ctx, &ecsmodel.DescribeContainerInstancesRequest{
		ContainerInstances: []string{idA}, Include: []ecsmodel.ContainerInstanceField{"CONTAINER_INSTANCE_HEALTH"},
	})
	wantCode(t, err, "")
	if hs := health.ContainerInstances[0].HealthStatus; hs == nil || hs.OverallStatus != "INSUFFICIENT_DATA" {
		t.Errorf("got health %+v with include CONTAINER_INSTANCE_HEALTH, want INSUFFICIENT_DATA", hs)
	}
	if out.ContainerInstances[0].HealthStatus != nil {
		t.Errorf("got health %+v without include, want none", out.ContainerInstances[0].HealthStatus)
	}

	var tooMany []string
	for range 101 {
		tooMany = append(tooMany, idA)
	}
	for _, tc := range []struct {
		name    string
		cluster string
		refs    []string
		code    string
	}{
		{"empty", "", []string{}, ecs.CodeInvalidParameter},
		{"101", "", tooMany, ecs.CodeInvalidParameter},
		{"100", "", tooMany[:100], ""},
		{"unknown cluster", "nope", []string{idA}, ecs.CodeClusterNotFound},
		{"ARN of another cluster", "default", []string{"arn:aws:ecs:us-east-1:123456789012:container-instance/x/" + idA}, ecs.CodeInvalidParameter},
		{"short ARN", "default", []string{"arn:aws:ecs:us-east-1:123456789012:container-instance/" + idB}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.DescribeContainerInstances(e.ctx, &ecsmodel.DescribeContainerInstancesRequest{Cluster: tc.cluster, ContainerInstances: tc.refs})
			wantCode(t, err, tc.code)
		})
	}
}

func TestListContainerInstances(t *testing.T) {
	e := newEnv(t)
	var arns []string
	for i, zone := range []string{"us-east-1a", "us-east-1b", "us-east-1a", "us-east-1c"} {
		arns = append(arns, e.registerInstance(ecstest.Identity(fmt.Sprintf("i-%d", i), zone)).ContainerInstanceArn)
	}
	old := e.registerInstance(ecstest.AgentVersion("1.10.0")).ContainerInstanceArn
	arns = append(arns, old)
	_, err := e.svc.UpdateContainerInstancesState(e.ctx, &ecsmodel.UpdateContainerInstancesStateRequest{ContainerInstances: []string{arns[1]}, Status: "DRAINING"})
	wantCode(t, err, "")
	_, err = e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{ContainerInstance: arns[2]})
	wantCode(t, err, "")

	sorted := func(s ...string) []string { s = slices.Clone(s); slices.Sort(s); return s }
	tests := []struct {
		name string
		req  ecsmodel.ListContainerInstancesRequest
		want []string
	}{
		{"default leaves out INACTIVE", ecsmodel.ListContainerInstancesRequest{}, sorted(arns[0], arns[1], arns[3], arns[4])},
		{"draining", ecsmodel.ListContainerInstancesRequest{Status: "DRAINING"}, []string{arns[1]}},
		{"active in pages of one", ecsmodel.ListContainerInstancesRequest{Status: "ACTIVE", MaxResults: ptr[int32](1)}, sorted(arns[0], arns[3], arns[4])},
		{"filter on zone", ecsmodel.ListContainerInstancesRequest{Filter: "attribute:ecs.availability-zone == us-east-1a"}, sorted(arns[0], old)},
		{"filter on zones in pages", ecsmodel.ListContainerInstancesRequest{Filter: "attribute:ecs.availability-zone in [us-east-1b, us-east-1c]", MaxResults: ptr[int32](1)}, sorted(arns[1], arns[3])},
		{"filter on agent version", ecsmodel.ListContainerInstancesRequest{Filter: "agentVersion < 1.14.5"}, []string{old}},
		{"filter on ec2InstanceId", ecsmodel.ListContainerInstancesRequest{Filter: "ec2InstanceId =~ 'i-[03]'"}, sorted(arns[0], arns[3])},
		{"registering", ecsmodel.ListContainerInstancesRequest{Status: "REGISTERING"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := e.listInstances(t, tc.req); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name string
		req  ecsmodel.ListContainerInstancesRequest
		code string
	}{
		{"bad filter", ecsmodel.ListContainerInstancesRequest{Filter: "attribute:x =="}, ecs.CodeInvalidParameter},
		{"unknown cluster", ecsmodel.ListContainerInstancesRequest{Cluster: "nope"}, ecs.CodeClusterNotFound},
		{"maxResults 101", ecsmodel.ListContainerInstancesRequest{MaxResults: ptr[int32](101)}, ecs.CodeInvalidParameter},
		{"token of another cluster", ecsmodel.ListContainerInstancesRequest{Cluster: "other", NextToken: firstPageToken(t, e)}, ecs.CodeInvalidParameter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.ListContainerInstances(e.ctx, &tc.req)
			wantCode(t, err, tc.code)
		})
	}
}

// firstPageToken creates cluster "other" and returns a nextToken of the
// default cluster's instance listing.
func firstPageToken(t *testing.T, e *env) string {
	t.Helper()
	e.createCluster("other")
	out, err := e.svc.ListContainerInstances(e.ctx, &ecsmodel.ListContainerInstancesRequest{MaxResults: ptr[int32](1)})
	wantCode(t, err, "")
	return out.NextToken
}

func TestUpdateContainerInstancesState(t *testing.T) {
	e := newEnv(t)
	a := e.registerInstance()
	b := e.registerInstance()
	gone := e.registerInstance()
	_, err := e.svc.DeregisterContainerInstance(e.ctx, &ecsmodel.DeregisterContainerInstanceRequest{ContainerInstance: gone.ContainerInstanceArn})
	wantCode(t, err, "")
	missing := "0123456789abcdef0123456789abcdef"

	out, err := e.svc.UpdateContainerInstancesState(e.ctx, &ecsmodel.UpdateContainerInstancesStateRequest{
		ContainerInstances: []string{a.ContainerInstanceArn, ecs.LastSegment(b.ContainerInstanceArn), missing, gone.ContainerInstanceArn},
		Status:             "DRAINING",
	})
	wantCode(t, err, "")
	if len(out.ContainerInstances) != 2 || out.ContainerInstances[0].Status != "DRAINING" || out.ContainerInstances[1].Status != "DRAINING" || out.ContainerInstances[0].Version != 2 {
		t.Fatalf("got %+v, want a and b DRAINING at version 2", out.ContainerInstances)
	}
	wantFailures := []ecsmodel.Failure{{Arn: account.ContainerInstanceARN("default", missing), Reason: "MISSING"}, {Arn: gone.ContainerInstanceArn, Reason: "INACTIVE"}}
	if !slices.Equal(out.Failures, wantFailures) {
		t.Errorf("got failures %+v, want %+v", out.Failures, wantFailures)
	}
	if got := e.describeInstance("", a.ContainerInstanceArn); got.Status != "DRAINING" {
		t.Errorf("got described status %s, want DRAINING", got.Status)
	}
	back, err := e.svc.UpdateContainerInstancesState(e.ctx, &ecsmodel.UpdateContainerInstancesStateRequest{ContainerInstances: []string{a.ContainerInstanceArn}, Status: "ACTIVE"})
	wantCode(t, err, "")
	if back.ContainerInstances[0].Status != "ACTIVE" || back.ContainerInstances[0].Version != 3 {
		t.Errorf("got %s version %d, want ACTIVE version 3", back.ContainerInstances[0].Status, back.ContainerInstances[0].Version)
	}
	same, err := e.svc.UpdateContainerInstancesState(e.ctx, &ecsmodel.UpdateContainerInstancesStateRequest{ContainerInstances: []string{a.ContainerInstanceArn}, Status: "ACTIVE"})
	wantCode(t, err, "")
	if same.ContainerInstances[0].Version != 3 {
		t.Errorf("got version %d setting the same status, want 3 (no change)", same.ContainerInstances[0].Version)
	}

	var eleven []string
	for range 11 {
		eleven = append(eleven, a.ContainerInstanceArn)
	}
	for _, tc := range []struct {
		name    string
		cluster string
		refs    []string
		status  ecsmodel.ContainerInstanceStatus
		code    string
	}{
		{"status REGISTERING", "", []string{a.ContainerInstanceArn}, "REGISTERING", ecs.CodeInvalidParameter},
		{"status DEREGISTERING", "", []string{a.ContainerInstanceArn}, "DEREGISTERING", ecs.CodeInvalidParameter},
		{"eleven instances", "", eleven, "ACTIVE", ecs.CodeInvalidParameter},
		{"no instances", "", []string{}, "ACTIVE", ecs.CodeInvalidParameter},
		{"unknown cluster", "nope", []string{a.ContainerInstanceArn}, "ACTIVE", ecs.CodeClusterNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.UpdateContainerInstancesState(e.ctx, &ecsmodel.UpdateContainerInstancesStateRequest{Cluster: tc.cluster, ContainerInstances: tc.refs, Status: tc.status})
			wantCode(t, err, tc.code)
		})
	}
}
