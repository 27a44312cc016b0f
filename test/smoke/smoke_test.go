package smoke

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBoto3AndAWSCLI starts the real binary and runs smoke_boto3.py against it.
func TestBoto3AndAWSCLI(t *testing.T) {
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 with boto3 is required in CI: %v", err)
		}
		t.Skipf("SKIPPING the boto3/aws CLI smoke test: python3 with boto3 is not installed (%v)", err)
	}
	bin := buildBerth(t)
	dataDir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	srv := exec.CommandContext(ctx, bin, "server", "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--log-level", "warn")
	srv.Env = append(os.Environ(), "BERTH_ACCESS_KEY_ID=AKIDSMOKE", "BERTH_SECRET_ACCESS_KEY=smoke-secret")
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = srv.Process.Signal(os.Interrupt)
		_ = srv.Wait()
	})
	endpoint := readEndpoint(t, stdout)

	script := exec.CommandContext(ctx, "python3", "smoke_boto3.py")
	script.Env = append(os.Environ(),
		"BERTH_ENDPOINT="+endpoint,
		"AWS_ACCESS_KEY_ID=AKIDSMOKE",
		"AWS_SECRET_ACCESS_KEY=smoke-secret",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
	)
	out, err := script.CombinedOutput()
	t.Logf("smoke_boto3.py:\n%s", out)
	if err != nil {
		t.Fatalf("smoke_boto3.py failed: %v", err)
	}
}

func buildBerth(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "berth")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/berth-io/berth/cmd/berth")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// readEndpoint scans the server's stdout for the "endpoint:" line it prints once listening.
func readEndpoint(t *testing.T, r interface{ Read([]byte) (int, error) }) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "endpoint:"); ok {
				found <- strings.TrimSpace(v)
				break
			}
		}
		for sc.Scan() {
		}
	}()
	select {
	case ep := <-found:
		return ep
	case <-time.After(60 * time.Second):
		t.Fatal("berth server printed no endpoint within 60s")
		return ""
	}
}
