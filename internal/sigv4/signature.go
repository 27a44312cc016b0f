package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Fixed strings of the AWS4-HMAC-SHA256 scheme.
const (
	// Algorithm is the only signing algorithm berth accepts.
	Algorithm = "AWS4-HMAC-SHA256"
	// Terminator is the last element of every credential scope.
	Terminator = "aws4_request"
	// TimeFormat is the ISO-8601 basic format of X-Amz-Date (20150830T123600Z).
	TimeFormat = "20060102T150405Z"
	// DateFormat is the yyyymmdd form used in the credential scope.
	DateFormat = "20060102"
)

// FormatTime writes t in UTC in TimeFormat.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// HexSHA256 is the lower-case hex SHA-256 of b: the payload hash of a request
// body, and the hash of a canonical request in the string to sign.
func HexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// CredentialScope joins date (yyyymmdd), region and service into
// "date/region/service/aws4_request".
func CredentialScope(date, region, service string) string {
	return date + "/" + region + "/" + service + "/" + Terminator
}

// StringToSign builds the string that is HMACed:
//
//	AWS4-HMAC-SHA256
//	<amzDate>
//	<scope>
//	<canonicalRequestHash>
//
// amzDate is in TimeFormat, scope comes from CredentialScope and
// canonicalRequestHash is HexSHA256 of the canonical request.
func StringToSign(amzDate, scope, canonicalRequestHash string) string {
	var b strings.Builder
	b.Grow(len(Algorithm) + len(amzDate) + len(scope) + len(canonicalRequestHash) + 3)
	b.WriteString(Algorithm)
	b.WriteByte('\n')
	b.WriteString(amzDate)
	b.WriteByte('\n')
	b.WriteString(scope)
	b.WriteByte('\n')
	b.WriteString(canonicalRequestHash)
	return b.String()
}

// SigningKey derives the key that signs requests for one day, region and
// service: HMAC("AWS4"+secret, date) → region → service → "aws4_request".
// date is yyyymmdd.
func SigningKey(secret, date, region, service string) []byte {
	key := hmacSHA256([]byte("AWS4"+secret), date)
	key = hmacSHA256(key, region)
	key = hmacSHA256(key, service)
	return hmacSHA256(key, Terminator)
}

// Signature is the lower-case hex HMAC-SHA256 of stringToSign under key.
func Signature(key []byte, stringToSign string) string {
	return hex.EncodeToString(hmacSHA256(key, stringToSign))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
