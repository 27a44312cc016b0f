package credentials

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// INI key names, as in ~/.aws/credentials.
const (
	keyAccessKeyID     = "aws_access_key_id"
	keySecretAccessKey = "aws_secret_access_key"
)

// section is a section of a credentials file being read.
type section struct {
	name   string
	line   int
	values map[string]string
}

// Parse reads key pairs from a credentials file in the format described in
// the package documentation. source names the file in errors and in each
// Pair's Source. A file without any pair is an error.
func Parse(r io.Reader, source string) ([]Pair, error) {
	var (
		pairs   []Pair
		current *section
		seen    = map[string]int{}
	)
	finish := func() error {
		if current == nil {
			return nil
		}
		p, ok, err := current.pair(source)
		if err != nil {
			return err
		}
		if ok {
			pairs = append(pairs, p)
		}
		return nil
	}
	scanner := bufio.NewScanner(r)
	for n := 1; scanner.Scan(); n++ {
		line := strings.TrimSpace(scanner.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
			continue
		case line[0] == '[':
			name, err := sectionName(line)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", source, n, err)
			}
			if first, dup := seen[name]; dup {
				return nil, fmt.Errorf("%s:%d: section [%s] already appears at line %d", source, n, name, first)
			}
			seen[name] = n
			if err := finish(); err != nil {
				return nil, err
			}
			current = &section{name: name, line: n, values: map[string]string{}}
		default:
			key, value, ok := strings.Cut(line, "=")
			if !ok {
				return nil, fmt.Errorf("%s:%d: expected \"key = value\", a [section] or a comment", source, n)
			}
			if current == nil {
				return nil, fmt.Errorf("%s:%d: %q is outside any [section]", source, n, strings.TrimSpace(key))
			}
			key = strings.ToLower(strings.TrimSpace(key))
			if _, dup := current.values[key]; dup {
				return nil, fmt.Errorf("%s:%d: %s is set twice in section [%s]", source, n, key, current.name)
			}
			current.values[key] = strings.TrimSpace(value)
		}
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", source, err)
	}
	if err := finish(); err != nil {
		return nil, err
	}
	if len(pairs) == 0 {
		return nil, fmt.Errorf("%s: no section sets %s and %s", source, keyAccessKeyID, keySecretAccessKey)
	}
	return pairs, nil
}

// sectionName reads "[name]" or "[profile name]".
func sectionName(line string) (string, error) {
	if !strings.HasSuffix(line, "]") {
		return "", fmt.Errorf("section header %q has no closing ]", line)
	}
	name := strings.TrimSpace(line[1 : len(line)-1])
	if rest, ok := strings.CutPrefix(name, "profile "); ok {
		name = strings.TrimSpace(rest)
	}
	if name == "" {
		return "", fmt.Errorf("section header %q has no name", line)
	}
	return name, nil
}

// pair returns the section's key pair; ok is false for a section that sets
// neither key.
func (s *section) pair(source string) (p Pair, ok bool, err error) {
	id, hasID := s.values[keyAccessKeyID]
	secret, hasSecret := s.values[keySecretAccessKey]
	switch {
	case !hasID && !hasSecret:
		return Pair{}, false, nil
	case !hasID:
		return Pair{}, false, fmt.Errorf("%s:%d: section [%s] sets %s but not %s", source, s.line, s.name, keySecretAccessKey, keyAccessKeyID)
	case !hasSecret:
		return Pair{}, false, fmt.Errorf("%s:%d: section [%s] sets %s but not %s", source, s.line, s.name, keyAccessKeyID, keySecretAccessKey)
	}
	p = Pair{AccessKeyID: id, SecretAccessKey: secret, Source: fmt.Sprintf("%s [%s]", source, s.name)}
	if err := p.check(); err != nil {
		return Pair{}, false, fmt.Errorf("%s:%d: section [%s]: %w", source, s.line, s.name, err)
	}
	return p, true, nil
}

// Format writes pairs as a credentials file, one section per pair named by
// the matching entry of sections, after a comment header.
func Format(w io.Writer, comment string, sections []string, pairs []Pair) error {
	if len(sections) != len(pairs) {
		return fmt.Errorf("credentials: %d section names for %d pairs", len(sections), len(pairs))
	}
	var b strings.Builder
	for _, line := range strings.Split(comment, "\n") {
		b.WriteString("# " + line + "\n")
	}
	for i, p := range pairs {
		fmt.Fprintf(&b, "\n[%s]\n%s = %s\n%s = %s\n", sections[i], keyAccessKeyID, p.AccessKeyID, keySecretAccessKey, p.SecretAccessKey)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
