package credentials

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/berth-io/berth/internal/sigv4"
)

var (
	generatedID     = regexp.MustCompile(`^BERTH[A-Z0-9]{16}$`)
	generatedSecret = regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`)
)

// env is a fake environment for Options.Getenv.
type env map[string]string

func (e env) get(k string) string { return e[k] }

func envWith(id, secret string) env {
	return env{EnvAccessKeyID: id, EnvSecretAccessKey: secret}
}

// writeFile writes a file for the test and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func pairFile(section, id, secret string) string {
	return fmt.Sprintf("[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n", section, id, secret)
}

func TestGenerate(t *testing.T) {
	p, err := Generate(nil)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if !generatedID.MatchString(p.AccessKeyID) {
		t.Errorf("access key id: got %q, want BERTH + 16 upper-case letters and digits", p.AccessKeyID)
	}
	if !generatedSecret.MatchString(p.SecretAccessKey) {
		t.Errorf("secret: got %q, want 40 characters of [A-Za-z0-9+/]", p.SecretAccessKey)
	}
	q, err := Generate(nil)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if q.AccessKeyID == p.AccessKeyID || q.SecretAccessKey == p.SecretAccessKey {
		t.Errorf("two generated pairs share a value: %v and %v", p, q)
	}
}

// TestGenerateRejectsBiasedBytes feeds bytes past the last whole multiple
// of the alphabet (255 for 36 letters) between zeros: they must be skipped.
func TestGenerateRejectsBiasedBytes(t *testing.T) {
	src := bytes.Repeat([]byte{255, 0}, 1000)
	p, err := Generate(bytes.NewReader(src))
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if want := AccessKeyIDPrefix + strings.Repeat("A", 16); p.AccessKeyID != want {
		t.Errorf("access key id: got %q, want %q", p.AccessKeyID, want)
	}
	if _, err := Generate(bytes.NewReader([]byte{1, 2, 3})); err == nil {
		t.Errorf("Generate from 3 bytes: got no error, want a read error")
	}
}

func TestLoadPrecedence(t *testing.T) {
	saved := pairFile("berth", "SAVEDKEY", "saved-secret")
	tests := []struct {
		name          string
		env           env
		saved         string // content of <data-dir>/credentials; "" for none
		noDataDir     bool
		wantPrimary   string // access key id; "generated" for a new BERTH... id
		wantGenerated bool
		wantSaved     string // content of the data-dir file afterwards; "" for none
		wantErr       string
	}{
		{name: "environment", env: envWith("ENVKEY", "env-secret"), wantPrimary: "ENVKEY"},
		{name: "environment beats the saved file", env: envWith("ENVKEY", "env-secret"), saved: saved,
			wantPrimary: "ENVKEY", wantSaved: saved},
		{name: "environment needs no data dir", env: envWith("ENVKEY", "env-secret"), noDataDir: true, wantPrimary: "ENVKEY"},
		{name: "saved file", saved: saved, wantPrimary: "SAVEDKEY", wantSaved: saved},
		{name: "generated", wantPrimary: "generated", wantGenerated: true},
		{name: "only the id set", env: envWith("ENVKEY", ""), wantErr: "BERTH_ACCESS_KEY_ID is set but BERTH_SECRET_ACCESS_KEY is not"},
		{name: "only the secret set", env: envWith("", "s"), wantErr: "BERTH_SECRET_ACCESS_KEY is set but BERTH_ACCESS_KEY_ID is not"},
		{name: "bad id in the environment", env: envWith("A B", "s"), wantErr: "may only hold printable ASCII"},
		{name: "no data dir", noDataDir: true, wantErr: "no data directory"},
		{name: "broken saved file is kept", saved: "[berth]\naws_access_key_id = X\n",
			wantErr: "fix or delete the file", wantSaved: "[berth]\naws_access_key_id = X\n"},
		{name: "two pairs in the saved file", saved: saved + pairFile("other", "K2", "s2"), wantErr: "holds 2 key pairs, want exactly 1",
			wantSaved: saved + pairFile("other", "K2", "s2")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			savedPath := filepath.Join(dir, FileName)
			if tc.saved != "" {
				writeFile(t, dir, FileName, tc.saved)
			}
			opts := Options{DataDir: dir, Getenv: tc.env.get}
			if tc.noDataDir {
				opts.DataDir = ""
			}
			s, err := Load(opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if s != nil {
				got := s.Primary().AccessKeyID
				if tc.wantPrimary == "generated" {
					if !generatedID.MatchString(got) {
						t.Errorf("primary: got %q, want a generated id", got)
					}
				} else if got != tc.wantPrimary {
					t.Errorf("primary: got %q, want %q", got, tc.wantPrimary)
				}
				if s.Generated() != tc.wantGenerated {
					t.Errorf("Generated: got %v, want %v", s.Generated(), tc.wantGenerated)
				}
			}
			content, err := os.ReadFile(savedPath)
			switch {
			case tc.wantGenerated:
				if err != nil || !strings.Contains(string(content), s.Primary().SecretAccessKey) {
					t.Errorf("saved file: got %q, %v; want the generated pair", content, err)
				}
			case tc.wantSaved == "":
				if !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("saved file: got %q, %v; want none", content, err)
				}
			case string(content) != tc.wantSaved:
				t.Errorf("saved file: got %q, want it unchanged: %q", content, tc.wantSaved)
			}
		})
	}
}

// TestGeneratedPairIsReused checks the first-start, later-start cycle and
// the file's mode.
func TestGeneratedPairIsReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // Load creates it
	first, err := Load(Options{DataDir: dir, Getenv: env{}.get})
	if err != nil {
		t.Fatalf("first Load: %v", err)
	}
	info, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatalf("saved file: %v", err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("saved file mode: got %o, want 600", mode)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".credentials-*")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	second, err := Load(Options{DataDir: dir, Getenv: env{}.get})
	if err != nil {
		t.Fatalf("second Load: %v", err)
	}
	if second.Generated() {
		t.Errorf("second Load: Generated got true, want false")
	}
	a, b := first.Primary(), second.Primary()
	if a.AccessKeyID != b.AccessKeyID || a.SecretAccessKey != b.SecretAccessKey {
		t.Errorf("second start: got pair %v, want the first start's %v", b, a)
	}
}

// TestSaveKeepsAnExistingFile covers a second process saving after the
// first: the first file stays.
func TestSaveKeepsAnExistingFile(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, FileName, pairFile("berth", "FIRST", "first-secret"))
	won, err := save(path, Pair{AccessKeyID: "SECOND", SecretAccessKey: "second-secret"})
	if err != nil || won {
		t.Fatalf("save over an existing file: got won=%v, %v; want false, nil", won, err)
	}
	content, _ := os.ReadFile(path)
	if !strings.Contains(string(content), "FIRST") || strings.Contains(string(content), "SECOND") {
		t.Errorf("file after a lost save: got %q, want the first pair only", content)
	}
}

func TestLoadExtraFile(t *testing.T) {
	tests := []struct {
		name       string
		env        env
		file       string
		wantIDs    []string
		wantErr    string
		wantSecret map[string]string
	}{
		{
			name: "pairs are added", env: envWith("ENVKEY", "env-secret"),
			file:       pairFile("ci", "CIKEY", "ci-secret") + pairFile("alice", "ALICEKEY", "alice-secret"),
			wantIDs:    []string{"ALICEKEY", "CIKEY", "ENVKEY"},
			wantSecret: map[string]string{"ENVKEY": "env-secret", "CIKEY": "ci-secret", "ALICEKEY": "alice-secret"},
		},
		{
			name: "same pair twice is one", env: envWith("ENVKEY", "env-secret"),
			file:    pairFile("again", "ENVKEY", "env-secret"),
			wantIDs: []string{"ENVKEY"},
		},
		{
			name: "same id with another secret", env: envWith("ENVKEY", "env-secret"),
			file:    pairFile("clash", "ENVKEY", "other-secret"),
			wantErr: "access key id ENVKEY is defined in environment (BERTH_ACCESS_KEY_ID, BERTH_SECRET_ACCESS_KEY) and in ",
		},
		{
			name: "clash inside the file", env: envWith("ENVKEY", "env-secret"),
			file:    pairFile("a", "K", "s1") + pairFile("b", "K", "s2"),
			wantErr: "access key id K is defined in ",
		},
		{name: "malformed file", env: envWith("ENVKEY", "env-secret"), file: "[a]\nnonsense\n", wantErr: `expected "key = value"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			file := writeFile(t, dir, "extra", tc.file)
			s, err := Load(Options{DataDir: dir, File: file, Getenv: tc.env.get})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			var ids []string
			for _, p := range s.Pairs() {
				ids = append(ids, p.AccessKeyID)
			}
			if strings.Join(ids, ",") != strings.Join(tc.wantIDs, ",") {
				t.Errorf("pairs: got %v, want %v", ids, tc.wantIDs)
			}
			for id, want := range tc.wantSecret {
				if got, ok := s.Secret(id); !ok || got != want {
					t.Errorf("Secret(%s): got %q, %v; want %q, true", id, got, ok, want)
				}
			}
			if got, ok := s.Secret("NOBODY"); ok {
				t.Errorf("Secret(NOBODY): got %q, true; want false", got)
			}
		})
	}
	if _, err := Load(Options{File: "/nonexistent/creds", Getenv: envWith("K", "s").get}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing --credentials file: got %v, want fs.ErrNotExist", err)
	}
}

