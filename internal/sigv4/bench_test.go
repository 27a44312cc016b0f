package sigv4

import (
	"testing"
)

// BenchmarkVerify measures one successful verification of a signed RunTask
// call as botocore sends it (POST /, four signed headers, a small JSON body):
// with the day's signing key already cached, and with a fresh Verifier that
// must derive it.
func BenchmarkVerify(b *testing.B) {
	r := ecsRequest(defaultSigning(), nil, nil)
	body := []byte(testBody)
	b.Run("cached-key", func(b *testing.B) {
		v := testVerifier()
		if _, err := v.Verify(r, body); err != nil {
			b.Fatalf("Verify error = %v, want nil", err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := v.Verify(r, body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("derived-key", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			v := testVerifier()
			if _, err := v.Verify(r, body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkParseAuthorization measures parsing the Authorization header alone.
func BenchmarkParseAuthorization(b *testing.B) {
	header := exampleAuthorization().String()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAuthorization(header); err != nil {
			b.Fatal(err)
		}
	}
}
