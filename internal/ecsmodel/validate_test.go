package ecsmodel

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateRequests(t *testing.T) {
	cases := []struct {
		name string
		req  interface{ Validate() error }
		want []string // substrings of the problems, in order; nil means valid
	}{
		{"valid run task", &RunTaskRequest{TaskDefinition: "sleep360:1"}, nil},
		{"missing task definition", &RunTaskRequest{}, []string{"Value null at 'taskDefinition' failed to satisfy constraint: Member must not be null"}},
		{"bad launch type", &RunTaskRequest{TaskDefinition: "x", LaunchType: "MOON"}, []string{"Value 'MOON' at 'launchType' failed to satisfy constraint: Member must satisfy enum value set: [EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES]"}},
		{"tag key too long", &RunTaskRequest{TaskDefinition: "x", Tags: []Tag{{Key: strings.Repeat("k", 129)}}}, []string{"at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"}},
		{"tag key pattern", &TagResourceRequest{ResourceArn: "a", Tags: []Tag{{Key: "ok"}, {Key: "bad\x01"}}}, []string{"at 'tags.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern"}},
		{"too many tags", &RunTaskRequest{TaskDefinition: "x", Tags: make([]Tag, 51)}, []string{"Value '[51 items]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"}},
		{"weight out of range", &RunTaskRequest{TaskDefinition: "x", CapacityProviderStrategy: []CapacityProviderStrategyItem{{CapacityProvider: "cp", Weight: 1001}}}, []string{"Value '1001' at 'capacityProviderStrategy.1.member.weight' failed to satisfy constraint: Member must have value less than or equal to 1000"}},
		{"nested required", &RunTaskRequest{TaskDefinition: "x", Overrides: &TaskOverride{ContainerOverrides: []ContainerOverride{{Environment: []KeyValuePair{{Name: "A"}}}}}}, nil},
		{"two problems", &RunTaskRequest{LaunchType: "MOON"}, []string{"at 'launchType'", "Value null at 'taskDefinition'"}},
		{"base below range", &PutClusterCapacityProvidersRequest{Cluster: "c", CapacityProviders: []string{}, DefaultCapacityProviderStrategy: []CapacityProviderStrategyItem{{CapacityProvider: "cp", Base: -1}}}, []string{"Value '-1' at 'defaultCapacityProviderStrategy.1.member.base' failed to satisfy constraint: Member must have value greater than or equal to 0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.req.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v, want *ValidationError", err)
			}
			if len(ve.Problems) < len(tc.want) {
				t.Fatalf("got %d problems %q, want at least %d", len(ve.Problems), ve.Problems, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(ve.Problems[i], w) {
					t.Errorf("problem %d: got %q, want it to contain %q", i, ve.Problems[i], w)
				}
			}
		})
	}
}

func TestValidationErrorCount(t *testing.T) {
	err := (&ValidationError{Problems: []string{"a", "b"}}).Error()
	if want := "2 validation errors detected: a; b"; err != want {
		t.Errorf("got %q, want %q", err, want)
	}
	err = (&ValidationError{Problems: []string{"a"}}).Error()
	if want := "1 validation error detected: a"; err != want {
		t.Errorf("got %q, want %q", err, want)
	}
}
