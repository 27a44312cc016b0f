package sigv4

import (
	"crypto/hmac"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxSkew is how far the signing time may be from the server's clock,
// either way, when Verifier.MaxSkew is zero. ECS uses five minutes.
const DefaultMaxSkew = 5 * time.Minute

// DefaultService is the signing name Verifier expects when Service is empty.
const DefaultService = "ecs"

// CredentialLookup returns the secret access key for an access key id;
// ok is false when the id is unknown.
type CredentialLookup interface {
	Secret(accessKeyID string) (secret string, ok bool)
}

// StaticCredentials is a CredentialLookup over a fixed map from access key id
// to secret access key.
type StaticCredentials map[string]string

// Secret returns the secret stored for accessKeyID.
func (s StaticCredentials) Secret(accessKeyID string) (string, bool) {
	secret, ok := s[accessKeyID]
	return secret, ok
}

// Verifier checks SigV4 header-signed requests. The zero value of every
// field but Credentials is usable. A Verifier is safe for concurrent use
// when its Credentials are, and must not be copied after first use: it
// caches derived signing keys.
type Verifier struct {
	// Credentials finds the secret of the access key a request names.
	// When nil, every access key is unknown.
	Credentials CredentialLookup
	// Region is the only region a credential scope may name. Empty accepts
	// any region; Identity.Region then tells which one the client used.
	Region string
	// Service is the signing name the scope must carry; empty means "ecs".
	Service string
	// Now is the server clock; nil means time.Now.
	Now func() time.Time
	// MaxSkew is how far the signing time may be from Now in either
	// direction; zero means DefaultMaxSkew.
	MaxSkew time.Duration

	keys keyCache
}

// Identity is what a verified request proves about its sender.
type Identity struct {
	AccessKeyID string
	// Region is the region of the credential scope.
	Region string
	// SessionToken is the X-Amz-Security-Token header, if any. berth accepts
	// it as sent and checks it against nothing: the access key and its
	// secret are what authenticate the request.
	SessionToken string
	// SignedAt is the signing time from X-Amz-Date (or Date).
	SignedAt time.Time
}

// Verify checks r (method, path, query, headers, Host) and body, which the
// caller has already read from r.Body, against the request's Authorization
// header. It returns the authenticated access key id, or an *Error whose
// Code is the ECS exception to answer with.
func (v *Verifier) Verify(r *http.Request, body []byte) (accessKeyID string, err error) {
	id, err := v.Authenticate(r, body)
	if err != nil {
		return "", err
	}
	return id.AccessKeyID, nil
}

// Authenticate does what Verify does and returns everything it learned about
// the sender.
func (v *Verifier) Authenticate(r *http.Request, body []byte) (Identity, error) {
	id, err := v.authenticate(r, body)
	if err != nil {
		return Identity{}, err
	}
	return id, nil
}

func (v *Verifier) authenticate(r *http.Request, body []byte) (Identity, *Error) {
	path, rawQuery := "/", ""
	if r.URL != nil {
		path, rawQuery = r.URL.EscapedPath(), r.URL.RawQuery
	}
	if hasQueryKey(rawQuery, "X-Amz-Algorithm") {
		return Identity{}, errPresigned()
	}
	header, herr := authorizationHeader(r.Header)
	if herr != nil {
		return Identity{}, herr
	}
	amzDate, dateHeader := r.Header.Get("X-Amz-Date"), r.Header.Get("Date")
	a, err := parseAuthorization(header, amzDate != "" || dateHeader != "")
	if err != nil {
		return Identity{}, err
	}
	signedAt, amzDate, err := requestTime(amzDate, dateHeader)
	if err != nil {
		return Identity{}, err
	}
	if err := v.checkScope(a, amzDate); err != nil {
		return Identity{}, err
	}
	if err := v.checkSkew(signedAt); err != nil {
		return Identity{}, err
	}
	host := r.Host
	if host == "" && r.URL != nil {
		host = r.URL.Host
	}
	headers, err := signedHeaderValues(r, host, a.SignedHeaders)
	if err != nil {
		return Identity{}, err
	}
	secret, ok := "", false
	if v.Credentials != nil {
		secret, ok = v.Credentials.Secret(a.AccessKeyID)
	}
	if !ok {
		return Identity{}, errUnknownKey()
	}
	payloadHash := HexSHA256(body)
	if sent := headers.Get("X-Amz-Content-Sha256"); sent != "" && signs(a, "x-amz-content-sha256") && sent != payloadHash {
		return Identity{}, errContentSHA256()
	}
	canonical := CanonicalRequest(r.Method, path, rawQuery, headers, host, a.SignedHeaders, payloadHash)
	toSign := StringToSign(amzDate, a.Scope(), HexSHA256([]byte(canonical)))
	key, cached := v.keys.get(a, secret)
	want := Signature(key, toSign)
	if !hmac.Equal([]byte(want), []byte(a.Signature)) {
		return Identity{}, errSignatureMismatch()
	}
	if !cached {
		v.keys.put(a, secret, key)
	}
	return Identity{
		AccessKeyID:  a.AccessKeyID,
		Region:       a.Region,
		SessionToken: r.Header.Get("X-Amz-Security-Token"),
		SignedAt:     signedAt,
	}, nil
}

// authorizationHeader returns the single Authorization header of the request.
func authorizationHeader(h http.Header) (string, *Error) {
	values := h.Values("Authorization")
	switch {
	case len(values) > 1:
		return "", errMultipleAuthorization()
	case len(values) == 0 || strings.TrimSpace(values[0]) == "":
		return "", errMissingToken()
	}
	return values[0], nil
}

// hasQueryKey reports whether rawQuery has a parameter named key (compared
// after decoding, without regard to case).
func hasQueryKey(rawQuery, key string) bool {
	for rest := rawQuery; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		name, _, _ := strings.Cut(pair, "=")
		if d, err := url.QueryUnescape(name); err == nil {
			name = d
		}
		if strings.EqualFold(name, key) {
			return true
		}
	}
	return false
}

