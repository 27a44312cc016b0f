package logscli

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/berth-io/berth/internal/logsapi/logsapitest"
)

// TestConfigErrorWords checks the words and exit code `berth logs` gives
// the configuration errors package clientconfig reports; none of them
// makes a request, so the endpoint need not listen.
func TestConfigErrorWords(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.pem")
	tests := []struct {
		name    string
		args    []string
		setenv  map[string]string
		wantErr string
	}{
		{name: "bad endpoint", args: []string{"--endpoint-url", "127.0.0.1:8080", "one"},
			wantErr: `Bad endpoint "127.0.0.1:8080": it must be of the form http://<hostname>/ or https://<hostname>/` + "\n"},
		{name: "bad BERTH_ENDPOINT", args: []string{"one"}, setenv: map[string]string{envEndpoint: "ftp://127.0.0.1/"},
			wantErr: `Bad endpoint "ftp://127.0.0.1/": it must be of the form http://<hostname>/ or https://<hostname>/` + "\n"},
		{name: "no region", args: []string{"one"}, setenv: map[string]string{"AWS_REGION": ""},
			wantErr: "You must specify a region with --region, AWS_REGION or the profile's region.\n"},
		{name: "profile not found", args: []string{"--profile", "nope", "one"},
			wantErr: "The config profile (nope) could not be found\n"},
		{name: "CA bundle without PEM", args: []string{"--ca-bundle", "/dev/null", "one"},
			wantErr: "The CA bundle /dev/null holds no PEM certificate\n"},
		{name: "no endpoint", args: []string{"one"}, setenv: map[string]string{envEndpoint: ""},
			wantErr: "No berth endpoint: set --endpoint-url or BERTH_ENDPOINT (e.g. http://127.0.0.1:8080/).\n"},
		{name: "CA bundle missing", args: []string{"--ca-bundle", missing, "one"},
			wantErr: "Unable to read the CA bundle " + missing + ": open " + missing + ": no such file or directory\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			useEnv(t, &logsapitest.Env{URL: "http://127.0.0.1:1/"})
			for k, v := range tc.setenv {
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			code := Main(context.Background(), tc.args, &stdout, &stderr)
			if code != exitConfig || stderr.String() != tc.wantErr || stdout.Len() != 0 {
				t.Errorf("got %d %q %q, want %d %q and no output", code, stderr.String(), stdout.String(), exitConfig, tc.wantErr)
			}
		})
	}
}
