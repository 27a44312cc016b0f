package cli

import "testing"

func TestKebab(t *testing.T) {
	// Expected values are botocore's xform_name(name, "-").
	tests := []struct{ in, want string }{
		{"RunTask", "run-task"},
		{"DescribeTaskDefinition", "describe-task-definition"},
		{"SubmitAttachmentStateChanges", "submit-attachment-state-changes"},
		{"enableECSManagedTags", "enable-ecs-managed-tags"},
		{"taskDefinition", "task-definition"},
		{"awsvpcConfiguration", "awsvpc-configuration"},
		{"taskARNs", "task-arns"},
		{"ipv6Address", "ipv6-address"},
		{"HTTPHeader", "http-header"},
		{"listIPv6Addresses", "list-i-pv6-addresses"},
		{"s3Bucket", "s3-bucket"},
		{"ec2InstanceId", "ec2-instance-id"},
		{"ECSAnywhere", "ecs-anywhere"},
		{"fooBARBaz", "foo-bar-baz"},
		{"a1B2", "a1-b2"},
		{"already-kebab", "already-kebab"},
	}
	for _, tt := range tests {
		if got := kebab(tt.in); got != tt.want {
			t.Errorf("kebab(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestOperationTableCoversModel(t *testing.T) {
	ops := newOperationTable()
	if got, want := len(ops), 77; got != want {
		t.Fatalf("commands: got %d, want %d", got, want)
	}
	for _, name := range []string{"run-task", "start-task", "describe-tasks", "list-tasks", "describe-task-definition", "register-container-instance"} {
		if ops[name] == nil {
			t.Errorf("command %s: missing", name)
		}
	}
	rt := ops["run-task"]
	for _, flag := range []string{"cluster", "task-definition", "count", "overrides", "placement-strategy", "enable-ecs-managed-tags", "network-configuration", "client-token"} {
		if _, ok := rt.param(flag); !ok {
			t.Errorf("run-task --%s: missing", flag)
		}
	}
	if p, _ := rt.param("task-definition"); !p.Member.Required {
		t.Errorf("run-task --task-definition: got optional, want required")
	}
}
