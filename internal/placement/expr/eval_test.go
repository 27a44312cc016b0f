package expr

import (
	"testing"
	"time"
)

func TestEval(t *testing.T) {
	t2 := target(withAttr("ecs.instance-type", "t2.micro"), withAttr("ecs.availability-zone", "us-east-1a"),
		withAttr("ecs.capability.efs", ""), withAttr("cores", "16"), withAttr("tier", "gold"))
	m5 := target(withAttr("ecs.instance-type", "mt2.large"), withAttr("cores", "4"), withEC2("i-0def"),
		withDisconnected(), withVersion("1.14.5"), withGroup("service:web", 2), withGroup("family:db", 1),
		withRegistered(time.Date(2018, 6, 17, 0, 0, 0, 0, time.UTC)))
	tests := []struct {
		name string
		expr string
		t    *box
		want bool
	}{
		{"equals", "attribute:ecs.instance-type == t2.micro", t2, true},
		{"equals other", "attribute:ecs.instance-type == t2.micro", m5, false},
		{"not equals", "attribute:ecs.instance-type != t2.micro", m5, true},
		{"equals missing attribute", "attribute:nope == x", t2, false},
		{"not equals missing attribute", "attribute:nope != x", t2, true},
		{"quoted value", `attribute:tier equals "gold"`, t2, true},
		{"name-only exists", "attribute:ecs.capability.efs exists", t2, true},
		{"name-only equals empty", "attribute:ecs.capability.efs == ''", t2, true},
		{"missing exists", "attribute:ecs.capability.efs exists", m5, false},
		{"missing not exists", "attribute:ecs.capability.efs !exists", m5, true},
		{"present not_exists", "attribute:ecs.capability.efs not_exists", t2, false},
		{"numeric greater", "attribute:cores > 8", t2, true},
		{"numeric not greater", "attribute:cores > 8", m5, false},
		{"numeric beats string order", "attribute:cores >= 10", t2, true},
		{"numeric equal by value", "attribute:cores <= 16.0", t2, true},
		{"string order", "attribute:tier > bronze", t2, true},
		{"string order less", "attribute:tier < aluminium", t2, false},
		{"ordering missing attribute", "attribute:nope < 5", t2, false},
		{"in", "attribute:ecs.availability-zone in [us-east-1b, 'us-east-1a']", t2, true},
		{"in missing", "attribute:ecs.availability-zone in [us-east-1a]", m5, false},
		{"not in missing", "attribute:ecs.availability-zone !in [us-east-1a]", m5, true},
		{"matches whole value", "attribute:ecs.instance-type =~ t2.*", t2, true},
		{"matches is anchored at start", "attribute:ecs.instance-type =~ t2.*", m5, false},
		{"matches is anchored at end", "attribute:ecs.instance-type =~ t2", t2, false},
		{"alternation stays anchored", "attribute:ecs.instance-type =~ 'x|t2.micro'", t2, true},
		{"alternation no partial", "attribute:ecs.instance-type =~ 't2|x'", t2, false},
		{"not matches", "attribute:ecs.instance-type !~ t2.*", m5, true},
		{"case-insensitive flag", "attribute:tier =~ '(?i)GOLD'", t2, true},
		{"agent connected", "agentConnected == true", t2, true},
		{"agent disconnected", "agentConnected == TRUE", m5, false},
		{"agent connected not equals", "agentConnected != true", m5, true},
		{"agent connected in", "agentConnected in [false]", m5, true},
		{"agent connected regex", "agentConnected =~ 'f.*'", m5, true},
		{"version less", "agentVersion < 1.14.6", m5, true},
		{"version patch compared numerically", "agentVersion > 1.9.0", m5, true},
		{"version equal with missing part", "agentVersion == 1.20.3.0", t2, true},
		{"version greater equal", "agentVersion >= 1.20.4", t2, false},
		{"version prerelease before release", "agentVersion > 1.20.3-rc1", t2, true},
		{"unparsable instance version", "agentVersion < 99", target(withVersion("unknown")), false},
		{"unparsable instance version not equals", "agentVersion != 99", target(withVersion("")), true},
		{"ec2 id in", "ec2InstanceId in ['i-abcd1234', i-0def]", m5, true},
		{"ec2 id regex", "ec2InstanceId =~ 'i-0a.*'", t2, true},
		{"registered before day", "registeredAt < 2018-06-18", m5, true},
		{"registered on day start", "registeredAt == 2018-06-17", m5, true},
		{"registered truncated to seconds", "registeredAt == 2018-06-18T22:28:28Z", t2, true},
		{"registered with offset", "registeredAt == 2018-06-19T00:28:28+02:00", t2, true},
		{"registered local is utc", "registeredAt <= 2018-06-18T22:28:27", t2, false},
		{"registered after", "registeredAt > 2018-06-18", t2, true},
		{"running tasks", "runningTasksCount == 3", m5, true},
		{"running tasks zero", "runningTasksCount < 1", t2, true},
		{"running tasks not equals", "runningTasksCount != 3", m5, false},
		{"task group", "task:group == service:web", m5, true},
		{"task group absent", "task:group == service:web", t2, false},
		{"task group not equals", "task:group != service:web", t2, true},
		{"task group in", "task:group in [family:x, family:db]", m5, true},
		{"task group not in", "task:group not_in [family:x, family:db]", m5, false},
		{"task group regex", "task:group =~ 'family:.*'", m5, true},
		{"task group regex none", "task:group =~ 'family:.*'", t2, false},
		{"not parens", "not(task:group == database)", t2, true},
		{"and", "attribute:cores > 8 and agentConnected == true", t2, true},
		{"and false", "attribute:cores > 8 && agentConnected == true", m5, false},
		{"or", "attribute:cores > 8 or agentConnected == false", m5, true},
		{"and binds tighter than or", "attribute:tier exists || attribute:cores > 8 && attribute:nope exists", t2, true},
		{"parens override", "(attribute:tier exists || attribute:cores > 8) && attribute:nope exists", t2, false},
		{"not binds tighter than and", "!attribute:nope exists and attribute:tier exists", t2, true},
		{"not of group", "not (attribute:tier exists and attribute:cores < 8)", t2, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Parse(tc.expr)
			if err != nil {
				t.Fatalf("Parse(%q) error %v", tc.expr, err)
			}
			if got := e.Eval(tc.t); got != tc.want {
				t.Errorf("Eval(%q) = %v, want %v", tc.expr, got, tc.want)
			}
		})
	}
}
