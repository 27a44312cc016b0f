package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/berth-io/berth/internal/clientconfig"
)

// defaultRegion is signed for when neither --region nor the AWS
// configuration names one.
const defaultRegion = "us-east-1"

// clients are the two ECS clients of a run. Both are the official
// aws-sdk-go-v2 client and share one HTTP transport.
type clients struct {
	// measured makes the measured calls. It never retries, so throttling
	// and errors are counted rather than hidden behind retries.
	measured *ecs.Client
	// setup makes the calls before the run, with the SDK's standard
	// retries: none of them is measured.
	setup *ecs.Client
	// ec2 creates EC2 instances for --ec2-instances; nil without it.
	ec2 *ec2Runner
	// creds are what both clients sign with; --fleet's agents sign with
	// the same key pair.
	creds aws.CredentialsProvider
}

// newClients builds the clients for opts and fills in opts.region with the
// region they sign for, resolved by package clientconfig: --region,
// AWS_REGION, AWS_DEFAULT_REGION, the profile's, else us-east-1.
// Credentials are BERTH_ACCESS_KEY_ID and BERTH_SECRET_ACCESS_KEY when set,
// else the AWS default chain (environment, shared files, SSO, instance
// roles). The endpoint is --endpoint-url, else the SDK's own
// (AWS_ENDPOINT_URL_ECS, AWS_ENDPOINT_URL, the profile, the region's).
func newClients(ctx context.Context, opts *options) (clients, error) {
	cc, err := clientconfig.Resolve(ctx, clientconfig.Options{
		Region:        opts.region,
		DefaultRegion: defaultRegion,
		SDKEndpoint:   true,
		HTTPClient:    newHTTPClient(opts),
	})
	if err != nil {
		var ce *clientconfig.Error
		if errors.As(err, &ce) && ce.Err != nil {
			err = ce.Err // the SDK's own words, as before
		}
		return clients{}, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	cfg, hc := cc.AWS, cc.HTTPClient
	opts.region = cfg.Region

	endpoint := func(o *ecs.Options) {
		o.HTTPClient = hc
		if opts.lenientJSON {
			o.APIOptions = append(o.APIOptions, addLenientJSON)
		}
		if opts.endpoint != "" {
			o.BaseEndpoint = aws.String(opts.endpoint)
		}
	}
	cl := clients{
		measured: ecs.NewFromConfig(cfg, endpoint, func(o *ecs.Options) { o.Retryer = aws.NopRetryer{} }),
		setup:    ecs.NewFromConfig(cfg, endpoint),
		creds:    cfg.Credentials,
	}
	if opts.ec2Instances {
		cl.ec2 = &ec2Runner{hc: hc, endpoint: opts.endpoint, region: cfg.Region, creds: cfg.Credentials}
	}
	return cl, nil
}

// newHTTPClient returns an HTTP client whose transport keeps an idle
// connection for every client (and some for setup), so that connections
// are reused rather than redialled under load. Servers that close each
// connection (HTTP/1.0) still cost a dial per call: that is part of what
// is measured. opts.timeout bounds each call.
func newHTTPClient(opts *options) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	idle := opts.clients + 16
	tr.MaxIdleConns = idle
	tr.MaxIdleConnsPerHost = idle
	tr.MaxConnsPerHost = 0
	return &http.Client{Transport: ownBody{tr}, Timeout: opts.timeout}
}

// ownBody gives the transport a request body of its own.
//
// The SDK closes the request body as soon as the response arrives, and its
// body turns closed into io.EOF even for WriteTo. Go's transport writes a
// body straight to the socket and then reads it once more to check it is
// empty; when a fast server answers before that last read, the read meets
// the closed body, the write "fails", and the transport closes the
// connection under the response body being read: the call fails with
// "deserialization failed ... use of closed network connection"
// (aws/aws-sdk-go-v2#2737). Against berth on loopback this hit about one
// call in 3,000. Copying the body (the SDK's are small, in memory) into a
// reader the SDK never closes removes the race, for every server alike.
type ownBody struct{ next http.RoundTripper }

func (o ownBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return o.next.RoundTrip(r)
	}
	b, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the request body: %w", err)
	}
	own := *r // a RoundTripper must not change the request it was given
	own.Body = io.NopCloser(bytes.NewReader(b))
	own.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	own.ContentLength = int64(len(b))
	return o.next.RoundTrip(&own)
}
