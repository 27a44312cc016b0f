package logscli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/berth-io/berth/internal/logsapi"
)

// Environment variables berth reads besides the AWS ones; the same as
// `berth ecs`.
const (
	envEndpoint     = "BERTH_ENDPOINT"
	envAccessKey    = "BERTH_ACCESS_KEY_ID"
	envSecretKey    = "BERTH_SECRET_ACCESS_KEY"
	envSessionToken = "BERTH_SESSION_TOKEN"
)

// client is what one invocation resolved: where to send the request and
// how to sign it.
type client struct {
	url    *url.URL // the logs endpoint, without query
	region string
	creds  aws.Credentials
	signer *v4.Signer
	http   *http.Client
}

// newClient resolves endpoint, region and credentials (see the package
// documentation) and builds the HTTP client.
func newClient(ctx context.Context, o options) (*client, error) {
	var loadOpts []func(*config.LoadOptions) error
	if o.profile != "" {
		loadOpts = append(loadOpts, config.WithSharedConfigProfile(o.profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		var missing config.SharedConfigProfileNotExistError
		if errors.As(err, &missing) {
			return nil, &configError{msg: fmt.Sprintf("The config profile (%s) could not be found", missing.Profile)}
		}
		return nil, &configError{msg: "Invalid AWS configuration: " + err.Error()}
	}
	region := firstNonEmpty(o.region, os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"), cfg.Region)
	if region == "" {
		return nil, &configError{msg: "You must specify a region with --region, AWS_REGION or the profile's region."}
	}
	u, err := logsURL(o, cfg)
	if err != nil {
		return nil, err
	}
	creds, err := credentials(ctx, cfg)
	if err != nil {
		return nil, err
	}
	hc, err := newHTTPClient(o)
	if err != nil {
		return nil, err
	}
	return &client{url: u, region: region, creds: creds, signer: v4.NewSigner(), http: hc}, nil
}

// logsURL resolves the endpoint and appends logsapi.Path to its path.
func logsURL(o options, cfg aws.Config) (*url.URL, error) {
	endpoint := firstNonEmpty(o.endpointURL, os.Getenv(envEndpoint))
	if endpoint == "" && !strings.EqualFold(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		endpoint = firstNonEmpty(os.Getenv("AWS_ENDPOINT_URL_ECS"), os.Getenv("AWS_ENDPOINT_URL"))
		if endpoint == "" && cfg.BaseEndpoint != nil {
			endpoint = *cfg.BaseEndpoint
		}
	}
	if endpoint == "" {
		return nil, &configError{msg: "No berth endpoint: set --endpoint-url or BERTH_ENDPOINT (e.g. http://127.0.0.1:8080/)."}
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, &configError{msg: fmt.Sprintf("Bad endpoint %q: it must be of the form http://<hostname>/ or https://<hostname>/", endpoint)}
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + logsapi.Path
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	return u, nil
}

// credentials prefers berth's own variables over the AWS chain.
func credentials(ctx context.Context, cfg aws.Config) (aws.Credentials, error) {
	id, secret := os.Getenv(envAccessKey), os.Getenv(envSecretKey)
	if id != "" && secret != "" {
		return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: os.Getenv(envSessionToken)}, nil
	}
	const hint = "Unable to locate credentials. Set BERTH_ACCESS_KEY_ID and BERTH_SECRET_ACCESS_KEY, or configure AWS credentials (aws configure)."
	if cfg.Credentials == nil {
		return aws.Credentials{}, &configError{msg: hint}
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil || !creds.HasKeys() {
		if err != nil {
			return aws.Credentials{}, &configError{msg: hint + " (" + err.Error() + ")"}
		}
		return aws.Credentials{}, &configError{msg: hint}
	}
	return creds, nil
}

// newHTTPClient applies --ca-bundle / AWS_CA_BUNDLE and --no-verify-ssl.
// It has no overall timeout, since a followed stream lasts as long as the
// container; connecting and the response headers are bounded.
func newHTTPClient(o options) (*http.Client, error) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DialContext = (&net.Dialer{Timeout: 60 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	transport.ResponseHeaderTimeout = 60 * time.Second
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.noVerifySSL {
		tlsConfig.InsecureSkipVerify = true //nolint:gosec // the user asked for it with --no-verify-ssl
	}
	if bundle := firstNonEmpty(o.caBundle, os.Getenv("AWS_CA_BUNDLE")); bundle != "" {
		pem, err := os.ReadFile(bundle)
		if err != nil {
			return nil, &configError{msg: fmt.Sprintf("Unable to read the CA bundle %s: %v", bundle, err)}
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, &configError{msg: fmt.Sprintf("The CA bundle %s holds no PEM certificate", bundle)}
		}
		tlsConfig.RootCAs = pool
	}
	transport.TLSClientConfig = tlsConfig
	return &http.Client{Transport: transport}, nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
