package sigv4

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// CanonicalRequest builds the SigV4 canonical request:
//
//	<method>
//	<CanonicalURI(path)>
//	<CanonicalQueryString(rawQuery)>
//	<CanonicalHeaders(headers, host, signedHeaders)>
//	<signedHeaders joined with ';'>
//	<payloadHash>
//
// path is the escaped path as it travelled on the wire (url.URL.EscapedPath),
// rawQuery the query as sent (url.URL.RawQuery), host the Host of the request
// (Go keeps it in http.Request.Host, not in the header map), signedHeaders
// the lower-case names from the Authorization header in their order, and
// payloadHash the hex SHA-256 of the body.
func CanonicalRequest(method, path, rawQuery string, headers http.Header, host string, signedHeaders []string, payloadHash string) string {
	var b strings.Builder
	b.Grow(256 + len(path) + len(rawQuery))
	b.WriteString(method)
	b.WriteByte('\n')
	writeCanonicalURI(&b, path)
	b.WriteByte('\n')
	b.WriteString(CanonicalQueryString(rawQuery))
	b.WriteByte('\n')
	writeCanonicalHeaders(&b, headers, host, signedHeaders)
	b.WriteByte('\n')
	for i, n := range signedHeaders {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(n)
	}
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// CanonicalURI URI-encodes the escaped request path once more, keeping '/'
// and the unreserved characters (A-Z a-z 0-9 - . _ ~): "/a%20b" becomes
// "/a%2520b". This is what the SigV4 rules ask of every service but S3 (the
// path is "encoded twice" counting the client's own escaping) and what
// botocore and aws-sdk-go-v2 compute. Dot segments are not removed. An empty
// path is "/".
func CanonicalURI(escapedPath string) string {
	var b strings.Builder
	writeCanonicalURI(&b, escapedPath)
	return b.String()
}

func writeCanonicalURI(b *strings.Builder, p string) {
	if p == "" {
		b.WriteByte('/')
		return
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '/' || unreserved(c) {
			b.WriteByte(c)
			continue
		}
		writePercent(b, c)
	}
}

// CanonicalQueryString decodes each name=value pair of rawQuery ('+' counts
// as a space, a pair without '=' has an empty value, empty pairs are
// dropped), encodes names and values per RFC 3986 with %20 for space, sorts
// the pairs by encoded name and then encoded value, and joins them with '&'.
// A component that does not decode is encoded as it stands.
func CanonicalQueryString(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	type pair struct{ name, value string }
	var pairs []pair
	for rest := rawQuery; rest != ""; {
		var p string
		p, rest, _ = strings.Cut(rest, "&")
		if p == "" {
			continue
		}
		name, value, _ := strings.Cut(p, "=")
		pairs = append(pairs, pair{encodeQueryComponent(name), encodeQueryComponent(value)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].name != pairs[j].name {
			return pairs[i].name < pairs[j].name
		}
		return pairs[i].value < pairs[j].value
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.name)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
}

func encodeQueryComponent(s string) string {
	if d, err := url.QueryUnescape(s); err == nil {
		s = d
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
		} else {
			writePercent(&b, c)
		}
	}
	return b.String()
}

// CanonicalHeaders writes one "name:value\n" line per signed header, in the
// order of signedHeaders. The host line takes host. Other values come from
// headers (name matched without regard to case); several values of one
// header are joined with ',' and each value is trimmed of spaces and tabs and
// has runs of spaces collapsed to one. Tabs inside a value are kept, as
// aws-sdk-go-v2 keeps them (botocore would turn them into spaces; Go's server
// already trims the ends of every value).
func CanonicalHeaders(headers http.Header, host string, signedHeaders []string) string {
	var b strings.Builder
	writeCanonicalHeaders(&b, headers, host, signedHeaders)
	return b.String()
}

func writeCanonicalHeaders(b *strings.Builder, headers http.Header, host string, signedHeaders []string) {
	for _, name := range signedHeaders {
		b.WriteString(name)
		b.WriteByte(':')
		if name == "host" {
			writeHeaderValue(b, host)
		} else {
			for i, v := range headerValues(headers, name) {
				if i > 0 {
					b.WriteByte(',')
				}
				writeHeaderValue(b, v)
			}
		}
		b.WriteByte('\n')
	}
}

// headerValues finds the values of a header by its lower-case name.
func headerValues(h http.Header, name string) []string {
	if v, ok := h[http.CanonicalHeaderKey(name)]; ok {
		return v
	}
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// writeHeaderValue writes v without leading and trailing spaces or tabs and
// with each run of spaces inside it collapsed to one space.
func writeHeaderValue(b *strings.Builder, v string) {
	v = strings.Trim(v, " \t")
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteByte(c)
	}
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func writePercent(b *strings.Builder, c byte) {
	const hexDigits = "0123456789ABCDEF"
	b.WriteByte('%')
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&0x0f])
}
