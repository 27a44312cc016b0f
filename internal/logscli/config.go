package logscli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/berth-io/berth/internal/clientconfig"
	"github.com/berth-io/berth/internal/logsapi"
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

// newClient resolves endpoint, region, credentials and the HTTP client
// with package clientconfig (see the package documentation). The HTTP
// client has no overall timeout, since a followed stream lasts as long as
// the container; connecting and the response headers are bounded.
func newClient(ctx context.Context, o options) (*client, error) {
	cc, err := clientconfig.Resolve(ctx, clientconfig.Options{
		EndpointURL:    o.endpointURL,
		Region:         o.region,
		Profile:        o.profile,
		CABundle:       o.caBundle,
		NoVerifySSL:    o.noVerifySSL,
		ConnectTimeout: clientconfig.DefaultTimeout,
		ReadTimeout:    clientconfig.DefaultTimeout,
	})
	if err != nil {
		return nil, fromClientConfig(err)
	}
	if cc.Endpoint == nil {
		return nil, &configError{msg: "No berth endpoint: set --endpoint-url or BERTH_ENDPOINT (e.g. http://127.0.0.1:8080/)."}
	}
	u := *cc.Endpoint
	u.Path = strings.TrimSuffix(u.Path, "/") + logsapi.Path
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	creds, err := clientconfig.Retrieve(ctx, cc.Credentials)
	if err != nil {
		return nil, &configError{msg: err.Error()}
	}
	return &client{url: &u, region: cc.Region, creds: creds, signer: v4.NewSigner(), http: cc.HTTPClient}, nil
}

// fromClientConfig words a clientconfig error as `berth logs` does: every
// one is a configuration error (exit 253).
func fromClientConfig(err error) error {
	var ce *clientconfig.Error
	if errors.As(err, &ce) {
		switch ce.Reason {
		case clientconfig.NoRegion:
			return &configError{msg: "You must specify a region with --region, AWS_REGION or the profile's region."}
		case clientconfig.BadEndpoint:
			return &configError{msg: fmt.Sprintf("Bad endpoint %q: it must be of the form http://<hostname>/ or https://<hostname>/", ce.Value)}
		}
	}
	return &configError{msg: err.Error()}
}
