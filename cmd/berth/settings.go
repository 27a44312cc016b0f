package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// settings is the configuration of one command. Each setting is a flag;
// a flag the command line leaves out is taken from its environment
// variables, then from the config file (--config FILE, else $BERTH_CONFIG),
// then from the flag's default. The config file uses the flag names as keys
// (see configFile).
type settings struct {
	fs         *flag.FlagSet
	env        map[string][]string // flag name → environment variables, first set wins
	repeatable map[string]bool     // flags a config file may give more than once
	order      []string            // flag names in registration order
	configPath string
	getenv     func(string) string

	// file is the config file read by parse; nil when there is none.
	file *configFile
}

// newSettings returns the settings of the command name ("berth up"), with
// the --config flag registered.
func newSettings(name string) *settings {
	s := &settings{
		fs:         flag.NewFlagSet(name, flag.ContinueOnError),
		env:        map[string][]string{},
		repeatable: map[string]bool{},
		getenv:     os.Getenv,
	}
	s.fs.StringVar(&s.configPath, "config", "", "config file: one \"flag-name = value\" per line; flags and environment variables win over it ["+envConfig+"]")
	return s
}

// String registers a string setting.
func (s *settings) String(p *string, name, def, usage string, env ...string) {
	s.fs.StringVar(p, name, def, usage)
	s.add(name, env)
}

// Bool registers a boolean setting.
func (s *settings) Bool(p *bool, name string, def bool, usage string, env ...string) {
	s.fs.BoolVar(p, name, def, usage)
	s.add(name, env)
}

// Int registers an integer setting.
func (s *settings) Int(p *int, name string, def int, usage string, env ...string) {
	s.fs.IntVar(p, name, def, usage)
	s.add(name, env)
}

// Duration registers a duration setting.
func (s *settings) Duration(p *time.Duration, name string, def time.Duration, usage string, env ...string) {
	s.fs.DurationVar(p, name, def, usage)
	s.add(name, env)
}

// Repeated registers a setting that may be given several times, on the
// command line and in the config file.
func (s *settings) Repeated(v flag.Value, name, usage string, env ...string) {
	s.fs.Var(v, name, usage)
	s.repeatable[name] = true
	s.add(name, env)
}

func (s *settings) add(name string, env []string) {
	s.order = append(s.order, name)
	if len(env) > 0 {
		s.env[name] = env
		f := s.fs.Lookup(name)
		f.Usage += " [" + strings.Join(env, ", ") + "]"
	}
}

// parse reads the command line, then fills the flags it did not set from
// the environment and then from the config file. Positional arguments are
// an error. With -h it returns exitCodeError(0) after the usage; a bad
// flag is exitCodeError(2), the flag package having printed the problem.
func (s *settings) parse(args []string) error {
	if err := s.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitCodeError(0)
		}
		return exitCodeError(2) // the flag package has printed the error and the usage
	}
	if s.fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags go before it; see -h)", s.fs.Arg(0))
	}
	set := map[string]bool{}
	s.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	path := s.configPath
	if !set["config"] {
		path = s.getenv(envConfig)
	}
	if path != "" {
		cf, err := readConfigFile(path)
		if err != nil {
			return err
		}
		if err := checkConfigKeys(cf); err != nil {
			return err
		}
		s.file = cf
	}
	for _, name := range s.order {
		if set[name] {
			continue
		}
		for _, v := range s.env[name] {
			val := s.getenv(v)
			if val == "" {
				continue
			}
			if err := s.fs.Set(name, val); err != nil {
				return fmt.Errorf("%s=%q: %w", v, val, err)
			}
			set[name] = true
			break
		}
	}
	return s.applyFile(set)
}

// applyFile sets, from the config file, the flags still unset.
func (s *settings) applyFile(set map[string]bool) error {
	if s.file == nil {
		return nil
	}
	firstLine := map[string]int{}
	for _, e := range s.file.entries {
		if first, dup := firstLine[e.key]; dup && !s.repeatable[e.key] {
			return fmt.Errorf("%s:%d: %s is already set at line %d", s.file.path, e.line, e.key, first)
		}
		if _, seen := firstLine[e.key]; !seen {
			firstLine[e.key] = e.line
		}
		if set[e.key] || e.key == "config" || s.fs.Lookup(e.key) == nil {
			continue // given on the command line or in the environment, or another command's
		}
		if err := s.fs.Set(e.key, e.value); err != nil {
			return fmt.Errorf("%s:%d: %s = %q: %w", s.file.path, e.line, e.key, e.value, err)
		}
	}
	return nil
}

// keyPair returns the primary key pair of the given environment variables
// when either is set (so that a half-set pair is reported, not mixed with
// the file's), else the config file's access-key-id and secret-access-key.
// from says where the pair came from ("" when neither source has one).
func (s *settings) keyPair(idEnv, secretEnv string) (id, secret, from string) {
	id, secret = s.getenv(idEnv), s.getenv(secretEnv)
	if id != "" || secret != "" {
		return id, secret, "environment (" + idEnv + ", " + secretEnv + ")"
	}
	id, _, okID := s.file.value(keyAccessKeyID)
	secret, _, okSecret := s.file.value(keySecretAccessKey)
	if okID || okSecret {
		return id, secret, "config file " + s.file.path
	}
	return "", "", ""
}

// checkConfigKeys rejects keys that no command reads (typos) and a key
// pair given by halves.
func checkConfigKeys(cf *configFile) error {
	known := configKeys()
	for _, e := range cf.entries {
		if !known[e.key] {
			return fmt.Errorf("%s:%d: unknown setting %q (known: %s)", cf.path, e.line, e.key, strings.Join(sortedKeys(known), ", "))
		}
	}
	_, idLine, hasID := cf.value(keyAccessKeyID)
	_, secretLine, hasSecret := cf.value(keySecretAccessKey)
	switch {
	case hasID && !hasSecret:
		return fmt.Errorf("%s:%d: %s is set without %s", cf.path, idLine, keyAccessKeyID, keySecretAccessKey)
	case hasSecret && !hasID:
		return fmt.Errorf("%s:%d: %s is set without %s", cf.path, secretLine, keySecretAccessKey, keyAccessKeyID)
	}
	return nil
}

// configKeys returns every key a config file may hold: the flags of the
// commands that read one (a file can be shared by `berth up`, `berth
// server`, `berth agent` and `berth env`, each taking the keys it knows)
// and the key pair.
func configKeys() map[string]bool {
	keys := map[string]bool{keyAccessKeyID: true, keySecretAccessKey: true}
	for _, s := range configurableCommands() {
		s.fs.VisitAll(func(f *flag.Flag) { keys[f.Name] = true })
	}
	delete(keys, "config")
	return keys
}

// configurableCommands returns fresh settings of every command that reads
// a config file.
func configurableCommands() []*settings {
	up, _ := newUpSettings()
	srv, _ := newServerSettings()
	ag, _ := newAgentSettings("berth agent", defaultAgentStateDir)
	fleet, _ := newFleetSettings()
	env, _ := newEnvSettings()
	return []*settings{up, srv, ag, fleet, env}
}

// configPath returns the path of the config file parse read, or "".
func configPath(s *settings) string {
	if s.file == nil {
		return ""
	}
	return s.file.path
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
