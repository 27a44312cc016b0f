package clientconfig

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

var (
	berthPair = map[string]string{EnvAccessKeyID: "AKIDBERTH", EnvSecretAccessKey: "berth-secret"}
	awsPair   = map[string]string{"AWS_ACCESS_KEY_ID": "AKIDAWS", "AWS_SECRET_ACCESS_KEY": "aws-secret"}
)

// merge returns one map with the entries of all of maps, later ones
// winning.
func merge(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func TestResolveCredentials(t *testing.T) {
	tests := []struct {
		name      string
		profile   string
		env       map[string]string
		wantKey   string
		wantToken string
	}{
		{name: "BERTH_ pair beats the AWS variables and --profile", profile: "berth", env: merge(berthPair, awsPair), wantKey: "AKIDBERTH"},
		{name: "BERTH_SESSION_TOKEN goes with the BERTH_ pair", env: merge(berthPair, map[string]string{EnvSessionToken: "tok"}),
			wantKey: "AKIDBERTH", wantToken: "tok"},
		{name: "half a BERTH_ pair is ignored", env: merge(awsPair, map[string]string{EnvAccessKeyID: "AKIDHALF"}), wantKey: "AKIDAWS"},
		{name: "AWS variables through the SDK chain", env: merge(awsPair, map[string]string{"AWS_SESSION_TOKEN": "awstok"}),
			wantKey: "AKIDAWS", wantToken: "awstok"},
		{name: "--profile beats the AWS variables in the SDK chain", profile: "berth", env: awsPair, wantKey: "AKIDPROFILE"},
		{name: "AWS_PROFILE's pair", env: map[string]string{"AWS_PROFILE": "regionless"}, wantKey: "AKIDREGIONLESS"},
		{name: "the BERTH_ pair spares a profile whose role has no credentials", profile: "broken", env: berthPair, wantKey: "AKIDBERTH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t, tt.env)
			c := resolve(t, Options{Profile: tt.profile, Region: "us-east-1"})
			creds, err := Retrieve(context.Background(), c.Credentials)
			if err != nil {
				t.Fatalf("Retrieve: got error %v, want none", err)
			}
			if creds.AccessKeyID != tt.wantKey || creds.SessionToken != tt.wantToken {
				t.Errorf("credentials: got %q token %q, want %q token %q", creds.AccessKeyID, creds.SessionToken, tt.wantKey, tt.wantToken)
			}
			if c.AWS.Credentials != c.Credentials {
				t.Errorf("AWS.Credentials: got %v, want Config.Credentials %v", c.AWS.Credentials, c.Credentials)
			}
		})
	}
}

func TestResolveBrokenProfileWithoutBerthPair(t *testing.T) {
	isolate(t, nil)
	err := resolveError(t, Options{Profile: "broken"})
	if err.Reason != InvalidConfig || !strings.HasPrefix(err.Error(), "Invalid AWS configuration: ") {
		t.Errorf("got reason %d %q, want %d and the SDK's error", err.Reason, err.Error(), InvalidConfig)
	}
}

func TestRetrieveFailures(t *testing.T) {
	const hint = "Unable to locate credentials. Set BERTH_ACCESS_KEY_ID and BERTH_SECRET_ACCESS_KEY, or configure AWS credentials (aws configure)."
	failing := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("no way")
	})
	keyless := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIDONLY"}, nil
	})
	tests := []struct {
		name     string
		provider aws.CredentialsProvider
		want     string
	}{
		{name: "no provider", provider: nil, want: hint},
		{name: "provider error", provider: failing, want: hint + " (no way)"},
		{name: "pair without secret", provider: keyless, want: hint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Retrieve(context.Background(), tt.provider)
			var ce *Error
			if !errors.As(err, &ce) || ce.Reason != NoCredentials || ce.Usage() {
				t.Fatalf("got %v, want a NoCredentials *Error", err)
			}
			if err.Error() != tt.want {
				t.Errorf("message: got %q, want %q", err.Error(), tt.want)
			}
		})
	}
}

func TestRetrieveFromAnEmptyChain(t *testing.T) {
	isolate(t, nil)
	c := resolve(t, Options{Region: "us-east-1"})
	_, err := Retrieve(context.Background(), c.Credentials)
	var ce *Error
	if !errors.As(err, &ce) || ce.Reason != NoCredentials || ce.Err == nil {
		t.Fatalf("got %v, want a NoCredentials *Error with the chain's error", err)
	}
	if !strings.HasPrefix(err.Error(), "Unable to locate credentials. ") {
		t.Errorf("message: got %q, want the hint first", err.Error())
	}
}

func TestEnvCredentials(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want aws.Credentials
		ok   bool
	}{
		{name: "BERTH_ pair first", env: merge(awsPair, berthPair, map[string]string{EnvSessionToken: "btok", "AWS_SESSION_TOKEN": "atok"}),
			want: aws.Credentials{AccessKeyID: "AKIDBERTH", SecretAccessKey: "berth-secret", SessionToken: "btok", Source: EnvAccessKeyID}, ok: true},
		{name: "AWS_ pair when the BERTH_ one is half set", env: merge(awsPair, map[string]string{EnvSecretAccessKey: "s", "AWS_SESSION_TOKEN": "atok"}),
			want: aws.Credentials{AccessKeyID: "AKIDAWS", SecretAccessKey: "aws-secret", SessionToken: "atok", Source: "AWS_ACCESS_KEY_ID"}, ok: true},
		{name: "an AWS id without its secret", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIDAWS"}},
		{name: "nothing", env: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := EnvCredentials(func(k string) string { return tt.env[k] })
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %+v %v, want %+v %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
