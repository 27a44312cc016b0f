package bench

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

// env returns a getenv over vars.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

var berthCreds = map[string]string{"BERTH_ACCESS_KEY_ID": "AKID", "BERTH_SECRET_ACCESS_KEY": "secret"}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want func(o options) string // "" when o is right, else what is wrong
	}{
		{name: "defaults", args: nil, want: func(o options) string {
			if o.scenario != "runtask" || o.clients != 16 || o.duration != 10*time.Second || o.requests != 0 ||
				o.instances != 10 || o.cluster != "berth-bench" || o.timeout != 30*time.Second {
				return "defaults not applied"
			}
			return ""
		}},
		{name: "requests instead of duration", args: []string{"--requests", "30"}, want: func(o options) string {
			if o.requests != 30 || o.duration != 0 {
				return "requests 30 with duration 0 expected"
			}
			return ""
		}},
		{name: "duration", args: []string{"--duration", "2m"}, want: func(o options) string {
			if o.duration != 2*time.Minute || o.requests != 0 {
				return "duration 2m expected"
			}
			return ""
		}},
		{name: "no setup registers nothing", args: []string{"--no-setup"}, want: func(o options) string {
			if !o.noSetup || o.instances != 0 {
				return "no-setup with 0 instances expected"
			}
			return ""
		}},
		{name: "fleet", args: []string{"--fleet", "--endpoint-url", "http://127.0.0.1:4510", "--instances", "3"}, want: func(o options) string {
			if !o.fleet || o.instances != 3 || o.noSetup || o.ec2Instances {
				return "fleet of 3 instances expected"
			}
			return ""
		}},
		{name: "credentials from the environment", args: nil, env: berthCreds, want: func(o options) string {
			if o.accessKeyID != "AKID" || o.secretAccessKey != "secret" {
				return "BERTH_ credentials not read"
			}
			return ""
		}},
		{name: "everything", args: []string{"--endpoint-url", "http://127.0.0.1:8080", "--region", "eu-west-1",
			"--scenario", "mixed", "--clients", "4", "--cluster", "c1", "--instances", "3", "--ec2-instances",
			"--lenient-json", "--json", "out.json", "--label", "moto", "--quiet", "--timeout", "5s",
			"--task-definition", "td:1"}, want: func(o options) string {
			if o.endpoint != "http://127.0.0.1:8080" || o.region != "eu-west-1" || o.scenario != "mixed" ||
				o.clients != 4 || o.cluster != "c1" || o.instances != 3 || !o.ec2Instances || !o.lenientJSON ||
				o.jsonPath != "out.json" || o.label != "moto" || !o.quiet || o.timeout != 5*time.Second || o.taskDef != "td:1" {
				return "a flag was not parsed"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseOptions(tt.args, env(tt.env), io.Discard)
			if err != nil {
				t.Fatalf("parseOptions(%q) error = %v, want nil", tt.args, err)
			}
			if msg := tt.want(o); msg != "" {
				t.Errorf("parseOptions(%q) = %+v: %s", tt.args, o, msg)
			}
		})
	}
}

func TestParseOptionsErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string // part of the error message
	}{
		{name: "unknown scenario", args: []string{"--scenario", "burst"}, want: `unknown scenario "burst" (want one of describe, list, mixed, runtask, runtask10, starttask)`},
		{name: "no clients", args: []string{"--clients", "0"}, want: "--clients must be at least 1, got 0"},
		{name: "duration and requests", args: []string{"--duration", "5s", "--requests", "10"}, want: "--duration and --requests cannot be used together"},
		{name: "zero duration", args: []string{"--duration", "0s"}, want: "--duration must be positive, got 0s"},
		{name: "zero requests", args: []string{"--requests", "0"}, want: "--requests must be at least 1, got 0"},
		{name: "instances with no setup", args: []string{"--no-setup", "--instances", "3"}, want: "cannot be used with --no-setup"},
		{name: "no instances", args: []string{"--instances", "0"}, want: "--instances must be at least 1 (or use --no-setup), got 0"},
		{name: "ec2 with no setup", args: []string{"--no-setup", "--ec2-instances", "--endpoint-url", "http://h"}, want: "--ec2-instances creates instances during setup"},
		{name: "fleet with no setup", args: []string{"--fleet", "--no-setup", "--endpoint-url", "http://h"}, want: "--fleet starts its instances during setup and cannot be used with --no-setup"},
		{name: "fleet with ec2 instances", args: []string{"--fleet", "--ec2-instances", "--endpoint-url", "http://h"}, want: "--fleet and --ec2-instances cannot be used together"},
		{name: "fleet against AWS", args: []string{"--fleet"}, want: "--fleet needs --endpoint-url"},
		{name: "fleet of no instances", args: []string{"--fleet", "--endpoint-url", "http://h", "--instances", "0"}, want: "--instances must be at least 1"},
		{name: "ec2 against AWS", args: []string{"--ec2-instances"}, want: "--ec2-instances needs --endpoint-url"},
		{name: "endpoint without scheme", args: []string{"--endpoint-url", "localhost:8080"}, want: `--endpoint-url "localhost:8080" is not an http:// or https:// URL`},
		{name: "endpoint of another scheme", args: []string{"--endpoint-url", "ftp://h"}, want: "is not an http:// or https:// URL"},
		{name: "empty cluster", args: []string{"--cluster", ""}, want: "--cluster must not be empty"},
		{name: "zero timeout", args: []string{"--timeout", "0s"}, want: "--timeout must be positive"},
		{name: "positional argument", args: []string{"runtask"}, want: `unexpected argument "runtask"`},
		{name: "unknown flag", args: []string{"--rate", "5"}, want: "flag provided but not defined: -rate"},
		{name: "bad number", args: []string{"--clients", "many"}, want: `invalid value "many" for flag -clients`},
		{name: "only the key id", args: nil, env: map[string]string{"BERTH_ACCESS_KEY_ID": "AKID"}, want: "BERTH_ACCESS_KEY_ID is set but BERTH_SECRET_ACCESS_KEY is not"},
		{name: "only the secret", args: nil, env: map[string]string{"BERTH_SECRET_ACCESS_KEY": "s"}, want: "BERTH_SECRET_ACCESS_KEY is set but BERTH_ACCESS_KEY_ID is not"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseOptions(tt.args, env(tt.env), io.Discard)
			var ue *usageError
			if !errors.As(err, &ue) {
				t.Fatalf("parseOptions(%q) error = %v, want a usage error", tt.args, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parseOptions(%q) error = %q, want it to contain %q", tt.args, err, tt.want)
			}
		})
	}
}

// TestUsageExitCodes checks what Main returns for command lines it does
// not run: 2 for a wrong one (before any request), 0 for help.
func TestUsageExitCodes(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{name: "bad flag", args: []string{"--clients", "0"}, code: exitUsage, stderr: "berth bench: --clients must be at least 1"},
		{name: "fleet with no setup", args: []string{"--fleet", "--no-setup", "--endpoint-url", "http://127.0.0.1:1"}, code: exitUsage, stderr: "berth bench: --fleet starts its instances during setup"},
		{name: "help", args: []string{"-h"}, code: exitOK, stderr: "usage: berth bench [flags]"},
		{name: "compare with one file", args: []string{"compare", "a.json"}, code: exitUsage, stderr: "needs two or more result files"},
		{name: "compare help", args: []string{"compare", "-h"}, code: exitOK, stderr: "usage: berth bench compare"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("Main(%q) = %d, want %d; stderr %q", tt.args, code, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("Main(%q) stderr = %q, want it to contain %q", tt.args, stderr.String(), tt.stderr)
			}
		})
	}
	if _, err := parseOptions([]string{"--help"}, env(nil), io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("parseOptions(--help) error = %v, want flag.ErrHelp", err)
	}
}
