package cli

import (
	"os"
	"strings"
	"testing"
)

func TestProfiles(t *testing.T) {
	isolateEnv(t)
	f := newFakeECS(t, answers(map[string]string{"ListClusters": `{"clusterArns":["c"]}`}))
	config := "[profile berth]\nregion = " + testRegion + "\nendpoint_url = " + f.srv.URL + "\n"
	creds := "[berth]\naws_access_key_id = " + testAccessKey + "\naws_secret_access_key = " + testSecret + "\n"
	if err := os.WriteFile(os.Getenv("AWS_CONFIG_FILE"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_REGION", "")
	t.Setenv(envAccessKey, "")
	t.Setenv(envSecretKey, "")

	res := runCLI(t, nil, "list-clusters", "--profile", "berth", "--output", "text")
	if res.code != 0 || res.stdout != "CLUSTERARNS\tc\n" {
		t.Errorf("--profile berth: got %d %q %q, want 0 and the cluster", res.code, res.stdout, res.stderr)
	}
	t.Setenv("AWS_PROFILE", "berth")
	if res := runCLI(t, nil, "list-clusters"); res.code != 0 {
		t.Errorf("AWS_PROFILE=berth: got %d %q, want 0", res.code, res.stderr)
	}
	res = runCLI(t, nil, "list-clusters", "--profile", "nope")
	if res.code != exitConfig || !strings.Contains(res.stderr, "The config profile (nope) could not be found") {
		t.Errorf("--profile nope: got %d %q, want %d", res.code, res.stderr, exitConfig)
	}
	if calls := len(f.recorded()); calls != 2 {
		t.Errorf("requests: got %d, want 2", calls)
	}
}
