package logscli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/logsapi/logsapitest"
)

// useEnv points the berth environment variables at env and keeps the AWS
// configuration of the machine out of the test.
func useEnv(t *testing.T, env *logsapitest.Env) {
	t.Helper()
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		envEndpoint:                   env.URL,
		envAccessKey:                  logsapitest.AccessKeyID,
		envSecretKey:                  logsapitest.SecretAccessKey,
		envSessionToken:               "",
		"AWS_REGION":                  logsapitest.Region,
		"AWS_DEFAULT_REGION":          "",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             none,
		"AWS_SHARED_CREDENTIALS_FILE": none,
		"AWS_ACCESS_KEY_ID":           "",
		"AWS_SECRET_ACCESS_KEY":       "",
		"AWS_ENDPOINT_URL":            "",
		"AWS_ENDPOINT_URL_ECS":        "",
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_CA_BUNDLE":               "",
	} {
		t.Setenv(k, v)
	}
}

func TestLogsCommand(t *testing.T) {
	env := logsapitest.Start(t)
	// Both tasks write and exit, so their whole output is there once they
	// have stopped; the logs stay readable after that.
	env.RunTask(t, "one", logsapitest.Writers(t, logsapitest.Output{Name: "app", Stdout: "hello from app\n", Stderr: "app warns\n"})...)
	env.WaitStopped(t, "one")
	env.RunTask(t, "two", logsapitest.Writers(t,
		logsapitest.Output{Name: "a", Stdout: "from a\n"},
		logsapitest.Output{Name: "b", Stdout: "from b\n"})...)
	env.WaitStopped(t, "two")

	tests := []struct {
		name      string
		args      []string
		setenv    map[string]string
		wantCode  int
		wantOut   string
		wantInErr string
	}{
		{name: "task id", args: []string{"one"}, wantOut: "hello from app\napp warns\n"},
		{name: "task ARN and cluster ARN", args: []string{"--cluster", logsapitest.ClusterArn, logsapitest.TaskArn("one")},
			wantOut: "hello from app\napp warns\n"},
		{name: "container with =, options after the task", args: []string{"two", "--container=a"}, wantOut: "from a\n"},
		{name: "--endpoint-url wins over BERTH_ENDPOINT", args: []string{"--endpoint-url", env.URL, "two", "--container", "b"},
			setenv: map[string]string{envEndpoint: "http://127.0.0.1:1/"}, wantOut: "from b\n"},
		{name: "endpoint from AWS_ENDPOINT_URL_ECS", args: []string{"one"},
			setenv: map[string]string{envEndpoint: "", "AWS_ENDPOINT_URL_ECS": env.URL}, wantOut: "hello from app\napp warns\n"},
		{name: "several containers, none named", args: []string{"two"},
			wantCode: exitService, wantInErr: "(InvalidParameterException)"},
		{name: "unknown task", args: []string{"nope"}, wantCode: exitService, wantInErr: "(ResourceNotFoundException)"},
		{name: "unknown cluster", args: []string{"--cluster", "other", "one"}, wantCode: exitService, wantInErr: "(ClusterNotFoundException)"},
		{name: "wrong secret", args: []string{"one"}, setenv: map[string]string{envSecretKey: "not-the-secret"},
			wantCode: exitService, wantInErr: "(InvalidSignatureException)"},
		{name: "no endpoint", args: []string{"one"}, setenv: map[string]string{envEndpoint: ""},
			wantCode: exitConfig, wantInErr: "No berth endpoint"},
		{name: "no credentials", args: []string{"one"}, setenv: map[string]string{envAccessKey: "", envSecretKey: ""},
			wantCode: exitConfig, wantInErr: "Unable to locate credentials"},
		{name: "no region", args: []string{"one"}, setenv: map[string]string{"AWS_REGION": ""},
			wantCode: exitConfig, wantInErr: "region"},
		{name: "server not listening", args: []string{"--endpoint-url", "http://127.0.0.1:1", "one"},
			wantCode: exitOther, wantInErr: "Could not connect"},
		{name: "no task", args: []string{"--follow"}, wantCode: exitUsage, wantInErr: "task (ID or ARN) is required"},
		{name: "two tasks", args: []string{"one", "two"}, wantCode: exitUsage, wantInErr: "one task only"},
		{name: "unknown option", args: []string{"--tail", "5", "one"}, wantCode: exitUsage, wantInErr: "unknown option --tail"},
		{name: "option without its value", args: []string{"one", "--container"}, wantCode: exitUsage, wantInErr: "--container needs a value"},
		{name: "help", args: []string{"--help"}, wantOut: usageText},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			useEnv(t, env)
			for k, v := range tc.setenv {
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			code := Main(context.Background(), tc.args, &stdout, &stderr)
			if code != tc.wantCode {
				t.Fatalf("exit code: got %d, want %d (stderr %q)", code, tc.wantCode, stderr.String())
			}
			if stdout.String() != tc.wantOut {
				t.Fatalf("stdout: got %q, want %q", stdout.String(), tc.wantOut)
			}
			if !strings.Contains(stderr.String(), tc.wantInErr) || (tc.wantInErr == "") != (stderr.Len() == 0) {
				t.Fatalf("stderr: got %q, want it to contain %q", stderr.String(), tc.wantInErr)
			}
		})
	}
}

func TestLogsCommandFollow(t *testing.T) {
	tests := []struct {
		name      string
		end       func(t *testing.T, env *logsapitest.Env, cancel context.CancelFunc)
		wantCode  int
		wantInErr string
	}{
		{name: "container exits", end: func(t *testing.T, env *logsapitest.Env, _ context.CancelFunc) { env.StopTask(t, "f1") },
			wantCode: exitOK},
		{name: "user interrupts", end: func(_ *testing.T, _ *logsapitest.Env, cancel context.CancelFunc) { cancel() },
			wantCode: exitInterrupted},
		{name: "agent disconnects", end: func(_ *testing.T, env *logsapitest.Env, _ context.CancelFunc) { env.Session.Close() },
			wantCode: exitService, wantInErr: "(" + agentrpc.CodeTargetNotConnected + ")"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := logsapitest.Start(t)
			useEnv(t, env)
			marker := filepath.Join(t.TempDir(), "go-on")
			script := `echo first; while [ ! -e "$0" ]; do sleep 0.01; done; echo second; exec sleep 1000`
			env.RunTask(t, "f1", logsapitest.Container{Name: "app", Command: []string{"sh", "-c", script, marker}})

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			pr, pw := io.Pipe()
			var stderr bytes.Buffer
			code := make(chan int, 1)
			go func() {
				code <- Main(ctx, []string{"-f", "f1"}, pw, &stderr)
				pw.Close()
			}()
			lines := bufio.NewReader(pr)
			readLine(t, lines, "first\n")
			if err := os.WriteFile(marker, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			readLine(t, lines, "second\n")

			tc.end(t, env, cancel)
			if rest, err := io.ReadAll(lines); err != nil || len(rest) != 0 {
				t.Fatalf("output after the end: got %q, %v; want none", rest, err)
			}
			if got := <-code; got != tc.wantCode {
				t.Fatalf("exit code: got %d, want %d (stderr %q)", got, tc.wantCode, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.wantInErr) {
				t.Fatalf("stderr: got %q, want it to contain %q", stderr.String(), tc.wantInErr)
			}
		})
	}
}

func readLine(t *testing.T, r *bufio.Reader, want string) {
	t.Helper()
	got, err := r.ReadString('\n')
	if err != nil || got != want {
		t.Fatalf("line: got %q, %v; want %q", got, err, want)
	}
}
