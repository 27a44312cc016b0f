package credentials

import (
	"bytes"
	cryptorand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// FileName is the name of the saved primary pair in the data directory.
const FileName = "credentials"

// Shape of a generated pair.
const (
	// AccessKeyIDPrefix starts every generated access key id.
	AccessKeyIDPrefix = "BERTH"
	accessKeyIDRandom = 16
	secretLength      = 40
	idAlphabet        = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	secretAlphabet    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// generatedSection is the section name of the saved pair: "berth", so the
// file's section can be pasted into ~/.aws/credentials as a profile.
const generatedSection = "berth"

// Generate returns a new pair drawn from rand (crypto/rand when nil): an
// access key id of AccessKeyIDPrefix and 16 upper-case letters and digits,
// and a 40-character secret in the alphabet AWS secrets use.
func Generate(rand io.Reader) (Pair, error) {
	if rand == nil {
		rand = cryptorand.Reader
	}
	id, err := randomString(rand, idAlphabet, accessKeyIDRandom)
	if err != nil {
		return Pair{}, err
	}
	secret, err := randomString(rand, secretAlphabet, secretLength)
	if err != nil {
		return Pair{}, err
	}
	return Pair{AccessKeyID: AccessKeyIDPrefix + id, SecretAccessKey: secret}, nil
}

// randomString draws n characters uniformly from alphabet, rejecting the
// byte values that would bias the draw.
func randomString(rand io.Reader, alphabet string, n int) (string, error) {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	var buf [64]byte
	for len(out) < n {
		if _, err := io.ReadFull(rand, buf[:]); err != nil {
			return "", fmt.Errorf("credentials: reading random bytes: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}

// loadOrGenerate returns the pair saved in dataDir, generating and saving
// one when there is none.
func loadOrGenerate(dataDir string, rand io.Reader) (p Pair, generated bool, err error) {
	path := filepath.Join(dataDir, FileName)
	p, err = readSaved(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return p, false, err
	}
	p, err = Generate(rand)
	if err != nil {
		return Pair{}, false, err
	}
	won, err := save(path, p)
	if err != nil {
		return Pair{}, false, err
	}
	if !won {
		// Another process saved a pair first; use that one.
		p, err = readSaved(path)
		return p, false, err
	}
	p.Source = path + " [" + generatedSection + "]"
	return p, true, nil
}

// readSaved reads the one pair of the data-dir file. A missing file is an
// error wrapping fs.ErrNotExist.
func readSaved(path string) (Pair, error) {
	f, err := os.Open(path)
	if err != nil {
		return Pair{}, fmt.Errorf("credentials: %w", err)
	}
	defer f.Close()
	pairs, err := Parse(f, path)
	if err != nil {
		return Pair{}, fmt.Errorf("credentials: %w (fix or delete the file; berth writes a new pair when it is absent)", err)
	}
	if len(pairs) != 1 {
		return Pair{}, fmt.Errorf("credentials: %s holds %d key pairs, want exactly 1 (put extra pairs in a --credentials file)", path, len(pairs))
	}
	return pairs[0], nil
}

// save writes p to path with mode 0600 unless the file exists; won is false
// when it did. The file appears complete or not at all: it is written under
// a temporary name and linked into place.
func save(path string, p Pair) (won bool, err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, fmt.Errorf("credentials: %w", err)
	}
	var content bytes.Buffer
	comment := "berth API credentials, generated on first start. berth reads this file on every start;\n" +
		"to use the pair with the aws CLI, copy the section below into ~/.aws/credentials."
	if err := Format(&content, comment, []string{generatedSection}, []Pair{p}); err != nil {
		return false, err
	}
	tmp, err := os.CreateTemp(dir, ".credentials-*") // mode 0600
	if err != nil {
		return false, fmt.Errorf("credentials: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(content.Bytes()); err != nil {
		tmp.Close()
		return false, fmt.Errorf("credentials: writing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return false, fmt.Errorf("credentials: writing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return false, fmt.Errorf("credentials: writing %s: %w", tmp.Name(), err)
	}
	switch err := os.Link(tmp.Name(), path); {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrExist):
		return false, nil
	}
	// The file system has no hard links: rename, which cannot tell whether
	// another process got there first.
	if err := os.Rename(tmp.Name(), path); err != nil {
		return false, fmt.Errorf("credentials: %w", err)
	}
	return true, nil
}
