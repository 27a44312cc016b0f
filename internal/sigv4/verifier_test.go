package sigv4

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	testAKID   = "AKIAIOSFODNN7EXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	testRegion = "us-east-1"
	testBody   = `{"cluster":"default","taskDefinition":"web:1"}`
)

var testNow = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func testVerifier() *Verifier {
	return &Verifier{
		Credentials: StaticCredentials{testAKID: testSecret},
		Region:      testRegion,
		Service:     "ecs",
		Now:         func() time.Time { return testNow },
	}
}

// signing says how a fixture request is signed.
type signing struct {
	akid, secret, region, service string
	at                            time.Time
}

func defaultSigning() signing {
	return signing{testAKID, testSecret, testRegion, "ecs", testNow}
}

// ecsRequest builds the server side of an ECS RunTask call: POST / to
// 127.0.0.1:4566 with the JSON headers botocore sends, signed as s says.
// before runs before signing, after runs after it.
func ecsRequest(s signing, before, after func(*http.Request)) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4566/", strings.NewReader(testBody))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.RunTask")
	if before != nil {
		before(r)
	}
	Sign(r, []byte(testBody), s.akid, s.secret, s.region, s.service, s.at)
	if after != nil {
		after(r)
	}
	return r
}

func TestVerifyAccepts(t *testing.T) {
	tests := []struct {
		name    string
		sign    signing
		before  func(*http.Request)
		after   func(*http.Request)
		verify  func(*Verifier)
		wantTok string
	}{
		{name: "plain"},
		{name: "signed 5 minutes ago", sign: signing{at: testNow.Add(-5 * time.Minute)}},
		{name: "signed 5 minutes ahead", sign: signing{at: testNow.Add(5 * time.Minute)}},
		{name: "unsigned header changed after signing",
			after: func(r *http.Request) { r.Header.Set("User-Agent", "curl/8") }},
		{name: "any region when Region is empty", sign: signing{region: "eu-west-3"},
			verify: func(v *Verifier) { v.Region = "" }},
		{name: "empty Service means ecs", verify: func(v *Verifier) { v.Service = "" }},
		{name: "session token signed",
			before:  func(r *http.Request) { r.Header.Set("X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLE") },
			wantTok: "FwoGZXIvYXdzEXAMPLE"},
		{name: "content sha256 signed and right",
			before: func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", HexSHA256([]byte(testBody))) }},
		{name: "content sha256 wrong but unsigned", after: func(r *http.Request) {
			r.Header.Set("X-Amz-Content-Sha256", emptyBodyHash)
		}},
		{name: "escaped path and query", before: func(r *http.Request) {
			r.URL.Path, r.URL.RawPath = "/a b/c", "/a%20b/c"
			r.URL.RawQuery = "z=1&a=x+y&a=%2F"
		}},
		{name: "custom skew", sign: signing{at: testNow.Add(-9 * time.Minute)},
			verify: func(v *Verifier) { v.MaxSkew = 10 * time.Minute }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := defaultSigning()
			if !tt.sign.at.IsZero() {
				s.at = tt.sign.at
			}
			if tt.sign.region != "" {
				s.region = tt.sign.region
			}
			v := testVerifier()
			if tt.verify != nil {
				tt.verify(v)
			}
			r := ecsRequest(s, tt.before, tt.after)
			id, err := v.Authenticate(r, []byte(testBody))
			if err != nil {
				t.Fatalf("Authenticate error = %v, want nil", err)
			}
			want := Identity{AccessKeyID: testAKID, Region: s.region, SessionToken: tt.wantTok, SignedAt: s.at}
			if id != want {
				t.Errorf("Authenticate = %+v, want %+v", id, want)
			}
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	mismatch := errSignatureMismatch().Message
	tests := []struct {
		name     string
		sign     func(*signing)
		before   func(*http.Request)
		after    func(*http.Request)
		body     string // the body the server read, when not testBody
		verify   func(*Verifier)
		wantCode string
		wantMsg  string
	}{
		{name: "no authorization",
			after:    func(r *http.Request) { r.Header.Del("Authorization") },
			wantCode: CodeMissingAuthenticationToken, wantMsg: "Missing Authentication Token"},
		{name: "blank authorization",
			after:    func(r *http.Request) { r.Header.Set("Authorization", "  ") },
			wantCode: CodeMissingAuthenticationToken, wantMsg: "Missing Authentication Token"},
		{name: "presigned query",
			after: func(r *http.Request) {
				r.Header.Del("Authorization")
				r.URL.RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc"
			},
			wantCode: CodeIncompleteSignature, wantMsg: errPresigned().Message},
		{name: "two authorization headers",
			after:    func(r *http.Request) { r.Header.Add("Authorization", r.Header.Get("Authorization")) },
			wantCode: CodeIncompleteSignature, wantMsg: errMultipleAuthorization().Message},
		{name: "no date header",
			after: func(r *http.Request) {
				r.Header.Del("X-Amz-Date")
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=K/20240301/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=00")
			},
			wantCode: CodeIncompleteSignature,
			wantMsg: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
				"Authorization=AWS4-HMAC-SHA256 Credential=K/20240301/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=00"},
		{name: "malformed X-Amz-Date",
			after:    func(r *http.Request) { r.Header.Set("X-Amz-Date", "2024-03-01T12:00:00Z") },
			wantCode: CodeIncompleteSignature, wantMsg: errBadDateHeader("X-Amz-Date", "2024-03-01T12:00:00Z").Message},
		{name: "signed header absent",
			after:    func(r *http.Request) { r.Header.Del("X-Amz-Target") },
			wantCode: CodeIncompleteSignature,
			wantMsg:  "'x-amz-target' is named as a SignedHeader, but it does not exist in the HTTP request."},
		{name: "scope date is not the request date",
			after:    func(r *http.Request) { r.Header.Set("X-Amz-Date", "20240302T000100Z") },
			verify:   func(v *Verifier) { v.Now = func() time.Time { return time.Date(2024, 3, 2, 0, 1, 0, 0, time.UTC) } },
			wantCode: CodeInvalidSignature,
			wantMsg:  "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240301' != '20240302', from '20240302T000100Z'."},
		{name: "wrong terminator",
			after:    replaceInAuthorization("/aws4_request", "/aws5_request"),
			wantCode: CodeInvalidSignature, wantMsg: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "},
		{name: "wrong service", sign: func(s *signing) { s.service = "ec2" },
			wantCode: CodeInvalidSignature, wantMsg: "Credential should be scoped to correct service: 'ecs'. "},
		{name: "wrong region", sign: func(s *signing) { s.region = "eu-west-1" },
			wantCode: CodeInvalidSignature, wantMsg: "Credential should be scoped to a valid region, not 'eu-west-1'. "},
		{name: "expired", sign: func(s *signing) { s.at = testNow.Add(-5*time.Minute - time.Second) },
			wantCode: CodeInvalidSignature,
			wantMsg:  "Signature expired: 20240301T115459Z is now earlier than 20240301T115500Z (20240301T120000Z - 5 min.)"},
		{name: "not yet current", sign: func(s *signing) { s.at = testNow.Add(6 * time.Minute) },
			wantCode: CodeInvalidSignature,
			wantMsg:  "Signature not yet current: 20240301T120600Z is still later than 20240301T120500Z (20240301T120000Z + 5 min.)"},
		{name: "unknown access key", sign: func(s *signing) { s.akid = "AKIAUNKNOWN" },
			wantCode: CodeUnrecognizedClient, wantMsg: "The security token included in the request is invalid."},
		{name: "no credential store",
			verify:   func(v *Verifier) { v.Credentials = nil },
			wantCode: CodeUnrecognizedClient, wantMsg: "The security token included in the request is invalid."},
		{name: "wrong secret", sign: func(s *signing) { s.secret = "not-the-secret" },
			wantCode: CodeInvalidSignature, wantMsg: mismatch},
		{name: "tampered body", body: strings.Replace(testBody, "web:1", "web:2", 1),
			wantCode: CodeInvalidSignature, wantMsg: mismatch},
		{name: "tampered signed header",
			after:    func(r *http.Request) { r.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.StopTask") },
			wantCode: CodeInvalidSignature, wantMsg: mismatch},
		{name: "tampered host",
			after:    func(r *http.Request) { r.Host = "127.0.0.1:4567" },
			wantCode: CodeInvalidSignature, wantMsg: mismatch},
		{name: "tampered method",
			after:    func(r *http.Request) { r.Method = http.MethodPut },
			wantCode: CodeInvalidSignature, wantMsg: mismatch},
		{name: "tampered path",
			after:    func(r *http.Request) { r.URL.Path = "/admin" },
			wantCode: CodeInvalidSignature, wantMsg: mismatch},
		{name: "tampered query",
			after:    func(r *http.Request) { r.URL.RawQuery = "a=1" },
			wantCode: CodeInvalidSignature, wantMsg: mismatch},
		{name: "signature upper-cased",
			after:    func(r *http.Request) { r.Header.Set("Authorization", upperSignature(r.Header.Get("Authorization"))) },
			wantCode: CodeInvalidSignature, wantMsg: mismatch},
		{name: "content sha256 signed but wrong",
			before:   func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", emptyBodyHash) },
			wantCode: CodeInvalidSignature, wantMsg: errContentSHA256().Message},
		{name: "session token swapped",
			before:   func(r *http.Request) { r.Header.Set("X-Amz-Security-Token", "token-a") },
			after:    func(r *http.Request) { r.Header.Set("X-Amz-Security-Token", "token-b") },
			wantCode: CodeInvalidSignature, wantMsg: mismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := defaultSigning()
			if tt.sign != nil {
				tt.sign(&s)
			}
			v := testVerifier()
			if tt.verify != nil {
				tt.verify(v)
			}
			body := testBody
			if tt.body != "" {
				body = tt.body
			}
			r := ecsRequest(s, tt.before, tt.after)
			akid, err := v.Verify(r, []byte(body))
			if akid != "" {
				t.Errorf("Verify access key = %q, want empty", akid)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Verify error = %v, want *Error", err)
			}
			if e.Code != tt.wantCode || e.Message != tt.wantMsg {
				t.Errorf("Verify error = %s: %q\nwant %s: %q", e.Code, e.Message, tt.wantCode, tt.wantMsg)
			}
			if e.HTTPStatus() != http.StatusBadRequest {
				t.Errorf("HTTPStatus = %d, want 400", e.HTTPStatus())
			}
		})
	}
}

func replaceInAuthorization(old, repl string) func(*http.Request) {
	return func(r *http.Request) {
		r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, repl, 1))
	}
}

func upperSignature(header string) string {
	i := strings.Index(header, "Signature=") + len("Signature=")
	return header[:i] + strings.ToUpper(header[i:])
}

// signByHand signs r over the given header names, taking values from
// headers (which may differ from r.Header) and the time from amzDate.
func signByHand(r *http.Request, headers http.Header, signed []string, amzDate string) {
	canonical := CanonicalRequest(r.Method, r.URL.EscapedPath(), r.URL.RawQuery, headers, r.Host, signed, HexSHA256([]byte(testBody)))
	scope := CredentialScope(amzDate[:8], testRegion, "ecs")
	sig := Signature(SigningKey(testSecret, amzDate[:8], testRegion, "ecs"),
		StringToSign(amzDate, scope, HexSHA256([]byte(canonical))))
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testAKID+"/"+scope+
		", SignedHeaders="+strings.Join(signed, ";")+", Signature="+sig)
}

// TestVerifyDateHeader signs with an RFC 1123 Date header instead of
// X-Amz-Date; the string to sign carries the same instant in ISO-8601 basic
// form.
func TestVerifyDateHeader(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4566/", strings.NewReader(testBody))
	r.Header.Set("Date", testNow.Format(http.TimeFormat))
	signByHand(r, r.Header, []string{"date", "host"}, "20240301T120000Z")

	id, err := testVerifier().Authenticate(r, []byte(testBody))
	if err != nil {
		t.Fatalf("Authenticate error = %v, want nil", err)
	}
	if !id.SignedAt.Equal(testNow) {
		t.Errorf("SignedAt = %v, want %v", id.SignedAt, testNow)
	}

	r.Header.Set("Date", "yesterday")
	_, err = testVerifier().Verify(r, []byte(testBody))
	if want := errBadDateHeader("Date", "yesterday"); !errors.Is(err, want) {
		t.Errorf("Verify with a bad Date = %v, want %v", err, want)
	}
}

// TestVerifyContentLengthFromField covers a request built in-process, where
// Content-Length lives only in Request.ContentLength: aws-sdk-go-v2 signs it
// from there.
func TestVerifyContentLengthFromField(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4566/", strings.NewReader(testBody))
	r.Header.Set("X-Amz-Date", "20240301T120000Z")
	withLength := r.Header.Clone()
	withLength.Set("Content-Length", strconv.Itoa(len(testBody)))
	signByHand(r, withLength, []string{"content-length", "host", "x-amz-date"}, "20240301T120000Z")
	if r.ContentLength != int64(len(testBody)) || r.Header.Get("Content-Length") != "" {
		t.Fatalf("fixture: ContentLength = %d, header %q; want %d and no header", r.ContentLength, r.Header.Get("Content-Length"), len(testBody))
	}
	if _, err := testVerifier().Verify(r, []byte(testBody)); err != nil {
		t.Errorf("Verify error = %v, want nil", err)
	}
	if got := r.Header.Get("Content-Length"); got != "" {
		t.Errorf("Verify changed the request: Content-Length = %q, want empty", got)
	}

	r.ContentLength = 0
	_, err := testVerifier().Verify(r, []byte(testBody))
	if want := errSignedHeaderAbsent("content-length"); !errors.Is(err, want) {
		t.Errorf("Verify without any length = %v, want %v", err, want)
	}
}