func TestPairPrintingHidesSecret(t *testing.T) {
	p := Pair{AccessKeyID: "K", SecretAccessKey: "very-secret", Source: "environment"}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := fmt.Sprintf(format, p); strings.Contains(got, "very-secret") || !strings.Contains(got, "K") {
			t.Errorf("Sprintf(%q): got %q, want the id without the secret", format, got)
		}
	}
}

// TestStoreVerifiesSignatures uses the Store as the sigv4 verifier's lookup
// for a request the SDK's signer signed with a generated pair.
func TestStoreVerifiesSignatures(t *testing.T) {
	s, err := Load(Options{DataDir: t.TempDir(), Getenv: env{}.get, Rand: rand.NewChaCha8([32]byte{1})})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	body := []byte(`{}`)
	sign := func(secret string) *http.Request {
		req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:8080/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		sum := sha256.Sum256(body)
		creds := aws.Credentials{AccessKeyID: s.Primary().AccessKeyID, SecretAccessKey: secret}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "ecs", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		return req
	}
	v := &sigv4.Verifier{Credentials: s}
	if id, err := v.Verify(sign(s.Primary().SecretAccessKey), body); err != nil || id != s.Primary().AccessKeyID {
		t.Errorf("Verify with the right secret: got %q, %v; want %q, nil", id, err, s.Primary().AccessKeyID)
	}
	if _, err := v.Verify(sign("wrong"), body); !errors.Is(err, &sigv4.Error{Code: sigv4.CodeInvalidSignature}) {
		t.Errorf("Verify with a wrong secret: got %v, want InvalidSignatureException", err)
	}
}
