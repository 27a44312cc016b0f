package sigv4

import (
	"encoding/hex"
	"net/http"
	"testing"
)

// The credentials, date and scope of the AWS SigV4 documentation examples
// and of the aws-sig-v4-test-suite.
const (
	exampleAKID    = "AKIDEXAMPLE"
	exampleSecret  = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	exampleAmzDate = "20150830T123600Z"
	exampleDate    = "20150830"
	exampleRegion  = "us-east-1"
	suiteHost      = "example.amazonaws.com"
	suiteService   = "service"
	emptyBodyHash  = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

func TestHexSHA256(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", emptyBodyHash},
		// FIPS 180-2 example "abc".
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		if got := HexSHA256([]byte(tt.in)); got != tt.want {
			t.Errorf("HexSHA256(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestCredentialScope(t *testing.T) {
	got := CredentialScope("20150830", "us-east-1", "ecs")
	if want := "20150830/us-east-1/ecs/aws4_request"; got != want {
		t.Errorf("CredentialScope = %q, want %q", got, want)
	}
}

// TestSigningKey uses the key derivation example of the AWS docs ("Derive a
// signing key"): IAM in us-east-1 on 2015-08-30.
func TestSigningKey(t *testing.T) {
	got := hex.EncodeToString(SigningKey(exampleSecret, exampleDate, exampleRegion, "iam"))
	if want := "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"; got != want {
		t.Errorf("SigningKey = %s, want %s", got, want)
	}
	other := hex.EncodeToString(SigningKey(exampleSecret, "20150831", exampleRegion, "iam"))
	if other == got {
		t.Errorf("SigningKey for another day = %s, want a different key", other)
	}
}

// TestStringToSign follows the AWS docs' IAM ListUsers example through its
// published canonical request hash and signature.
func TestStringToSign(t *testing.T) {
	h := http.Header{
		"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"},
		"X-Amz-Date":   {exampleAmzDate},
	}
	canonical := CanonicalRequest("GET", "/", "Action=ListUsers&Version=2010-05-08", h, "iam.amazonaws.com",
		[]string{"content-type", "host", "x-amz-date"}, emptyBodyHash)
	hash := HexSHA256([]byte(canonical))
	if want := "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"; hash != want {
		t.Fatalf("canonical request hash = %s, want %s\ncanonical request:\n%s", hash, want, canonical)
	}
	sts := StringToSign(exampleAmzDate, CredentialScope(exampleDate, exampleRegion, "iam"), hash)
	want := "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n" + hash
	if sts != want {
		t.Fatalf("StringToSign = %q, want %q", sts, want)
	}
	sig := Signature(SigningKey(exampleSecret, exampleDate, exampleRegion, "iam"), sts)
	if want := "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"; sig != want {
		t.Errorf("Signature = %s, want %s", sig, want)
	}
}

// suiteCase is one request of the aws-sig-v4-test-suite: service "service",
// region us-east-1, host example.amazonaws.com, X-Amz-Date 20150830T123600Z,
// credentials AKIDEXAMPLE. Signatures are the suite's published ones.
type suiteCase struct {
	name    string
	method  string
	path    string // as the suite's .req file writes it
	query   string
	headers http.Header // besides X-Amz-Date, which every case has
	signed  []string
	body    string
	want    string
}

func suiteCases() []suiteCase {
	base := []string{"host", "x-amz-date"}
	return []suiteCase{
		{name: "get-vanilla", method: "GET", path: "/", signed: base,
			want: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{name: "post-vanilla", method: "POST", path: "/", signed: base,
			want: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
		{name: "post-vanilla-query", method: "POST", path: "/", query: "Param1=value1", signed: base,
			want: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
		{name: "post-x-www-form-urlencoded", method: "POST", path: "/",
			headers: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			signed:  []string{"content-type", "host", "x-amz-date"}, body: "Param1=value1",
			want: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
		{name: "get-header-value-trim", method: "GET", path: "/",
			headers: http.Header{"My-Header1": {" value1"}, "My-Header2": {`"a   b   c"`}},
			signed:  []string{"host", "my-header1", "my-header2", "x-amz-date"},
			want:    "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
		{name: "get-header-key-duplicate", method: "GET", path: "/",
			headers: http.Header{"My-Header1": {"value2", "value2", "value1"}},
			signed:  []string{"host", "my-header1", "x-amz-date"},
			want:    "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
		{name: "post-header-key-sort", method: "POST", path: "/",
			headers: http.Header{"My-Header1": {"value1"}},
			signed:  []string{"host", "my-header1", "x-amz-date"},
			want:    "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
		{name: "post-header-value-case", method: "POST", path: "/",
			headers: http.Header{"My-Header1": {"VALUE1"}},
			signed:  []string{"host", "my-header1", "x-amz-date"},
			want:    "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
		{name: "get-vanilla-query-order-key-case", method: "GET", path: "/", query: "Param2=value2&Param1=value1", signed: base,
			want: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
		{name: "get-vanilla-query-order-value", method: "GET", path: "/", query: "Param1=value2&Param1=value1", signed: base,
			want: "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"},
		{name: "get-vanilla-empty-query-key", method: "GET", path: "/", query: "Param1=value1", signed: base,
			want: "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
		{name: "get-vanilla-query-unreserved", method: "GET", path: "/",
			query:  "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
			signed: base,
			want:   "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
		{name: "get-vanilla-utf8-query", method: "GET", path: "/", query: "%E1%88%B4=bar", signed: base,
			want: "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
		// The suite writes these two paths unescaped and encodes them once.
		// CanonicalRequest encodes the path it is given once, so the raw path
		// reproduces the suite; a server passes the escaped wire path, which
		// is what botocore and aws-sdk-go-v2 sign (see TestSDKPathEncoding).
		{name: "get-utf8", method: "GET", path: "/ሴ", signed: base,
			want: "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
		{name: "get-space", method: "GET", path: "/example space/", signed: base,
			want: "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
	}
}

func TestSuiteVectors(t *testing.T) {
	key := SigningKey(exampleSecret, exampleDate, exampleRegion, suiteService)
	scope := CredentialScope(exampleDate, exampleRegion, suiteService)
	for _, tc := range suiteCases() {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.headers.Clone()
			if h == nil {
				h = http.Header{}
			}
			h.Set("X-Amz-Date", exampleAmzDate)
			canonical := CanonicalRequest(tc.method, tc.path, tc.query, h, suiteHost, tc.signed, HexSHA256([]byte(tc.body)))
			got := Signature(key, StringToSign(exampleAmzDate, scope, HexSHA256([]byte(canonical))))
			if got != tc.want {
				t.Errorf("signature = %s, want %s\ncanonical request:\n%s", got, tc.want, canonical)
			}
		})
	}
}

// TestGetVanillaCanonical checks the intermediate texts of get-vanilla, which
// the suite publishes too.
func TestGetVanillaCanonical(t *testing.T) {
	h := http.Header{"X-Amz-Date": {exampleAmzDate}}
	canonical := CanonicalRequest("GET", "/", "", h, suiteHost, []string{"host", "x-amz-date"}, emptyBodyHash)
	want := "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + emptyBodyHash
	if canonical != want {
		t.Fatalf("CanonicalRequest = %q, want %q", canonical, want)
	}
	if got, want := HexSHA256([]byte(canonical)), "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"; got != want {
		t.Errorf("canonical request hash = %s, want %s", got, want)
	}
}
