package cli

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
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/berth-io/berth/internal/buildinfo"
)

// Environment variables berth reads besides the AWS ones.
const (
	envEndpoint     = "BERTH_ENDPOINT"
	envAccessKey    = "BERTH_ACCESS_KEY_ID"
	envSecretKey    = "BERTH_SECRET_ACCESS_KEY"
	envSessionToken = "BERTH_SESSION_TOKEN"
	envWaiterDelay  = "BERTH_WAITER_DELAY"
)

// newClient resolves endpoint, region, credentials, retry and HTTP
// settings for one invocation:
//
//   - endpoint: --endpoint-url, BERTH_ENDPOINT, AWS_ENDPOINT_URL_ECS,
//     AWS_ENDPOINT_URL, the profile's endpoint_url, then
//     https://ecs.<region>.amazonaws.com;
//   - region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's;
//   - credentials: none with --no-sign-request, else BERTH_ACCESS_KEY_ID and
//     BERTH_SECRET_ACCESS_KEY (and BERTH_SESSION_TOKEN), else the AWS chain
//     of aws-sdk-go-v2 (environment, --profile / AWS_PROFILE, shared files,
//     SSO, process, container and instance roles).
func (r *runner) newClient(ctx context.Context, g globalOptions) (*client, error) {
	opts := []func(*config.LoadOptions) error{}
	if g.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(g.profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		var missing config.SharedConfigProfileNotExistError
		if errors.As(err, &missing) {
			return nil, &configError{msg: fmt.Sprintf("The config profile (%s) could not be found", missing.Profile)}
		}
		return nil, &configError{msg: "Invalid AWS configuration: " + err.Error()}
	}
	region := firstNonEmpty(g.region, os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"), cfg.Region)
	if region == "" {
		return nil, &configError{msg: "You must specify a region. You can also configure your region by running \"aws configure\", or set AWS_REGION."}
	}
	endpoint, err := resolveEndpoint(g, cfg, region)
	if err != nil {
		return nil, err
	}
	httpClient, err := newHTTPClient(g)
	if err != nil {
		return nil, err
	}
	c := &client{
		endpoint:  endpoint,
		region:    region,
		signer:    v4.NewSigner(),
		http:      httpClient,
		userAgent: "berth/" + buildinfo.Version + " ecs-cli",
		sleep:     r.sleep,
	}
	if !g.noSignRequest {
		c.creds = credentialsProvider(cfg)
	}
	c.retryer = retry.NewStandard(func(o *retry.StandardOptions) {
		if cfg.RetryMaxAttempts > 0 {
			o.MaxAttempts = cfg.RetryMaxAttempts
		}
		if r.backoff != nil {
			o.Backoff = r.backoff
		}
	})
	if g.debug {
		c.debug = r.stderr
	}
	return c, nil
}

// credentialsProvider prefers berth's own variables over the AWS chain.
func credentialsProvider(cfg aws.Config) aws.CredentialsProvider {
	id, secret := os.Getenv(envAccessKey), os.Getenv(envSecretKey)
	if id != "" && secret != "" {
		return credentials.NewStaticCredentialsProvider(id, secret, os.Getenv(envSessionToken))
	}
	if cfg.Credentials == nil {
		return nil
	}
	return cfg.Credentials
}

func resolveEndpoint(g globalOptions, cfg aws.Config, region string) (string, error) {
	endpoint := firstNonEmpty(g.endpointURL, os.Getenv(envEndpoint))
	if endpoint == "" && !strings.EqualFold(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		endpoint = firstNonEmpty(os.Getenv("AWS_ENDPOINT_URL_ECS"), os.Getenv("AWS_ENDPOINT_URL"))
		if endpoint == "" && cfg.BaseEndpoint != nil {
			endpoint = *cfg.BaseEndpoint
		}
	}
	if endpoint == "" {
		suffix := "amazonaws.com"
		if strings.HasPrefix(region, "cn-") {
			suffix = "amazonaws.com.cn"
		}
		return "https://ecs." + region + "." + suffix + "/", nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", &usageError{msg: fmt.Sprintf("Bad value for --endpoint-url %q: scheme is missing. Must be of the form http://<hostname>/ or https://<hostname>/", endpoint)}
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String(), nil
}

// newHTTPClient applies --cli-connect-timeout, --cli-read-timeout (60 s
// each by default, 0 for none), --no-verify-ssl and --ca-bundle / AWS_CA_BUNDLE.
func newHTTPClient(g globalOptions) (*http.Client, error) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	dialer := &net.Dialer{Timeout: seconds(g.connectTimeout, 60*time.Second), KeepAlive: 30 * time.Second}
	transport.DialContext = dialer.DialContext
	transport.ResponseHeaderTimeout = seconds(g.readTimeout, 60*time.Second)
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if g.noVerifySSL {
		tlsConfig.InsecureSkipVerify = true //nolint:gosec // the user asked for it with --no-verify-ssl
	}
	if bundle := firstNonEmpty(g.caBundle, os.Getenv("AWS_CA_BUNDLE")); bundle != "" {
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

func seconds(text string, def time.Duration) time.Duration {
	if text == "" {
		return def
	}
	f, _ := strconv.ParseFloat(text, 64)
	return time.Duration(f * float64(time.Second))
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
