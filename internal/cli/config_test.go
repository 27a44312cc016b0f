package cli

import (
	"path/filepath"
	"testing"
)

// TestConfigErrors checks the exit codes and words `berth ecs` gives the
// configuration errors package clientconfig reports, before any request.
func TestConfigErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.pem")
	tests := []struct {
		name     string
		args     []string
		setenv   map[string]string
		wantCode int
		wantErr  string
	}{
		{name: "bad --endpoint-url", args: []string{"list-clusters", "--endpoint-url", "127.0.0.1:8080"}, wantCode: exitUsage,
			wantErr: `Bad value for --endpoint-url "127.0.0.1:8080": scheme is missing. Must be of the form http://<hostname>/ or https://<hostname>/`},
		{name: "bad BERTH_ENDPOINT", args: []string{"list-clusters"}, setenv: map[string]string{envEndpoint: "localhost"}, wantCode: exitUsage,
			wantErr: `Bad value for --endpoint-url "localhost": scheme is missing. Must be of the form http://<hostname>/ or https://<hostname>/`},
		{name: "CA bundle missing", args: []string{"list-clusters", "--ca-bundle", missing}, wantCode: exitConfig,
			wantErr: "Unable to read the CA bundle " + missing + ": open " + missing + ": no such file or directory"},
		{name: "CA bundle without PEM", args: []string{"list-clusters", "--ca-bundle", "/dev/null"}, wantCode: exitConfig,
			wantErr: "The CA bundle /dev/null holds no PEM certificate"},
		{name: "bad AWS_MAX_ATTEMPTS", args: []string{"list-clusters"}, setenv: map[string]string{"AWS_MAX_ATTEMPTS": "many"}, wantCode: exitConfig,
			wantErr: "Invalid AWS configuration: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolateEnv(t)
			for k, v := range tt.setenv {
				t.Setenv(k, v)
			}
			res := runCLI(t, nil, tt.args...)
			if res.code != tt.wantCode || len(res.stderr) < len(tt.wantErr) || res.stderr[:len(tt.wantErr)] != tt.wantErr {
				t.Errorf("got %d %q, want %d and stderr starting %q", res.code, res.stderr, tt.wantCode, tt.wantErr)
			}
		})
	}
}

func TestECSEndpoint(t *testing.T) {
	tests := []struct{ region, want string }{
		{"us-east-1", "https://ecs.us-east-1.amazonaws.com/"},
		{"cn-north-1", "https://ecs.cn-north-1.amazonaws.com.cn/"},
	}
	for _, tt := range tests {
		if got := ecsEndpoint(tt.region); got != tt.want {
			t.Errorf("ecsEndpoint(%q): got %q, want %q", tt.region, got, tt.want)
		}
	}
}
