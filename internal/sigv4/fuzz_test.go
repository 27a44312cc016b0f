package sigv4

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"testing"
)

// The seed corpora are in testdata/fuzz/<FuzzName>/; `go test` runs them as
// regression cases, `go test -fuzz=FuzzName` explores from them.

// FuzzParseAuthorization checks that any header either parses into an
// Authorization that survives a String round trip, or fails with an
// IncompleteSignatureException; it must never panic.
func FuzzParseAuthorization(f *testing.F) {
	f.Add(exampleAuthorization().String())
	f.Fuzz(func(t *testing.T, header string) {
		a, err := ParseAuthorization(header)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeIncompleteSignature || e.Message == "" {
				t.Fatalf("ParseAuthorization(%q) error = %#v, want an IncompleteSignatureException", header, err)
			}
			return
		}
		if a.Algorithm != Algorithm {
			t.Fatalf("ParseAuthorization(%q).Algorithm = %q, want %q", header, a.Algorithm, Algorithm)
		}
		if !signs(a, "host") {
			t.Fatalf("ParseAuthorization(%q).SignedHeaders = %q, want host among them", header, a.SignedHeaders)
		}
		back, err := ParseAuthorization(a.String())
		if err != nil {
			t.Fatalf("ParseAuthorization(%q) error = %v after round trip of %q", a.String(), err, header)
		}
		if !reflect.DeepEqual(back, a) {
			t.Fatalf("round trip of %q = %+v, want %+v", header, back, a)
		}
	})
}

// FuzzVerify feeds arbitrary header values, host, path, query and body to
// Verify. It must never panic, every failure must be an *Error of one of the
// four codes, and a success can only name the one known access key.
func FuzzVerify(f *testing.F) {
	r := ecsRequest(defaultSigning(), nil, nil)
	f.Add(r.Header.Get("Authorization"), r.Header.Get("X-Amz-Date"), "", r.Host,
		r.Header.Get("X-Amz-Target"), "/", "", []byte(testBody))
	codes := map[string]bool{
		CodeMissingAuthenticationToken: true,
		CodeIncompleteSignature:        true,
		CodeInvalidSignature:           true,
		CodeUnrecognizedClient:         true,
	}
	v := testVerifier()
	f.Fuzz(func(t *testing.T, authorization, amzDate, date, host, target, path, rawQuery string, body []byte) {
		u, err := url.ParseRequestURI(path)
		if err != nil {
			u = &url.URL{Path: "/"}
		}
		u.RawQuery = rawQuery
		r := &http.Request{Method: http.MethodPost, URL: u, Host: host, Header: http.Header{}}
		for name, value := range map[string]string{
			"Authorization": authorization,
			"X-Amz-Date":    amzDate,
			"Date":          date,
			"X-Amz-Target":  target,
			"Content-Type":  "application/x-amz-json-1.1",
		} {
			if value != "" {
				r.Header.Set(name, value)
			}
		}
		akid, err := v.Verify(r, body)
		if err == nil {
			if akid != testAKID {
				t.Fatalf("Verify = %q, nil; want %q or an error", akid, testAKID)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) || !codes[e.Code] || e.Message == "" {
			t.Fatalf("Verify error = %#v, want an *Error with a known code and a message", err)
		}
	})
}
