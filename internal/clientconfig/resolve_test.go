package clientconfig

import (
	"net/http"
	"testing"
)

func TestResolveRegion(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		env  map[string]string
		want string
	}{
		{name: "--region beats everything", opts: Options{Region: "ap-south-1", Profile: "berth", DefaultRegion: "us-east-1"},
			env: map[string]string{"AWS_REGION": "us-west-1", "AWS_DEFAULT_REGION": "us-west-2"}, want: "ap-south-1"},
		{name: "AWS_REGION beats AWS_DEFAULT_REGION", opts: Options{Profile: "berth"},
			env: map[string]string{"AWS_REGION": "us-west-1", "AWS_DEFAULT_REGION": "us-west-2"}, want: "us-west-1"},
		{name: "AWS_DEFAULT_REGION beats the profile", opts: Options{Profile: "berth"},
			env: map[string]string{"AWS_DEFAULT_REGION": "us-west-2"}, want: "us-west-2"},
		{name: "the profile of --profile", opts: Options{Profile: "berth", DefaultRegion: "us-east-1"}, want: "eu-west-3"},
		{name: "the profile of AWS_PROFILE", env: map[string]string{"AWS_PROFILE": "berth"}, want: "eu-west-3"},
		{name: "the default last", opts: Options{Profile: "regionless", DefaultRegion: "us-east-1"}, want: "us-east-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t, tt.env)
			c := resolve(t, tt.opts)
			if c.Region != tt.want || c.AWS.Region != tt.want {
				t.Errorf("region: got %q (SDK config %q), want %q", c.Region, c.AWS.Region, tt.want)
			}
		})
	}
}

func TestResolveLoadErrors(t *testing.T) {
	tests := []struct {
		name       string
		opts       Options
		env        map[string]string
		wantReason Reason
		wantMsg    string
	}{
		{name: "no region anywhere", opts: Options{Profile: "regionless"}, wantReason: NoRegion,
			wantMsg: `You must specify a region. You can also configure your region by running "aws configure", or set AWS_REGION.`},
		{name: "--profile not found", opts: Options{Profile: "nope", Region: "us-east-1"}, wantReason: ProfileNotFound,
			wantMsg: "The config profile (nope) could not be found"},
		{name: "--profile not found with the BERTH_ pair set", opts: Options{Profile: "nope", Region: "us-east-1"},
			env:        map[string]string{EnvAccessKeyID: "AKIDBERTH", EnvSecretAccessKey: "berth-secret"},
			wantReason: ProfileNotFound, wantMsg: "The config profile (nope) could not be found"},
		{name: "AWS_PROFILE not found", opts: Options{Region: "us-east-1"}, env: map[string]string{"AWS_PROFILE": "gone"},
			wantReason: ProfileNotFound, wantMsg: "The config profile (gone) could not be found"},
		{name: "unreadable AWS_CA_BUNDLE fails the SDK's loader first", opts: Options{Region: "us-east-1"},
			env: map[string]string{"AWS_CA_BUNDLE": "/nonexistent/ca.pem"}, wantReason: InvalidConfig},
		{name: "bad AWS_MAX_ATTEMPTS", opts: Options{Region: "us-east-1"},
			env: map[string]string{"AWS_MAX_ATTEMPTS": "many"}, wantReason: InvalidConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t, tt.env)
			err := resolveError(t, tt.opts)
			if err.Reason != tt.wantReason {
				t.Fatalf("reason: got %d (%v), want %d", err.Reason, err, tt.wantReason)
			}
			if tt.wantMsg != "" && err.Error() != tt.wantMsg {
				t.Errorf("message: got %q, want %q", err.Error(), tt.wantMsg)
			}
			if err.Usage() {
				t.Errorf("Usage(): got true, want false for a configuration error")
			}
			if tt.wantReason == InvalidConfig && (err.Err == nil || err.Error() != "Invalid AWS configuration: "+err.Err.Error()) {
				t.Errorf("message: got %q, want the SDK's error after %q", err.Error(), "Invalid AWS configuration: ")
			}
		})
	}
}

func TestResolveRetrySettings(t *testing.T) {
	isolate(t, map[string]string{"AWS_MAX_ATTEMPTS": "7"})
	c := resolve(t, Options{Region: "us-east-1"})
	if c.AWS.RetryMaxAttempts != 7 {
		t.Errorf("RetryMaxAttempts: got %d, want 7", c.AWS.RetryMaxAttempts)
	}
}

func TestResolveKeepsTheCallersHTTPClient(t *testing.T) {
	isolate(t, nil)
	own := &http.Client{}
	c := resolve(t, Options{Region: "us-east-1", HTTPClient: own, CABundle: "/nonexistent/ca.pem"})
	if c.HTTPClient != own {
		t.Errorf("HTTPClient: got %p, want the caller's %p", c.HTTPClient, own)
	}
}
