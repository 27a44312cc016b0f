package main

import (
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// shellQuote returns s as one POSIX shell word: unchanged when it holds
// only characters no shell treats specially, else in single quotes, each
// single quote inside written as quote, backslash, quote, quote.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, unsafeInShell) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func unsafeInShell(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	}
	return !strings.ContainsRune("@%+=:,./_-", r)
}

// clientURL turns a listening URL into one a client on this machine can
// dial: a wildcard host (0.0.0.0, ::) becomes 127.0.0.1.
func clientURL(listenURL string) string {
	u, err := url.Parse(listenURL)
	if err != nil {
		return listenURL
	}
	if host := u.Hostname(); host == "" || net.ParseIP(host).IsUnspecified() {
		u.Host = net.JoinHostPort("127.0.0.1", u.Port())
	}
	return u.String()
}

// selfCommand is how the user ran this binary, for the commands berth
// suggests: "go run ./cmd/berth" under go run, "berth" when the berth on
// PATH is this binary, else the path it was started as.
func selfCommand() string {
	exe, err := os.Executable()
	if err != nil {
		return "berth"
	}
	if strings.Contains(exe, string(filepath.Separator)+"go-build") {
		return "go run ./cmd/berth"
	}
	if onPath, err := exec.LookPath("berth"); err == nil && sameFile(onPath, exe) {
		return "berth"
	}
	return shellQuote(os.Args[0])
}

func sameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}
