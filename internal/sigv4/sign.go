package sigv4

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// unsignedHeaders are the lower-case header names Sign leaves out: the
// signature itself, headers proxies and transports rewrite, and
// Content-Length, which Go's transport writes from Request.ContentLength.
var unsignedHeaders = map[string]bool{
	"authorization":     true,
	"user-agent":        true,
	"expect":            true,
	"transfer-encoding": true,
	"content-length":    true,
	"x-amzn-trace-id":   true,
}

// Sign adds X-Amz-Date and a SigV4 Authorization header to req, signing
// host and every header already set on req except those Go's transport or
// proxies rewrite (Authorization, User-Agent, Expect, Transfer-Encoding,
// Content-Length, X-Amzn-Trace-Id). body must be the exact bytes req will
// send. To sign with session credentials, set X-Amz-Security-Token before
// calling Sign.
//
// Sign is a helper for tests and for berth's own clients that have no AWS
// SDK; the server only verifies. Clients with an SDK should use its signer.
func Sign(req *http.Request, body []byte, accessKeyID, secret, region, service string, t time.Time) {
	if req.Header == nil {
		req.Header = http.Header{}
	}
	amzDate := FormatTime(t)
	req.Header.Set("X-Amz-Date", amzDate)
	req.Header.Del("Authorization")

	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	names := []string{"host"}
	for k := range req.Header {
		n := strings.ToLower(k)
		if !unsignedHeaders[n] && n != "host" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	names = dedupe(names)

	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	date := t.UTC().Format(DateFormat)
	canonical := CanonicalRequest(method, req.URL.EscapedPath(), req.URL.RawQuery, req.Header, host, names, HexSHA256(body))
	toSign := StringToSign(amzDate, CredentialScope(date, region, service), HexSHA256([]byte(canonical)))
	auth := Authorization{
		Algorithm:     Algorithm,
		AccessKeyID:   accessKeyID,
		Date:          date,
		Region:        region,
		Service:       service,
		Terminator:    Terminator,
		SignedHeaders: names,
		Signature:     Signature(SigningKey(secret, date, region, service), toSign),
	}
	req.Header.Set("Authorization", auth.String())
}

// dedupe drops repeats from a sorted slice.
func dedupe(sorted []string) []string {
	out := sorted[:0]
	for _, s := range sorted {
		if len(out) == 0 || s != out[len(out)-1] {
			out = append(out, s)
		}
	}
	return out
}
