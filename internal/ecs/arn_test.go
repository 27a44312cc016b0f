package ecs

import (
	"regexp"
	"testing"
	"time"
)

func TestAccountARNs(t *testing.T) {
	a := Account{Region: "eu-west-1", ID: "123456789012"}
	cases := []struct{ got, want string }{
		{a.ClusterARN("web"), "arn:aws:ecs:eu-west-1:123456789012:cluster/web"},
		{a.TaskARN("web", "0123456789abcdef0123456789abcdef"), "arn:aws:ecs:eu-west-1:123456789012:task/web/0123456789abcdef0123456789abcdef"},
		{a.ContainerInstanceARN("web", "ff"), "arn:aws:ecs:eu-west-1:123456789012:container-instance/web/ff"},
		{a.TaskDefinitionARN("sleep360", 7), "arn:aws:ecs:eu-west-1:123456789012:task-definition/sleep360:7"},
		{a.ContainerARN("web", "t1", "u-1"), "arn:aws:ecs:eu-west-1:123456789012:container/web/t1/u-1"},
		{a.CapacityProviderARN("cp"), "arn:aws:ecs:eu-west-1:123456789012:capacity-provider/cp"},
	}
	for _, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
}

func TestParseARN(t *testing.T) {
	cases := []struct {
		in   string
		want ARN
		ok   bool
	}{
		{"arn:aws:ecs:us-east-1:1:task/c/abc", ARN{"aws", "us-east-1", "1", "task", "c/abc"}, true},
		{"arn:aws-cn:ecs:cn-north-1:1:cluster/x", ARN{"aws-cn", "cn-north-1", "1", "cluster", "x"}, true},
		{"arn:aws:s3:::bucket/key", ARN{}, false},
		{"arn:aws:ecs:us-east-1:1:cluster", ARN{}, false},
		{"default", ARN{}, false},
		{"arn:aws:ecs:us-east-1:1:/x", ARN{}, false},
	}
	for _, tc := range cases {
		got, ok := ParseARN(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("ParseARN(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if ok && got.String() != tc.in {
			t.Errorf("ParseARN(%q).String() = %q, want the input back", tc.in, got.String())
		}
	}
}

func TestIDs(t *testing.T) {
	id := NewID()
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(id) {
		t.Errorf("got id %q, want 32 lower-case hex characters", id)
	}
	if NewID() == id {
		t.Errorf("got the same id twice")
	}
	u := NewUUID()
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(u) {
		t.Errorf("got uuid %q, want a version 4 UUID", u)
	}
	if got := LastSegment("arn:aws:ecs:r:a:task/c/id1"); got != "id1" {
		t.Errorf("got %q, want id1", got)
	}
}

func TestTimeOrderedIDs(t *testing.T) {
	t0 := time.UnixMilli(1795447019736)
	cases := []struct {
		name         string
		first, later time.Time
	}{
		{"same millisecond", t0, t0},
		{"one millisecond later", t0, t0.Add(time.Millisecond)},
		{"a year later", t0, t0.AddDate(1, 0, 0)},
	}
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := NewTimeOrderedID(tc.first), NewTimeOrderedID(tc.later)
			for _, id := range []string{a, b} {
				if !hex32.MatchString(id) {
					t.Errorf("got id %q, want 32 lower-case hex characters", id)
				}
			}
			if a == b {
				t.Fatalf("got the same id %q twice", a)
			}
			if got, want := a[:12], "01a208fb58d8"; got != want && tc.first == t0 {
				t.Errorf("got time prefix %q, want %q (Unix ms %d in hex)", got, want, t0.UnixMilli())
			}
			if tc.later.After(tc.first) && !(a < b) {
				t.Errorf("got %q not before %q, want ids made later to sort later", a, b)
			}
		})
	}
}
