package clientconfig

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// isolate clears every variable Resolve or aws-sdk-go-v2 reads, points
// the shared files at a temporary config file holding profiles and an
// empty credentials file, then sets the variables of env.
func isolate(t *testing.T, env map[string]string) {
	t.Helper()
	dir := t.TempDir()
	configFile, credentialsFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	writeFile(t, configFile, profiles)
	writeFile(t, credentialsFile, "")
	for _, k := range []string{
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
		"AWS_CA_BUNDLE", "AWS_MAX_ATTEMPTS", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		EnvEndpoint, EnvAccessKeyID, EnvSecretAccessKey, EnvSessionToken,
	} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", configFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credentialsFile)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for k, v := range env {
		t.Setenv(k, v)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// profiles is a config file with the profiles the tests read: "berth"
// with a region, an endpoint and a key pair; "regionless" with a key pair
// only; "broken" with a role whose credential_source does not exist.
const profiles = `[profile berth]
region = eu-west-3
endpoint_url = http://profile.test:8080
aws_access_key_id = AKIDPROFILE
aws_secret_access_key = profile-secret

[profile regionless]
aws_access_key_id = AKIDREGIONLESS
aws_secret_access_key = regionless-secret

[profile broken]
region = eu-west-3
role_arn = arn:aws:iam::123456789012:role/nobody
credential_source = Nowhere
`

// resolve runs Resolve with o and fails the test on an error.
func resolve(t *testing.T, o Options) *Config {
	t.Helper()
	c, err := Resolve(context.Background(), o)
	if err != nil {
		t.Fatalf("Resolve(%+v): got error %v, want none", o, err)
	}
	return c
}

// resolveError runs Resolve with o and returns its *Error, failing the
// test when there is none.
func resolveError(t *testing.T, o Options) *Error {
	t.Helper()
	_, err := Resolve(context.Background(), o)
	ce, ok := err.(*Error)
	if !ok {
		t.Fatalf("Resolve(%+v): got error %v, want an *Error", o, err)
	}
	return ce
}

// tlsServer is an https server on 127.0.0.1 that answers 204, with the
// path of a PEM file holding its certificate. Its failed handshakes are
// not logged.
func tlsServer(t *testing.T) (srv *httptest.Server, caFile string) {
	t.Helper()
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, pemFile(t, srv.Certificate().Raw)
}

// otherCA is the path of a PEM file holding a new self-signed CA that
// signed nothing.
func otherCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "clientconfig test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pemFile(t, der)
}

// pemFile writes the certificate der to a PEM file and returns its path.
func pemFile(t *testing.T, der []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	writeFile(t, path, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	return path
}
