package clientconfig

import (
	"context"
	"crypto/x509"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// get sends a GET to url with c and returns the error, closing the body.
func get(t *testing.T, c *http.Client, url string) error {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func TestHTTPClientTrust(t *testing.T) {
	tests := []struct {
		name string
		// opts and env get the server's CA file for "SERVER" and one of
		// a CA that signed nothing for "OTHER".
		opts      Options
		env       map[string]string
		wantTrust bool
	}{
		{name: "system roots do not know the test CA", wantTrust: false},
		{name: "--ca-bundle", opts: Options{CABundle: "SERVER"}, wantTrust: true},
		{name: "AWS_CA_BUNDLE", env: map[string]string{"AWS_CA_BUNDLE": "SERVER"}, wantTrust: true},
		{name: "--ca-bundle beats AWS_CA_BUNDLE", opts: Options{CABundle: "SERVER"}, env: map[string]string{"AWS_CA_BUNDLE": "OTHER"}, wantTrust: true},
		{name: "AWS_CA_BUNDLE loses to --ca-bundle", opts: Options{CABundle: "OTHER"}, env: map[string]string{"AWS_CA_BUNDLE": "SERVER"}, wantTrust: false},
		{name: "--no-verify-ssl", opts: Options{NoVerifySSL: true}, wantTrust: true},
		{name: "--no-verify-ssl with another CA", opts: Options{NoVerifySSL: true, CABundle: "OTHER"}, wantTrust: true},
	}
	srv, serverCA := tlsServer(t)
	anotherCA := otherCA(t)
	file := func(s string) string {
		switch s {
		case "SERVER":
			return serverCA
		case "OTHER":
			return anotherCA
		}
		return s
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t, nil)
			for k, v := range tt.env {
				t.Setenv(k, file(v))
			}
			tt.opts.CABundle = file(tt.opts.CABundle)
			tt.opts.Region = "us-east-1"
			err := get(t, resolve(t, tt.opts).HTTPClient, srv.URL)
			var unknown x509.UnknownAuthorityError
			switch {
			case tt.wantTrust && err != nil:
				t.Errorf("GET %s: got %v, want success", srv.URL, err)
			case !tt.wantTrust && !errors.As(err, &unknown):
				t.Errorf("GET %s: got %v, want an unknown authority error", srv.URL, err)
			}
		})
	}
}

func TestHTTPClientBadCABundle(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	writeFile(t, notPEM, "this is not a certificate\n")
	missing := filepath.Join(dir, "missing.pem")
	tests := []struct {
		name    string
		bundle  string
		wantMsg string
		wantErr error
	}{
		{name: "missing file", bundle: missing, wantMsg: "Unable to read the CA bundle " + missing + ": ", wantErr: fs.ErrNotExist},
		{name: "no PEM certificate", bundle: notPEM, wantMsg: "The CA bundle " + notPEM + " holds no PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t, nil)
			err := resolveError(t, Options{Region: "us-east-1", CABundle: tt.bundle})
			if err.Reason != BadCABundle || err.Value != tt.bundle || err.Usage() {
				t.Fatalf("got reason %d value %q usage %v, want %d %q false", err.Reason, err.Value, err.Usage(), BadCABundle, tt.bundle)
			}
			if !strings.HasPrefix(err.Error(), tt.wantMsg) {
				t.Errorf("message: got %q, want it to start with %q", err.Error(), tt.wantMsg)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("errors.Is(%v, %v): got false, want true", err, tt.wantErr)
			}
		})
	}
}

func TestHTTPClientReadTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		<-release
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	defer close(release)
	isolate(t, nil)
	c := resolve(t, Options{Region: "us-east-1", ConnectTimeout: DefaultTimeout, ReadTimeout: time.Millisecond})
	err := get(t, c.HTTPClient, srv.URL)
	if err == nil || !strings.Contains(err.Error(), "timeout awaiting response headers") {
		t.Errorf("GET of a server that never answers: got %v, want a response header timeout", err)
	}
}