// requestTime reads the signing time from X-Amz-Date, or from the Date
// header (RFC 1123 and the other HTTP date forms) when X-Amz-Date is absent.
// It returns the time and its TimeFormat text, which the string to sign uses.
func requestTime(amzDate, dateHeader string) (time.Time, string, *Error) {
	if amzDate != "" {
		t, err := time.Parse(TimeFormat, amzDate)
		if err != nil || FormatTime(t) != amzDate {
			return time.Time{}, "", errBadDateHeader("X-Amz-Date", amzDate)
		}
		return t, amzDate, nil
	}
	t, err := http.ParseTime(dateHeader)
	if err != nil {
		return time.Time{}, "", errBadDateHeader("Date", dateHeader)
	}
	return t.UTC(), FormatTime(t), nil
}

// checkScope matches the credential scope against the request date, the
// terminator, and the service and region this verifier serves.
func (v *Verifier) checkScope(a Authorization, amzDate string) *Error {
	if a.Date != amzDate[:len(DateFormat)] {
		return errScopeDate(a.Date, amzDate)
	}
	if a.Terminator != Terminator {
		return errTerminator(a.Terminator)
	}
	service := v.Service
	if service == "" {
		service = DefaultService
	}
	if a.Service != service {
		return errService(service)
	}
	if v.Region != "" && a.Region != v.Region {
		return errRegion(a.Region)
	}
	return nil
}

// checkSkew rejects a signing time outside now ± MaxSkew.
func (v *Verifier) checkSkew(signedAt time.Time) *Error {
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	skew := v.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	if signedAt.Before(now.Add(-skew)) {
		return errExpired(signedAt, now, skew)
	}
	if signedAt.After(now.Add(skew)) {
		return errNotYetCurrent(signedAt, now, skew)
	}
	return nil
}

// signedHeaderValues checks that every signed header is in the request and
// returns the header map to canonicalize. Go's server keeps Content-Length in
// the map, but a request built in-process carries it only in ContentLength,
// which is what aws-sdk-go-v2 signs; the map is copied to add it then.
func signedHeaderValues(r *http.Request, host string, signed []string) (http.Header, *Error) {
	headers := r.Header
	for _, name := range signed {
		switch {
		case name == "host":
			if host == "" {
				return nil, errSignedHeaderAbsent(name)
			}
		case headerValues(headers, name) != nil:
		case name == "content-length" && r.ContentLength > 0:
			headers = headers.Clone()
			if headers == nil {
				headers = http.Header{}
			}
			headers.Set("Content-Length", strconv.FormatInt(r.ContentLength, 10))
		default:
			return nil, errSignedHeaderAbsent(name)
		}
	}
	return headers, nil
}

func signs(a Authorization, name string) bool {
	for _, n := range a.SignedHeaders {
		if n == name {
			return true
		}
	}
	return false
}
