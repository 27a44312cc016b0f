package ecsapi

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"strings"
)

// newRequestID returns a random UUIDv4 in its 36-character text form. Request
// ids need to be unique, not secret, so the fast per-thread generator of
// math/rand/v2 (ChaCha8, randomly seeded) is enough.
func newRequestID() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// callInfo is what the edge tells the backend about a request.
type callInfo struct {
	requestID   string
	accessKeyID string
	request     *http.Request
}

type callInfoKey struct{}

func withCallInfo(ctx context.Context, info *callInfo) context.Context {
	return context.WithValue(ctx, callInfoKey{}, info)
}

// RequestID returns the request id (the x-amzn-RequestId of the response) of
// the ECS API request ctx belongs to, or "" outside one. Backends use it to
// tie their logs to the edge's.
func RequestID(ctx context.Context) string {
	if info, ok := ctx.Value(callInfoKey{}).(*callInfo); ok {
		return info.requestID
	}
	return ""
}

// AccessKeyID returns the access key id that signed the ECS API request ctx
// belongs to, or "" outside one.
func AccessKeyID(ctx context.Context) string {
	if info, ok := ctx.Value(callInfoKey{}).(*callInfo); ok {
		return info.accessKeyID
	}
	return ""
}

// ClientURL returns the base URL the client used to reach the server
// (scheme and host, as the request's Host header and TLS, or a proxy's
// X-Forwarded-Proto and X-Forwarded-Host, say), or "" outside a request.
// DiscoverPollEndpoint answers with it, so an agent opens its channel to
// the address it already reaches the API on.
func ClientURL(ctx context.Context) string {
	info, ok := ctx.Value(callInfoKey{}).(*callInfo)
	if !ok || info.request == nil {
		return ""
	}
	r := info.request
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	host := r.Host
	if h := r.Header.Get("X-Forwarded-Host"); h != "" {
		host, _, _ = strings.Cut(h, ",")
		host = strings.TrimSpace(host)
	}
	if host == "" {
		return ""
	}
	return scheme + "://" + host
}
