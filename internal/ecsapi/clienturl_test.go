package ecsapi

import (
	"context"
	"crypto/tls"
	"net/http/httptest"
	"testing"
)

func TestClientURL(t *testing.T) {
	cases := []struct {
		name    string
		host    string
		tls     bool
		headers map[string]string
		want    string
	}{
		{"plain", "10.0.0.5:4510", false, nil, "http://10.0.0.5:4510"},
		{"tls", "berth.example:443", true, nil, "https://berth.example:443"},
		{"behind a TLS proxy", "127.0.0.1:4510", false, map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "berth.example, inner"}, "https://berth.example"},
		{"bogus proto ignored", "h:1", false, map[string]string{"X-Forwarded-Proto": "gopher"}, "http://h:1"},
	}
	for _, tc := range cases {
		r := httptest.NewRequest("POST", "/", nil)
		r.Host = tc.host
		if tc.tls {
			r.TLS = &tls.ConnectionState{}
		}
		for k, v := range tc.headers {
			r.Header.Set(k, v)
		}
		ctx := withCallInfo(context.Background(), &callInfo{request: r})
		if got := ClientURL(ctx); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := ClientURL(context.Background()); got != "" {
		t.Errorf("outside a request: got %q, want empty", got)
	}
}
