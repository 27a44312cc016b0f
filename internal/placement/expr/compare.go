package expr

import (
	"cmp"
	"strconv"
	"strings"
	"time"
)

// isDecimal reports whether s is an optional sign, digits and an optional
// fraction: the values compared numerically.
func isDecimal(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// compareAttr compares an attribute value with an ordering argument:
// numerically when both are decimal numbers, otherwise as strings.
func compareAttr(v string, x *term) int {
	if x.isNum && isDecimal(v) {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return cmp.Compare(f, x.num)
		}
	}
	return strings.Compare(v, x.str)
}

// version is a parsed agent version: numeric parts and a prerelease suffix.
type version struct {
	parts []int
	pre   string
}

// parseVersion parses "1.14.5", "v1.14", "1.20.0-rc1".
func parseVersion(s string) (version, bool) {
	s = strings.TrimPrefix(s, "v")
	var v version
	if i := strings.IndexByte(s, '-'); i >= 0 {
		v.pre, s = s[i+1:], s[:i]
		if v.pre == "" {
			return version{}, false
		}
	}
	if s == "" {
		return version{}, false
	}
	for part := range strings.SplitSeq(s, ".") {
		if part == "" || len(part) > 9 {
			return version{}, false
		}
		n := 0
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return version{}, false
			}
			n = n*10 + int(part[i]-'0')
		}
		v.parts = append(v.parts, n)
	}
	return v, true
}

// compare orders versions part by part (missing parts are 0); with equal
// parts a prerelease sorts before the release.
func (v version) compare(w version) int {
	for i := 0; i < max(len(v.parts), len(w.parts)); i++ {
		if c := cmp.Compare(partAt(v.parts, i), partAt(w.parts, i)); c != 0 {
			return c
		}
	}
	switch {
	case v.pre == w.pre:
		return 0
	case v.pre == "":
		return 1
	case w.pre == "":
		return -1
	}
	return strings.Compare(v.pre, w.pre)
}

func partAt(p []int, i int) int {
	if i < len(p) {
		return p[i]
	}
	return 0
}

// dateLayouts are the registeredAt argument forms, most specific first.
var dateLayouts = []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"}

// parseDate parses a registeredAt argument; forms without a zone are UTC.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
