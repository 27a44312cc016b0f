package reliability

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// authOps are the operations each signing fault is tried on; their valid
// bodies would change state if the request got through.
var authOps = []string{"RunTask", "StopTask", "RegisterTaskDefinition", "DeregisterContainerInstance", "TagResource"}

// authFault is one way a request's signature is wrong.
type authFault struct {
	name string
	code string
	// edit changes the spec of a correctly signed request with body.
	edit func(s *reqSpec, body []byte)
}

// editAuth rewrites the Authorization header after signing.
func editAuth(f func(string) string) func(*reqSpec, []byte) {
	return func(s *reqSpec, _ []byte) {
		s.afterSign = func(r *http.Request) { r.Header.Set("Authorization", f(r.Header.Get("Authorization"))) }
	}
}

// afterSign changes the request after it was signed.
func afterSign(f func(*http.Request)) func(*reqSpec, []byte) {
	return func(s *reqSpec, _ []byte) { s.afterSign = f }
}

func signedBy(g signing) func(*reqSpec, []byte) {
	return func(s *reqSpec, _ []byte) { s.signing = g }
}

const (
	codeMissingAuth = "MissingAuthenticationTokenException"
	codeIncomplete  = "IncompleteSignatureException"
	codeInvalidSig  = "InvalidSignatureException"
	codeUnknownKey  = "UnrecognizedClientException"
)

