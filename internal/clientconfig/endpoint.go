package clientconfig

import (
	"cmp"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// resolveEndpoint picks the endpoint from flag, BERTH_ENDPOINT and, unless
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true, AWS_ENDPOINT_URL_ECS,
// AWS_ENDPOINT_URL and the profile's endpoint_url (cfg.BaseEndpoint), and
// checks it. It returns nil when none is set.
func resolveEndpoint(flag string, cfg aws.Config) (*url.URL, error) {
	endpoint := cmp.Or(flag, os.Getenv(EnvEndpoint))
	if endpoint == "" && !strings.EqualFold(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		endpoint = cmp.Or(os.Getenv("AWS_ENDPOINT_URL_ECS"), os.Getenv("AWS_ENDPOINT_URL"))
		if endpoint == "" && cfg.BaseEndpoint != nil {
			endpoint = *cfg.BaseEndpoint
		}
	}
	if endpoint == "" {
		return nil, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, &Error{Reason: BadEndpoint, Value: endpoint}
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}
