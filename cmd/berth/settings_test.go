package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// settingsCase is one resolution of a command's settings: the command
// line, the environment and (when file is set) a config file named with
// --config, or with BERTH_CONFIG when viaEnv is set.
type settingsCase struct {
	name   string
	args   []string
	env    map[string]string
	file   string
	viaEnv bool
}

// resolve writes the case's config file and parses args into s with the
// case's environment only.
func (c settingsCase) resolve(t *testing.T, s *settings) error {
	t.Helper()
	env := map[string]string{}
	for k, v := range c.env {
		env[k] = v
	}
	args := c.args
	if c.file != "" {
		path := filepath.Join(t.TempDir(), "berth.conf")
		if err := os.WriteFile(path, []byte(c.file), 0o600); err != nil {
			t.Fatal(err)
		}
		if c.viaEnv {
			env[envConfig] = path
		} else {
			args = append([]string{"--config", path}, args...)
		}
	}
	s.getenv = func(k string) string { return env[k] }
	return s.parse(args)
}

// upResult is what the precedence tests compare for `berth up`.
type upResult struct {
	listen, dataDir, runtime, logLevel string
	keepTasks                          bool
}

func defaultUp() upResult {
	return upResult{listen: "127.0.0.1:4510", dataDir: "berth-data", logLevel: "info"}
}

func (r upResult) with(f func(*upResult)) upResult { f(&r); return r }

