package cli

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/berth-io/berth/internal/buildinfo"
	"github.com/berth-io/berth/internal/clientconfig"
)

// envWaiterDelay overrides the delay between a waiter's polls.
const envWaiterDelay = "BERTH_WAITER_DELAY"

// newClient resolves endpoint, region, credentials and HTTP settings with
// package clientconfig, and adds the retry settings, for one invocation:
//
//   - endpoint: --endpoint-url, BERTH_ENDPOINT, AWS_ENDPOINT_URL_ECS,
//     AWS_ENDPOINT_URL, the profile's endpoint_url, then
//     https://ecs.<region>.amazonaws.com;
//   - region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's;
//   - credentials: none with --no-sign-request, else BERTH_ACCESS_KEY_ID and
//     BERTH_SECRET_ACCESS_KEY (and BERTH_SESSION_TOKEN), else the AWS chain
//     of aws-sdk-go-v2 (environment, --profile / AWS_PROFILE, shared files,
//     SSO, process, container and instance roles);
//   - HTTP: --cli-connect-timeout, --cli-read-timeout (60 s each by
//     default, 0 for none), --no-verify-ssl, --ca-bundle / AWS_CA_BUNDLE.
func (r *runner) newClient(ctx context.Context, g globalOptions) (*client, error) {
	cc, err := clientconfig.Resolve(ctx, clientconfig.Options{
		EndpointURL:    g.endpointURL,
		Region:         g.region,
		Profile:        g.profile,
		CABundle:       g.caBundle,
		NoVerifySSL:    g.noVerifySSL,
		ConnectTimeout: seconds(g.connectTimeout, clientconfig.DefaultTimeout),
		ReadTimeout:    seconds(g.readTimeout, clientconfig.DefaultTimeout),
	})
	if err != nil {
		return nil, fromClientConfig(err)
	}
	endpoint := ecsEndpoint(cc.Region)
	if cc.Endpoint != nil {
		endpoint = cc.Endpoint.String()
	}
	c := &client{
		endpoint:  endpoint,
		region:    cc.Region,
		signer:    v4.NewSigner(),
		http:      cc.HTTPClient,
		userAgent: "berth/" + buildinfo.Version + " ecs-cli",
		sleep:     r.sleep,
	}
	if !g.noSignRequest {
		c.creds = cc.Credentials
	}
	c.retryer = retry.NewStandard(func(o *retry.StandardOptions) {
		if cc.AWS.RetryMaxAttempts > 0 {
			o.MaxAttempts = cc.AWS.RetryMaxAttempts
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

// fromClientConfig maps a clientconfig error to its exit code: a bad
// endpoint is a usage error (252), anything else configuration (253).
func fromClientConfig(err error) error {
	var ce *clientconfig.Error
	if errors.As(err, &ce) && ce.Usage() {
		return &usageError{msg: err.Error()}
	}
	return &configError{msg: err.Error()}
}

// ecsEndpoint is Amazon ECS's endpoint in region.
func ecsEndpoint(region string) string {
	suffix := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return "https://ecs." + region + "." + suffix + "/"
}

// seconds reads a --cli-*-timeout value (checked to be a number when
// parsed); "" is def, 0 no limit.
func seconds(text string, def time.Duration) time.Duration {
	if text == "" {
		return def
	}
	f, _ := strconv.ParseFloat(text, 64)
	return time.Duration(f * float64(time.Second))
}
