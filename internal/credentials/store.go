package credentials

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/berth-io/berth/internal/sigv4"
)

var _ sigv4.CredentialLookup = (*Store)(nil)

// Environment variables of the primary pair.
const (
	EnvAccessKeyID     = "BERTH_ACCESS_KEY_ID"
	EnvSecretAccessKey = "BERTH_SECRET_ACCESS_KEY"
)

// sourceEnvironment is the Source of a pair from the environment.
const sourceEnvironment = "environment (" + EnvAccessKeyID + ", " + EnvSecretAccessKey + ")"

// Pair is an access key id and its secret. Source says where it was found,
// for messages. Printing a Pair with fmt never shows the secret.
type Pair struct {
	AccessKeyID     string
	SecretAccessKey string
	Source          string
}

// String shows the access key id and source, not the secret.
func (p Pair) String() string { return p.AccessKeyID + " (from " + p.Source + ")" }

// GoString keeps %#v from printing the secret too.
func (p Pair) GoString() string {
	return fmt.Sprintf("credentials.Pair{AccessKeyID:%q, SecretAccessKey:<redacted>, Source:%q}", p.AccessKeyID, p.Source)
}

// check rejects ids and secrets a SigV4 Authorization header cannot carry.
func (p Pair) check() error {
	if p.AccessKeyID == "" {
		return errors.New("the access key id is empty")
	}
	if len(p.AccessKeyID) > 128 {
		return fmt.Errorf("the access key id %.16q... is longer than 128 characters", p.AccessKeyID)
	}
	for _, c := range []byte(p.AccessKeyID) {
		if c <= ' ' || c >= 0x7f || c == '/' || c == ',' || c == '=' {
			return fmt.Errorf("the access key id %q may only hold printable ASCII without spaces, '/', ',' or '='", p.AccessKeyID)
		}
	}
	if p.SecretAccessKey == "" {
		return fmt.Errorf("the secret access key of %s is empty", p.AccessKeyID)
	}
	for _, c := range []byte(p.SecretAccessKey) {
		if c <= ' ' || c >= 0x7f {
			return fmt.Errorf("the secret access key of %s may only hold printable ASCII without spaces", p.AccessKeyID)
		}
	}
	return nil
}

// Options says where Load looks for pairs.
type Options struct {
	// DataDir holds the saved primary pair (DataDir/credentials). Required
	// unless the environment sets the pair.
	DataDir string
	// File is the --credentials file of extra pairs; empty for none.
	File string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// Rand is the randomness for a generated pair; nil means crypto/rand.
	Rand io.Reader
}

// Store is the set of pairs berth accepts. It implements
// sigv4.CredentialLookup.
type Store struct {
	primary   Pair
	generated bool
	secrets   map[string]Pair
}

// Load gathers the pairs from the sources in the package documentation. A
// generated primary pair is saved before Load returns.
func Load(opts Options) (*Store, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	s := &Store{secrets: map[string]Pair{}}
	primary, fromEnv, err := envPair(getenv)
	if err != nil {
		return nil, err
	}
	if !fromEnv {
		if opts.DataDir == "" {
			return nil, fmt.Errorf("credentials: no data directory to keep the server's key pair in, and %s is not set", EnvAccessKeyID)
		}
		primary, s.generated, err = loadOrGenerate(opts.DataDir, opts.Rand)
		if err != nil {
			return nil, err
		}
	}
	s.primary = primary
	if err := s.add(primary); err != nil {
		return nil, err
	}
	if opts.File != "" {
		extra, err := readFile(opts.File)
		if err != nil {
			return nil, err
		}
		for _, p := range extra {
			if err := s.add(p); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// envPair reads the primary pair from the environment; ok is false when
// neither variable is set.
func envPair(getenv func(string) string) (p Pair, ok bool, err error) {
	id, secret := getenv(EnvAccessKeyID), getenv(EnvSecretAccessKey)
	switch {
	case id == "" && secret == "":
		return Pair{}, false, nil
	case id == "":
		return Pair{}, false, fmt.Errorf("credentials: %s is set but %s is not; set both or neither", EnvSecretAccessKey, EnvAccessKeyID)
	case secret == "":
		return Pair{}, false, fmt.Errorf("credentials: %s is set but %s is not; set both or neither", EnvAccessKeyID, EnvSecretAccessKey)
	}
	p = Pair{AccessKeyID: id, SecretAccessKey: secret, Source: sourceEnvironment}
	if err := p.check(); err != nil {
		return Pair{}, false, fmt.Errorf("credentials: %s: %w", sourceEnvironment, err)
	}
	return p, true, nil
}

func readFile(path string) ([]Pair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	defer f.Close()
	pairs, err := Parse(f, path)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	return pairs, nil
}

// add records p, refusing an id already recorded with another secret.
func (s *Store) add(p Pair) error {
	if have, ok := s.secrets[p.AccessKeyID]; ok {
		if have.SecretAccessKey == p.SecretAccessKey {
			return nil
		}
		return fmt.Errorf("credentials: access key id %s is defined in %s and in %s with different secrets",
			p.AccessKeyID, have.Source, p.Source)
	}
	s.secrets[p.AccessKeyID] = p
	return nil
}

// Secret returns the secret access key of accessKeyID; ok is false for an
// unknown id. It makes *Store a sigv4.CredentialLookup.
func (s *Store) Secret(accessKeyID string) (secret string, ok bool) {
	p, ok := s.secrets[accessKeyID]
	return p.SecretAccessKey, ok
}

// Primary returns the server's own pair (from the environment, the data
// directory, or just generated).
func (s *Store) Primary() Pair { return s.primary }

// Generated reports whether Load generated the primary pair on this start;
// the caller then tells the operator where it was saved.
func (s *Store) Generated() bool { return s.generated }

// Pairs returns every accepted pair, sorted by access key id.
func (s *Store) Pairs() []Pair {
	out := make([]Pair, 0, len(s.secrets))
	for _, p := range s.secrets {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].AccessKeyID < out[j].AccessKeyID })
	return out
}