func TestUpSettingsPrecedence(t *testing.T) {
	cases := []struct {
		settingsCase
		want upResult
	}{
		{settingsCase{name: "defaults"}, defaultUp()},
		{settingsCase{name: "config file sets everything it names",
			file: "# a comment\n\nlisten = 127.0.0.1:7000\ndata-dir = /srv/berth\nruntime = process\nkeep-tasks = true\nlog-level = \"warn\"\n"},
			defaultUp().with(func(r *upResult) {
				r.listen, r.dataDir, r.runtime, r.keepTasks, r.logLevel = "127.0.0.1:7000", "/srv/berth", "process", true, "warn"
			})},
		{settingsCase{name: "environment beats config file",
			env:  map[string]string{"BERTH_LISTEN": "127.0.0.1:8000", "BERTH_KEEP_TASKS": "false"},
			file: "listen = 127.0.0.1:7000\nkeep-tasks = true\nruntime = process\n"},
			defaultUp().with(func(r *upResult) { r.listen, r.runtime = "127.0.0.1:8000", "process" })},
		{settingsCase{name: "flag beats environment and config file",
			args: []string{"--listen", "127.0.0.1:9000", "--keep-tasks", "--runtime", "docker"},
			env:  map[string]string{"BERTH_LISTEN": "127.0.0.1:8000", "BERTH_RUNTIME": "process"},
			file: "listen = 127.0.0.1:7000\nruntime = process\n"},
			defaultUp().with(func(r *upResult) { r.listen, r.keepTasks, r.runtime = "127.0.0.1:9000", true, "docker" })},
		{settingsCase{name: "an empty environment variable counts as unset",
			env:  map[string]string{"BERTH_DATA_DIR": ""},
			file: "data-dir = from-file\n"},
			defaultUp().with(func(r *upResult) { r.dataDir = "from-file" })},
		{settingsCase{name: "BERTH_CONFIG names the file", viaEnv: true,
			file: "runtime = process\n"},
			defaultUp().with(func(r *upResult) { r.runtime = "process" })},
		{settingsCase{name: "keys of other commands are ignored",
			file: "endpoint = http://example:1\nstate-dir = /x\ninstances = 3\naccess-key-id = A\nsecret-access-key = B\nlisten = 127.0.0.1:7000\n"},
			defaultUp().with(func(r *upResult) { r.listen = "127.0.0.1:7000" })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, f := newUpSettings()
			if err := c.resolve(t, s); err != nil {
				t.Fatalf("parse: got error %v, want none", err)
			}
			got := upResult{listen: f.listen, dataDir: f.dataDir, runtime: f.runtime, logLevel: f.logLevel, keepTasks: f.keepTasks}
			if got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestBerthConfigLosesToConfigFlag(t *testing.T) {
	dir := t.TempDir()
	envFile, flagFile := filepath.Join(dir, "env.conf"), filepath.Join(dir, "flag.conf")
	if err := os.WriteFile(envFile, []byte("runtime = docker\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(flagFile, []byte("runtime = process\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, f := newUpSettings()
	s.getenv = func(k string) string { return map[string]string{envConfig: envFile}[k] }
	if err := s.parse([]string{"--config", flagFile}); err != nil {
		t.Fatal(err)
	}
	if f.runtime != "process" {
		t.Errorf("runtime: got %q, want %q (from the --config file)", f.runtime, "process")
	}
}

func TestAgentSettingsPrecedence(t *testing.T) {
	type result struct {
		region, endpoint string
		attributes       []string
		key, secret      string
	}
	cases := []struct {
		settingsCase
		want result
	}{
		{settingsCase{name: "defaults and no key pair"},
			result{region: "us-east-1", endpoint: "http://127.0.0.1:4510"}},
		{settingsCase{name: "config file: region, repeated attribute, key pair",
			file: "region = eu-west-1\nattribute = disk=ssd\nattribute = gpu\naccess-key-id = FILEKEY\nsecret-access-key = filesecret\n"},
			result{region: "eu-west-1", endpoint: "http://127.0.0.1:4510", attributes: []string{"disk=ssd", "gpu"}, key: "FILEKEY", secret: "filesecret"}},
		{settingsCase{name: "AWS_REGION beats AWS_DEFAULT_REGION beats the file",
			env:  map[string]string{"AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "us-west-2"},
			file: "region = eu-west-1\n"},
			result{region: "ap-south-1", endpoint: "http://127.0.0.1:4510"}},
		{settingsCase{name: "AWS_DEFAULT_REGION beats the file",
			env:  map[string]string{"AWS_DEFAULT_REGION": "us-west-2"},
			file: "region = eu-west-1\n"},
			result{region: "us-west-2", endpoint: "http://127.0.0.1:4510"}},
		{settingsCase{name: "attribute flags replace the file's",
			args: []string{"--attribute", "zone=x"},
			file: "attribute = disk=ssd\nattribute = gpu\n"},
			result{region: "us-east-1", endpoint: "http://127.0.0.1:4510", attributes: []string{"zone=x"}}},
		{settingsCase{name: "environment key pair beats the file's",
			env:  map[string]string{"BERTH_ACCESS_KEY_ID": "ENVKEY", "BERTH_SECRET_ACCESS_KEY": "envsecret", "BERTH_ENDPOINT": "http://10.0.0.1:4510"},
			file: "access-key-id = FILEKEY\nsecret-access-key = filesecret\nendpoint = http://10.0.0.2:4510\n"},
			result{region: "us-east-1", endpoint: "http://10.0.0.1:4510", key: "ENVKEY", secret: "envsecret"}},
		{settingsCase{name: "AWS_ key pair beats the file's",
			env:  map[string]string{"AWS_ACCESS_KEY_ID": "AWSKEY", "AWS_SECRET_ACCESS_KEY": "awssecret"},
			file: "access-key-id = FILEKEY\nsecret-access-key = filesecret\n"},
			result{region: "us-east-1", endpoint: "http://127.0.0.1:4510", key: "AWSKEY", secret: "awssecret"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, f := newAgentSettings("berth agent", defaultAgentStateDir)
			if err := c.resolve(t, s); err != nil {
				t.Fatalf("parse: got error %v, want none", err)
			}
			key, secret, _ := agentKeyPair(s)
			got := result{region: f.region, endpoint: f.endpoint, attributes: f.attributes, key: key, secret: secret}
			if got.region != c.want.region || got.endpoint != c.want.endpoint || !slices.Equal(got.attributes, c.want.attributes) ||
				got.key != c.want.key || got.secret != c.want.secret {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestServerKeyPairPrecedence(t *testing.T) {
	cases := []struct {
		settingsCase
		wantID, wantFrom string
	}{
		{settingsCase{name: "environment beats config file",
			env:  map[string]string{"BERTH_ACCESS_KEY_ID": "ENVKEY", "BERTH_SECRET_ACCESS_KEY": "envsecret"},
			file: "access-key-id = FILEKEY\nsecret-access-key = filesecret\n"},
			"ENVKEY", "environment (BERTH_ACCESS_KEY_ID, BERTH_SECRET_ACCESS_KEY)"},
		{settingsCase{name: "config file beats the data dir",
			file: "access-key-id = FILEKEY\nsecret-access-key = filesecret\n"},
			"FILEKEY", "config file "},
		{settingsCase{name: "generated into the data dir"},
			"BERTH", "credentials [berth]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, f := newServerSettings()
			c.args = append(c.args, "--data-dir", t.TempDir())
			if err := c.resolve(t, s); err != nil {
				t.Fatalf("parse: got error %v, want none", err)
			}
			setup, err := f.config(s)
			if err != nil {
				t.Fatalf("config: got error %v, want none", err)
			}
			if id := setup.creds.Primary().AccessKeyID; !strings.HasPrefix(id, c.wantID) {
				t.Errorf("access key id: got %q, want prefix %q", id, c.wantID)
			}
			if !strings.Contains(setup.primaryFrom, c.wantFrom) {
				t.Errorf("source: got %q, want it to contain %q", setup.primaryFrom, c.wantFrom)
			}
		})
	}
}

func TestSettingsErrors(t *testing.T) {
	cases := []struct {
		settingsCase
		want string // in the error
	}{
		{settingsCase{name: "unknown key", file: "listen = x\nlisten-addr = y\n"}, `berth.conf:2: unknown setting "listen-addr"`},
		{settingsCase{name: "key given twice", file: "runtime = process\n\nruntime = docker\n"}, "berth.conf:3: runtime is already set at line 1"},
		{settingsCase{name: "bad boolean in the file", file: "keep-tasks = maybe\n"}, `berth.conf:1: keep-tasks = "maybe"`},
		{settingsCase{name: "bad boolean in the environment", env: map[string]string{"BERTH_KEEP_TASKS": "maybe"}}, `BERTH_KEEP_TASKS="maybe"`},
		{settingsCase{name: "line without =", file: "listen 127.0.0.1:1\n"}, `berth.conf:1: expected "name = value"`},
		{settingsCase{name: "flag-style key", file: "--listen = 127.0.0.1:1\n"}, `berth.conf:1: "--listen" is not a setting name`},
		{settingsCase{name: "half a key pair", file: "secret-access-key = s\n"}, "berth.conf:1: secret-access-key is set without access-key-id"},
		{settingsCase{name: "missing file", env: map[string]string{envConfig: "/nonexistent/berth.conf"}}, "config file: open /nonexistent/berth.conf"},
		{settingsCase{name: "positional argument", args: []string{"extra"}}, `unexpected argument "extra"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _ := newUpSettings()
			err := c.resolve(t, s)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestConfigKeysCoverEveryFlag checks that a config file may name every
// flag of the commands that read one.
func TestConfigKeysCoverEveryFlag(t *testing.T) {
	keys := configKeys()
	for _, want := range []string{"listen", "data-dir", "region", "account-id", "runtime", "keep-tasks", "credentials",
		"log-level", "log-format", "availability-zone", "endpoint", "cluster", "attribute", "capacity-provider",
		"state-dir", "instances", "store", "etcd-endpoints", "etcd-prefix", "etcd-compact-interval",
		keyAccessKeyID, keySecretAccessKey} {
		if !keys[want] {
			t.Errorf("config key %q: got unknown, want known", want)
		}
	}
	if keys["config"] {
		t.Errorf("config key %q: got known, want unknown (a config file cannot name another)", "config")
	}
}
