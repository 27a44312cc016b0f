package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// TestDiscoverPollEndpointEchoesTheClientsURL checks that agents are told
// the address they reached the API on (not a wildcard listen address), in
// both the host:port and the localhost spelling.
func TestDiscoverPollEndpointEchoesTheClientsURL(t *testing.T) {
	h := start(t)
	port := h.srv.URL[strings.LastIndexByte(h.srv.URL, ':'):]
	for _, base := range []string{h.srv.URL, "http://localhost" + port} {
		out, err := newClient(base, testKey, testSecret).DiscoverPollEndpoint(ctx(t), &ecs.DiscoverPollEndpointInput{})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(out.Endpoint); got != base {
			t.Errorf("got endpoint %q, want %q", got, base)
		}
	}
}
