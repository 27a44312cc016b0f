package e2e

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

func TestSignatureErrors(t *testing.T) {
	h := start(t)
	cases := []struct {
		name, key, secret, code string
	}{
		{"wrong secret", testKey, "wrong", "InvalidSignatureException"},
		{"unknown key", "AKIDNOBODY", testSecret, "UnrecognizedClientException"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newClient(h.srv.URL, tc.key, tc.secret).ListClusters(ctx(t), &ecs.ListClustersInput{})
			wantAPIError(t, err, tc.code, "")
		})
	}
}

func TestUnimplementedOperationIsNamed(t *testing.T) {
	h := start(t)
	_, err := h.ecs.ListServices(ctx(t), &ecs.ListServicesInput{})
	if err == nil {
		t.Skip("ListServices is implemented now; pick another unimplemented operation")
	}
	wantAPIError(t, err, "UnsupportedFeatureException", "")
}
