package clientconfig

import (
	"cmp"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"time"
)

// newHTTPClient builds the client of o: a clone of http.DefaultTransport
// with o's connect and response-header timeouts, TLS 1.2 or later, the CA
// bundle of o.CABundle or AWS_CA_BUNDLE as the only roots, and no
// certificate check with o.NoVerifySSL. It has no overall timeout: a
// followed log stream lasts as long as its container.
func newHTTPClient(o Options) (*http.Client, error) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	dialer := &net.Dialer{Timeout: o.ConnectTimeout, KeepAlive: 30 * time.Second}
	transport.DialContext = dialer.DialContext
	transport.ResponseHeaderTimeout = o.ReadTimeout
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.NoVerifySSL {
		tlsConfig.InsecureSkipVerify = true //nolint:gosec // the user asked for it with --no-verify-ssl
	}
	if bundle := cmp.Or(o.CABundle, os.Getenv("AWS_CA_BUNDLE")); bundle != "" {
		pool, err := readCABundle(bundle)
		if err != nil {
			return nil, err
		}
		tlsConfig.RootCAs = pool
	}
	transport.TLSClientConfig = tlsConfig
	return &http.Client{Transport: transport}, nil
}

// readCABundle reads the PEM certificates of the file at path.
func readCABundle(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{Reason: BadCABundle, Value: path, Err: err}
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, &Error{Reason: BadCABundle, Value: path}
	}
	return pool, nil
}
