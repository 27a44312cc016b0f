// Package sigv4 verifies AWS Signature Version 4 on the requests berth's API
// server receives, so that the aws CLI, boto3 and the AWS SDKs can call berth
// with their ordinary credentials. It uses only the standard library.
//
// # Scope
//
// Only header-signed requests are accepted:
//
//	Authorization: AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/ecs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=<hex>
//
// Query-string (presigned URL) signing, SigV4a, chunked (streaming) payload
// signing and the S3 variant of the canonical URI are not supported. A
// request with an X-Amz-Algorithm query parameter is refused.
//
// # Verification
//
// Verifier.Verify rebuilds the canonical request from the received request,
// the body the caller has already read, and the names in SignedHeaders, then
// recomputes the signature with the secret CredentialLookup returns and
// compares it in constant time. On the way it checks, in order:
//
//   - an Authorization header is present (else MissingAuthenticationTokenException)
//     and well formed: Credential, SignedHeaders and Signature present, an
//     X-Amz-Date or Date header present, the AWS4-HMAC-SHA256 algorithm, a
//     five-element credential, host among the signed headers, every signed
//     header present (else IncompleteSignatureException);
//   - the scope date equals the date of X-Amz-Date, the terminator is
//     aws4_request, the service is Verifier.Service ("ecs") and the region is
//     Verifier.Region (any region when that is empty), and the signing time
//     is within MaxSkew (five minutes) of the clock (else
//     InvalidSignatureException);
//   - the access key is known (else UnrecognizedClientException);
//   - a signed X-Amz-Content-Sha256 equals the body's SHA-256, and the
//     signature matches (else InvalidSignatureException).
//
// Errors are *Error values carrying the ECS exception name and, where AWS's
// text has been observed, the same message (errors.go says which texts are
// berth's own); all are HTTP 400.
//
// A Verifier caches each derived signing key (one per access key, day,
// region and service) once a request signed with it has verified, so a
// verification costs one HMAC instead of five.
//
// # Canonical request
//
// The pure steps are exported so they can be tested one by one:
// CanonicalRequest (with CanonicalURI, CanonicalQueryString and
// CanonicalHeaders), StringToSign, SigningKey and Signature. The canonical URI
// is the wire path encoded once more, as botocore and aws-sdk-go-v2 do for
// every service but S3; for ECS, whose every call is "POST /", it is "/".
// Host comes from http.Request.Host, since Go takes it out of the header map.
//
// Session credentials: an X-Amz-Security-Token header may be present and
// signed. It is returned in Identity.SessionToken and checked against
// nothing; ExpiredTokenException is never produced.
//
// Sign is a small signer for tests and for berth's own SDK-less clients.
package sigv4
