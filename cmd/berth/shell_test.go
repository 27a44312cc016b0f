package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/berth-io/berth/internal/credentials"
)

// awkwardSecrets are secrets a user may set through BERTH_SECRET_ACCESS_KEY
// that a shell would mangle unquoted.
var awkwardSecrets = []string{
	"EJ2AHpHwnUWvkKYcCMNU18ZAwayOyNLf5oTmqMrG+/9",
	`it's$HOME"quoted"`,
	"semi;colon&amp|pipe`tick`*glob?",
	"back\\slash!bang#hash~tilde",
}

// bash runs script with bash and returns its stdout.
func bash(t *testing.T, script string) string {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	out, err := exec.Command("bash", "-c", script).Output()
	if err != nil {
		t.Fatalf("bash -c %q: %v", script, err)
	}
	return string(out)
}

func TestShellQuoteRoundTrips(t *testing.T) {
	for _, s := range append([]string{"", "plain", "http://127.0.0.1:4510", "two words", "'"}, awkwardSecrets...) {
		got := bash(t, "printf %s "+shellQuote(s))
		if got != s {
			t.Errorf("printf %%s %s: got %q, want %q", shellQuote(s), got, s)
		}
	}
}

func TestWriteEnvIsValidShell(t *testing.T) {
	for _, secret := range awkwardSecrets {
		var buf bytes.Buffer
		writeEnv(&buf, "http://127.0.0.1:4510", credentials.Pair{AccessKeyID: "BERTHTEST", SecretAccessKey: secret}, "eu-west-1")
		script := "eval " + shellQuote(buf.String()) + `; printf '%s\n' "$BERTH_ENDPOINT" "$AWS_ENDPOINT_URL_ECS" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_DEFAULT_REGION"`
		got := strings.Split(strings.TrimSuffix(bash(t, script), "\n"), "\n")
		want := []string{"http://127.0.0.1:4510", "http://127.0.0.1:4510", "BERTHTEST", secret, "eu-west-1"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("after eval: got %q, want %q", got, want)
		}
		if !strings.Contains(buf.String(), "# aws_secret_access_key = "+secret+"\n") {
			t.Errorf("profile snippet: got\n%s\nwant the line %q", buf.String(), "# aws_secret_access_key = "+secret)
		}
	}
}

func TestWelcomeExportLineIsValidShell(t *testing.T) {
	for _, secret := range awkwardSecrets {
		var buf bytes.Buffer
		printWelcome(&buf, welcome{endpoint: "http://127.0.0.1:4510", region: "us-east-1", dataDir: "/tmp/with space",
			runtime: "process", keyID: "BERTHTEST", secret: secret, keyFrom: "environment", self: "berth", defaultAddr: true})
		var export string
		for _, line := range strings.Split(buf.String(), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "export ") {
				export = strings.TrimSpace(line)
			}
		}
		if export == "" {
			t.Fatalf("welcome has no export line:\n%s", buf.String())
		}
		got := bash(t, export+`; printf %s "$AWS_SECRET_ACCESS_KEY"`)
		if got != secret {
			t.Errorf("secret after %q: got %q, want %q", export, got, secret)
		}
		if want := "berth env --data-dir '/tmp/with space'"; !strings.Contains(buf.String(), want) {
			t.Errorf("welcome: got\n%s\nwant it to contain %q", buf.String(), want)
		}
	}
}

func TestClientURL(t *testing.T) {
	cases := []struct{ in, want string }{
		{"http://127.0.0.1:4510", "http://127.0.0.1:4510"},
		{"http://0.0.0.0:4510", "http://127.0.0.1:4510"},
		{"http://[::]:4510", "http://127.0.0.1:4510"},
		{"http://:4510", "http://127.0.0.1:4510"},
		{"http://10.1.2.3:80", "http://10.1.2.3:80"},
		{"http://berth.internal:4510", "http://berth.internal:4510"},
	}
	for _, c := range cases {
		if got := clientURL(c.in); got != c.want {
			t.Errorf("clientURL(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}
