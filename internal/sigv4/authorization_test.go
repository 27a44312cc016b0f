package sigv4

import (
	"errors"
	"reflect"
	"testing"
)

const exampleSig = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"

func exampleAuthorization() Authorization {
	return Authorization{
		Algorithm:     Algorithm,
		AccessKeyID:   exampleAKID,
		Date:          exampleDate,
		Region:        exampleRegion,
		Service:       "ecs",
		Terminator:    Terminator,
		SignedHeaders: []string{"content-type", "host", "x-amz-date", "x-amz-target"},
		Signature:     exampleSig,
	}
}

func TestParseAuthorization(t *testing.T) {
	cred := "Credential=AKIDEXAMPLE/20150830/us-east-1/ecs/aws4_request"
	signed := "SignedHeaders=content-type;host;x-amz-date;x-amz-target"
	sig := "Signature=" + exampleSig
	tests := []struct {
		name   string
		header string
	}{
		{"aws-sdk-go-v2 and botocore layout", "AWS4-HMAC-SHA256 " + cred + ", " + signed + ", " + sig},
		{"no spaces after commas", "AWS4-HMAC-SHA256 " + cred + "," + signed + "," + sig},
		{"extra white space", "  AWS4-HMAC-SHA256 \t" + cred + " ,  " + signed + ",\t" + sig + "  "},
		{"parameters in another order", "AWS4-HMAC-SHA256 " + sig + ", " + cred + ", " + signed},
		{"unknown parameter ignored", "AWS4-HMAC-SHA256 " + cred + ", Foo=bar, " + signed + ", " + sig},
		{"signed header names lower-cased", "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=Content-Type;HOST;X-Amz-Date;x-amz-target, " + sig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAuthorization(tt.header)
			if err != nil {
				t.Fatalf("ParseAuthorization(%q) error = %v, want nil", tt.header, err)
			}
			if want := exampleAuthorization(); !reflect.DeepEqual(got, want) {
				t.Errorf("ParseAuthorization(%q) = %+v, want %+v", tt.header, got, want)
			}
		})
	}
}

func TestParseAuthorizationErrors(t *testing.T) {
	good := "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"
	tests := []struct {
		name   string
		header string
		want   string
	}{
		{
			name:   "empty",
			header: "",
			want: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
				"Authorization header requires 'SignedHeaders' parameter. Authorization=",
		},
		{
			name:   "bearer token",
			header: "Bearer abc.def.ghi",
			want:   "'abc.def.ghi' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer abc.def.ghi'.",
		},
		{
			name:   "basic auth parses as a pair and lacks everything",
			header: "Basic dXNlcjpwYXNz==",
			want: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
				"Authorization header requires 'SignedHeaders' parameter. Authorization=Basic dXNlcjpwYXNz==",
		},
		{
			name:   "space after Credential=",
			header: "AWS4-HMAC-SHA256 Credential= AKID/20150830/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=abc",
			want: "'AKID/20150830/us-east-1/ecs/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: " +
				"'AWS4-HMAC-SHA256 Credential= AKID/20150830/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=abc'.",
		},
		{
			name:   "signature missing",
			header: "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/ecs/aws4_request, SignedHeaders=host",
			want: "Authorization header requires 'Signature' parameter. " +
				"Authorization=AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/ecs/aws4_request, SignedHeaders=host",
		},
		{
			name:   "duplicate credential",
			header: good + ", Credential=OTHER/20150830/us-east-1/ecs/aws4_request",
			want:   "Authorization header has more than one 'Credential' parameter: '" + good + ", Credential=OTHER/20150830/us-east-1/ecs/aws4_request'.",
		},
		{
			name:   "other algorithm",
			header: "AWS4-HMAC-SHA512 Credential=AKID/20150830/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=abc",
			want:   "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'. Only 'AWS4-HMAC-SHA256' is supported.",
		},
		{
			name:   "four-element credential",
			header: "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/aws4_request, SignedHeaders=host, Signature=abc",
			want:   "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20150830/us-east-1/aws4_request'",
		},
		{
			name:   "secret with a slash used as key id",
			header: "AWS4-HMAC-SHA256 Credential=ab/cd/20150830/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=abc",
			want:   "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'ab/cd/20150830/us-east-1/ecs/aws4_request'",
		},
		{
			name:   "host not signed",
			header: "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/ecs/aws4_request, SignedHeaders=x-amz-date, Signature=abc",
			want:   "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
		},
		{
			name:   "empty signed headers",
			header: "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/ecs/aws4_request, SignedHeaders=, Signature=abc",
			want:   "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
		},
		{
			name:   "empty name in signed headers",
			header: "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/ecs/aws4_request, SignedHeaders=host;;x-amz-date, Signature=abc",
			want:   "SignedHeaders 'host;;x-amz-date' contains an empty header name.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAuthorization(tt.header)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseAuthorization(%q) error = %v, want *Error", tt.header, err)
			}
			if e.Code != CodeIncompleteSignature {
				t.Errorf("Code = %s, want %s", e.Code, CodeIncompleteSignature)
			}
			if e.Message != tt.want {
				t.Errorf("Message = %q, want %q", e.Message, tt.want)
			}
		})
	}
}

func TestAuthorizationString(t *testing.T) {
	a := exampleAuthorization()
	want := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ecs/aws4_request, " +
		"SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + exampleSig
	if got := a.String(); got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
	back, err := ParseAuthorization(a.String())
	if err != nil {
		t.Fatalf("ParseAuthorization(String()) error = %v, want nil", err)
	}
	if !reflect.DeepEqual(back, a) {
		t.Errorf("ParseAuthorization(String()) = %+v, want %+v", back, a)
	}
}

func TestErrorIs(t *testing.T) {
	err := error(errUnknownKey())
	if !errors.Is(err, &Error{Code: CodeUnrecognizedClient}) {
		t.Errorf("errors.Is(%v, code only) = false, want true", err)
	}
	if errors.Is(err, &Error{Code: CodeInvalidSignature}) {
		t.Errorf("errors.Is(%v, other code) = true, want false", err)
	}
	if errors.Is(err, &Error{Code: CodeUnrecognizedClient, Message: "other"}) {
		t.Errorf("errors.Is(%v, other message) = true, want false", err)
	}
	if got, want := err.Error(), "UnrecognizedClientException: The security token included in the request is invalid."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
