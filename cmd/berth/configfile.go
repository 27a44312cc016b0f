package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// envConfig names the config file when --config is not given.
const envConfig = "BERTH_CONFIG"

// Config-file keys that are not flags: the primary key pair, which berth
// takes from the environment or a config file but never from the command
// line (where other users could read it in the process list).
const (
	keyAccessKeyID     = "access-key-id"
	keySecretAccessKey = "secret-access-key"
)

// configEntry is one "key = value" line of a config file.
type configEntry struct {
	key, value string
	line       int
}

// configFile is a parsed config file: the settings of berth's commands, one
// per line, named like their flags without the dashes.
//
//	# comments start with #
//	listen = 127.0.0.1:4510
//	data-dir = /var/lib/berth
//	keep-tasks = true
//	attribute = disk=ssd        (repeatable flags may appear more than once)
//
// Values are taken as written after the first "=", with surrounding spaces
// removed; a value wrapped in double or single quotes loses the quotes
// (nothing inside is unescaped).
type configFile struct {
	path    string
	entries []configEntry
}

// readConfigFile opens and parses the config file at path.
func readConfigFile(path string) (*configFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	defer f.Close()
	return parseConfig(f, path)
}

// parseConfig parses a config file; path names it in errors.
func parseConfig(r io.Reader, path string) (*configFile, error) {
	cf := &configFile{path: path}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: expected \"name = value\" or a # comment", path, n)
		}
		key = strings.TrimSpace(key)
		if key == "" || strings.HasPrefix(key, "-") || strings.ContainsAny(key, " \t") {
			return nil, fmt.Errorf("%s:%d: %q is not a setting name (write flag names without dashes, e.g. data-dir = ...)", path, n, key)
		}
		cf.entries = append(cf.entries, configEntry{key: key, value: unquote(strings.TrimSpace(value)), line: n})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	return cf, nil
}

// unquote removes one pair of matching surrounding quotes.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// value returns the value of a key the file sets once, and its line.
func (cf *configFile) value(key string) (string, int, bool) {
	if cf == nil {
		return "", 0, false
	}
	for _, e := range cf.entries {
		if e.key == key {
			return e.value, e.line, true
		}
	}
	return "", 0, false
}
