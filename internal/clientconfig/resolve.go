package clientconfig

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// DefaultTimeout is the connect and read timeout of the aws CLI, for
// Options.ConnectTimeout and Options.ReadTimeout.
const DefaultTimeout = 60 * time.Second

// Options are the command-line settings of one invocation; an empty field
// leaves the choice to the environment and the shared AWS files (see the
// package documentation).
type Options struct {
	// EndpointURL is --endpoint-url.
	EndpointURL string
	// SDKEndpoint leaves the endpoint to an aws-sdk-go-v2 service client
	// built from Config.AWS, which reads AWS_ENDPOINT_URL_<SERVICE>,
	// AWS_ENDPOINT_URL and the profile itself: Resolve then reads no
	// endpoint source (EndpointURL included) and Config.Endpoint is nil.
	SDKEndpoint bool
	// Region is --region.
	Region string
	// DefaultRegion is the region when no source names one; "" makes a
	// missing region an error (NoRegion).
	DefaultRegion string
	// Profile is --profile: the shared-file profile to read region,
	// endpoint_url and credentials from.
	Profile string

	// HTTPClient, when not nil, is the client to use as is; the fields
	// below are then ignored.
	HTTPClient *http.Client
	// CABundle is --ca-bundle: a PEM file of the CAs to trust for https,
	// instead of the system's. "" falls back to AWS_CA_BUNDLE.
	CABundle string
	// NoVerifySSL is --no-verify-ssl: accept any server certificate.
	NoVerifySSL bool
	// ConnectTimeout bounds establishing a connection and ReadTimeout the
	// wait for the response headers; zero means no limit, as with
	// net.Dialer and http.Transport. The aws CLI uses DefaultTimeout.
	ConnectTimeout time.Duration
	ReadTimeout    time.Duration
}

// Config is what Resolve found.
type Config struct {
	// Endpoint is the absolute http:// or https:// URL to send requests
	// to, with at least "/" as its path; nil when no source names one (or
	// with Options.SDKEndpoint).
	Endpoint *url.URL
	// Region is the signing region.
	Region string
	// Credentials provides the key pair to sign with; see Retrieve. It is
	// nil only when aws-sdk-go-v2 resolved no provider at all.
	Credentials aws.CredentialsProvider
	// HTTPClient sends the requests.
	HTTPClient *http.Client
	// AWS is aws-sdk-go-v2's configuration loaded for the profile, with
	// Region and Credentials set to the fields above, for building SDK
	// service clients and reading the retry settings (AWS_MAX_ATTEMPTS,
	// max_attempts).
	AWS aws.Config
}

// Resolve loads the AWS configuration for o.Profile and resolves, in this
// order, the region, the endpoint and the HTTP client. Any failure is an
// *Error; nothing is sent over the network.
func Resolve(ctx context.Context, o Options) (*Config, error) {
	cfg, err := load(ctx, o.Profile, o.Region)
	if err != nil {
		return nil, err
	}
	c := &Config{Credentials: cfg.Credentials, AWS: cfg}
	c.Region = cmp.Or(o.Region, os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"), cfg.Region, o.DefaultRegion)
	if c.Region == "" {
		return nil, &Error{Reason: NoRegion}
	}
	c.AWS.Region = c.Region
	if !o.SDKEndpoint {
		if c.Endpoint, err = resolveEndpoint(o.EndpointURL, cfg); err != nil {
			return nil, err
		}
	}
	c.HTTPClient = o.HTTPClient
	if c.HTTPClient == nil {
		if c.HTTPClient, err = newHTTPClient(o); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// load runs aws-sdk-go-v2's loader for profile ("" for its own choice).
// region, when set, is the one the SDK's own calls (STS, SSO) use. The
// BERTH_ key pair, when set, is handed to the loader as the credentials,
// so the SDK's chain is neither built nor consulted.
func load(ctx context.Context, profile, region string) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	if creds, ok := berthCredentials(os.Getenv); ok {
		opts = append(opts, config.WithCredentialsProvider(credentials.StaticCredentialsProvider{Value: creds}))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		var missing config.SharedConfigProfileNotExistError
		if errors.As(err, &missing) {
			return aws.Config{}, &Error{Reason: ProfileNotFound, Value: missing.Profile, Err: err}
		}
		return aws.Config{}, &Error{Reason: InvalidConfig, Err: err}
	}
	return cfg, nil
}