var authFaults = []authFault{
	{"unsigned", codeMissingAuth, func(s *reqSpec, _ []byte) { s.unsigned = true }},
	{"empty Authorization", codeMissingAuth, afterSign(func(r *http.Request) { r.Header.Set("Authorization", "") })},
	{"wrong secret", codeInvalidSig, signedBy(signing{secret: "not-the-secret"})},
	{"secret off by one character", codeInvalidSig, signedBy(signing{secret: testSecret[:len(testSecret)-1] + "X"})},
	{"unknown access key", codeUnknownKey, signedBy(signing{key: "AKIDUNKNOWN"})},
	{"access key of other case", codeUnknownKey, signedBy(signing{key: strings.ToLower(testKey)})},
	{"other region in scope", codeInvalidSig, signedBy(signing{region: "eu-west-1"})},
	{"other service in scope", codeInvalidSig, signedBy(signing{service: "s3"})},
	{"service in upper case", codeInvalidSig, signedBy(signing{service: "ECS"})},
	{"expired 6 minutes ago", codeInvalidSig, signedBy(signing{offset: -6 * time.Minute})},
	{"expired an hour ago", codeInvalidSig, signedBy(signing{offset: -time.Hour})},
	{"expired a month ago", codeInvalidSig, signedBy(signing{offset: -30 * 24 * time.Hour})},
	{"6 minutes in the future", codeInvalidSig, signedBy(signing{offset: 6 * time.Minute})},
	{"a day in the future", codeInvalidSig, signedBy(signing{offset: 24 * time.Hour})},
	{"body tampered: a space appended", codeInvalidSig, func(s *reqSpec, body []byte) {
		s.signedBody = body
		s.body = append(append([]byte{}, body...), ' ')
	}},
	{"body tampered: a member name's case changed (same JSON to Go)", codeInvalidSig, func(s *reqSpec, body []byte) {
		s.signedBody = body
		b := append([]byte{}, body...)
		b[2] -= 'a' - 'A' // {"cluster": -> {"Cluster":
		s.body = b
	}},
	{"body tampered: emptied", codeInvalidSig, func(s *reqSpec, body []byte) {
		s.signedBody = body
		s.body = []byte("{}")
	}},
	{"target changed after signing", codeInvalidSig, afterSign(func(r *http.Request) { r.Header.Set("X-Amz-Target", target("ListClusters")) })},
	{"content type changed after signing", codeInvalidSig, afterSign(func(r *http.Request) { r.Header.Set("Content-Type", "application/json") })},
	{"host changed after signing", codeInvalidSig, afterSign(func(r *http.Request) { r.Host = "ecs.us-east-1.amazonaws.com" })},
	{"signed target removed", codeIncomplete, afterSign(func(r *http.Request) { r.Header.Del("X-Amz-Target") })},
	{"X-Amz-Date removed", codeIncomplete, afterSign(func(r *http.Request) { r.Header.Del("X-Amz-Date") })},
	{"X-Amz-Date one second later", codeInvalidSig, afterSign(func(r *http.Request) {
		t, _ := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
		r.Header.Set("X-Amz-Date", t.Add(time.Second).Format("20060102T150405Z"))
	})},
	{"X-Amz-Date garbage", codeIncomplete, afterSign(func(r *http.Request) { r.Header.Set("X-Amz-Date", "yesterday") })},
	{"signature cut short", codeInvalidSig, editAuth(func(a string) string { return a[:len(a)-8] })},
	{"signature in upper case", codeInvalidSig, editAuth(func(a string) string {
		i := strings.LastIndex(a, "Signature=") + len("Signature=")
		return a[:i] + strings.ToUpper(a[i:])
	})},
	{"signature of zeros", codeInvalidSig, editAuth(func(a string) string {
		i := strings.LastIndex(a, "Signature=") + len("Signature=")
		return a[:i] + strings.Repeat("0", 64)
	})},
	{"other algorithm", codeIncomplete, editAuth(func(a string) string { return strings.Replace(a, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512", 1) })},
	{"bearer token", codeIncomplete, editAuth(func(string) string { return "Bearer abc.def.ghi" })},
	{"no Signature part", codeIncomplete, editAuth(func(a string) string { return a[:strings.LastIndex(a, ", Signature=")] })},
	{"no SignedHeaders part", codeIncomplete, editAuth(func(a string) string {
		i, j := strings.Index(a, ", SignedHeaders="), strings.Index(a, ", Signature=")
		return a[:i] + a[j:]
	})},
	{"credential of four parts", codeIncomplete, editAuth(func(a string) string { return strings.Replace(a, "/aws4_request", "", 1) })},
	{"terminator misspelled", codeInvalidSig, editAuth(func(a string) string { return strings.Replace(a, "/aws4_request", "/aws4_requests", 1) })},
	{"scope dated the day before", codeInvalidSig, editAuth(func(a string) string {
		i := strings.Index(a, "Credential=") + len("Credential=")
		j := i + strings.Index(a[i:], "/") + 1
		d, _ := time.Parse("20060102", a[j:j+8])
		return a[:j] + d.AddDate(0, 0, -1).Format("20060102") + a[j+8:]
	})},
	{"host not signed", codeIncomplete, editAuth(func(a string) string {
		return strings.Replace(a, "SignedHeaders=content-type;host;", "SignedHeaders=content-type;", 1)
	})},
	{"signed header that is not sent", codeIncomplete, editAuth(func(a string) string { return strings.Replace(a, "x-amz-target", "x-amz-target;x-not-sent", 1) })},
	{"garbage pair in header", codeIncomplete, editAuth(func(a string) string { return a + ", Junk" })},
	{"wrong X-Amz-Content-Sha256 signed", codeInvalidSig, func(s *reqSpec, _ []byte) {
		s.headers = map[string]string{"X-Amz-Content-Sha256": strings.Repeat("ab", 32)}
	}},
	{"query string signing", codeIncomplete, func(s *reqSpec, _ []byte) {
		s.unsigned = true
		s.path = "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + testKey + "%2F20250101%2Fus-east-1%2Fecs%2Faws4_request&X-Amz-Signature=00"
	}},
}

// authCases applies every signing fault to every operation of authOps.
func authCases(valid map[string]map[string]any) []badCase {
	var cases []badCase
	for _, op := range authOps {
		body := []byte(mustJSON(valid[op]))
		for _, f := range authFaults {
			s := reqSpec{target: target(op), body: body}
			f.edit(&s, body)
			cases = append(cases, badCase{group: "signature", name: fmt.Sprintf("%s: %s", op, f.name), spec: s, wantCode: f.code})
		}
	}
	return cases
}
