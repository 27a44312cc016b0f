package ecsapi

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestSDKListClusters(t *testing.T) {
	e := startEdge(t)
	out, err := e.client(testSecret).ListClusters(context.Background(), &awsecs.ListClustersInput{})
	if err != nil {
		t.Fatalf("ListClusters: %v", err)
	}
	if want := []string{clusterARN("default")}; !slices.Equal(out.ClusterArns, want) {
		t.Errorf("ClusterArns: got %v, want %v", out.ClusterArns, want)
	}
	id, ok := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	if !ok || !uuidPattern.MatchString(id) {
		t.Errorf("request id: got %q (present %v), want a UUIDv4", id, ok)
	}
}

// TestSDKContextCarriesCaller checks that the backend sees the request id the
// client gets back and the access key id that signed the request.
func TestSDKContextCarriesCaller(t *testing.T) {
	e := startEdge(t)
	out, err := e.client(testSecret).DescribeClusters(context.Background(), &awsecs.DescribeClustersInput{Clusters: []string{"prod"}})
	if err != nil {
		t.Fatalf("DescribeClusters: %v", err)
	}
	if len(out.Clusters) != 1 {
		t.Fatalf("clusters: got %d, want 1", len(out.Clusters))
	}
	tags := map[string]string{}
	for _, tag := range out.Clusters[0].Tags {
		tags[*tag.Key] = *tag.Value
	}
	id, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	if tags["request-id"] != id {
		t.Errorf("backend request id: got %q, want the response's %q", tags["request-id"], id)
	}
	if tags["access-key-id"] != testAccessKeyID {
		t.Errorf("backend access key id: got %q, want %q", tags["access-key-id"], testAccessKeyID)
	}
}

func TestSDKTimestampIsEpochSeconds(t *testing.T) {
	e := startEdge(t)
	out, err := e.client(testSecret).RunTask(context.Background(), &awsecs.RunTaskInput{TaskDefinition: ptr("web:1")})
	if err != nil {
		t.Fatalf("RunTask: %v", err)
	}
	if len(out.Tasks) != 1 || out.Tasks[0].CreatedAt == nil {
		t.Fatalf("tasks: got %+v, want one task with createdAt", out.Tasks)
	}
	if got := *out.Tasks[0].CreatedAt; !got.Equal(createdAt) {
		t.Errorf("createdAt: got %v, want %v", got, createdAt)
	}
}

// TestSDKErrors checks that the SDK maps every error the edge writes to the
// modelled exception type (or the code, for unmodelled ones), with the
// status and a request id.
func TestSDKErrors(t *testing.T) {
	runTask := func(cluster string) func(context.Context, *awsecs.Client) error {
		return func(ctx context.Context, c *awsecs.Client) error {
			_, err := c.RunTask(ctx, &awsecs.RunTaskInput{TaskDefinition: ptr("web:1"), Cluster: ptr(cluster)})
			return err
		}
	}
	tests := []struct {
		name       string
		secret     string
		call       func(context.Context, *awsecs.Client) error
		wantStatus int
		wantCode   string
		wantMsg    string
		check      func(t *testing.T, err error)
	}{
		{
			name: "cluster not found", call: runTask("missing"),
			wantStatus: 400, wantCode: "ClusterNotFoundException", wantMsg: "Cluster not found.",
			check: wantType[*types.ClusterNotFoundException],
		},
		{
			name: "wrapped invalid parameter", call: runTask("invalid"),
			wantStatus: 400, wantCode: "InvalidParameterException", wantMsg: "count must be at most 10.",
			check: wantType[*types.InvalidParameterException],
		},
		{
			name: "conflict carries resource ids", call: runTask("conflict"),
			wantStatus: 400, wantCode: "ConflictException", wantMsg: "The clientToken was used with other parameters.",
			check: func(t *testing.T, err error) {
				var ce *types.ConflictException
				if !errors.As(err, &ce) {
					t.Fatalf("error type: got %T, want *types.ConflictException", err)
				}
				if want := []string{taskARN("t1"), taskARN("t2")}; !slices.Equal(ce.ResourceIds, want) {
					t.Errorf("ResourceIds: got %v, want %v", ce.ResourceIds, want)
				}
			},
		},
		{
			name: "plain error hides its text", call: runTask("internal"),
			wantStatus: 500, wantCode: "ServerException", wantMsg: "An internal error occurred.",
			check: wantType[*types.ServerException],
		},
		{
			name: "panic", call: runTask("panic"),
			wantStatus: 500, wantCode: "ServerException", wantMsg: "An internal error occurred.",
			check: wantType[*types.ServerException],
		},
		{
			name: "model validation",
			call: func(ctx context.Context, c *awsecs.Client) error {
				_, err := c.RunTask(ctx, &awsecs.RunTaskInput{TaskDefinition: ptr("web:1"), LaunchType: "BOGUS"})
				return err
			},
			wantStatus: 400, wantCode: "InvalidParameterException",
			wantMsg: "1 validation error detected: Value 'BOGUS' at 'launchType' failed to satisfy constraint: Member must satisfy enum value set: [",
			check:   wantType[*types.InvalidParameterException],
		},
		{
			name: "oversized body",
			call: func(ctx context.Context, c *awsecs.Client) error {
				_, err := c.RunTask(ctx, &awsecs.RunTaskInput{TaskDefinition: ptr("web:1"), StartedBy: ptr(strings.Repeat("x", DefaultMaxBodyBytes))})
				return err
			},
			wantStatus: 400, wantCode: "ClientException", wantMsg: "The request body is larger than the limit of 1048576 bytes.",
			check: wantType[*types.ClientException],
		},
		{
			name:   "wrong secret",
			secret: "not-the-secret",
			call: func(ctx context.Context, c *awsecs.Client) error {
				_, err := c.ListClusters(ctx, &awsecs.ListClustersInput{})
				return err
			},
			wantStatus: 400, wantCode: "InvalidSignatureException",
			wantMsg: "The request signature we calculated does not match the signature you provided.",
		},
		{
			name: "unimplemented operation",
			call: func(ctx context.Context, c *awsecs.Client) error {
				_, err := c.CreateCluster(ctx, &awsecs.CreateClusterInput{ClusterName: ptr("prod")})
				return err
			},
			wantStatus: 400, wantCode: "UnsupportedFeatureException", wantMsg: "berth does not implement CreateCluster yet.",
		},
	}
	e := startEdge(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			secret := tc.secret
			if secret == "" {
				secret = testSecret
			}
			err := tc.call(context.Background(), e.client(secret))
			if err == nil {
				t.Fatalf("got no error, want %s", tc.wantCode)
			}
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v (%T) is not a smithy.APIError", err, err)
			}
			if apiErr.ErrorCode() != tc.wantCode {
				t.Errorf("code: got %q, want %q", apiErr.ErrorCode(), tc.wantCode)
			}
			if !strings.HasPrefix(apiErr.ErrorMessage(), tc.wantMsg) {
				t.Errorf("message: got %q, want prefix %q", apiErr.ErrorMessage(), tc.wantMsg)
			}
			var respErr *awshttp.ResponseError
			if !errors.As(err, &respErr) {
				t.Fatalf("error %v carries no *awshttp.ResponseError", err)
			}
			if respErr.HTTPStatusCode() != tc.wantStatus {
				t.Errorf("status: got %d, want %d", respErr.HTTPStatusCode(), tc.wantStatus)
			}
			if !uuidPattern.MatchString(respErr.ServiceRequestID()) {
				t.Errorf("request id: got %q, want a UUIDv4", respErr.ServiceRequestID())
			}
			if tc.check != nil {
				tc.check(t, err)
			}
		})
	}
}

// wantType fails unless err wraps a T.
func wantType[T error](t *testing.T, err error) {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Errorf("error type: got %T (%v), want %T", err, err, target)
	}
}

func TestSDKUnknownAccessKey(t *testing.T) {
	e := startEdge(t)
	c := awsecs.New(e.client(testSecret).Options(), func(o *awsecs.Options) {
		o.Credentials = staticCreds("AKIDNOBODYKNOWS", testSecret)
	})
	_, err := c.ListClusters(context.Background(), &awsecs.ListClustersInput{})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "UnrecognizedClientException" {
		t.Fatalf("error: got %v, want UnrecognizedClientException", err)
	}
	if got := e.backend.calls.Load(); got != 0 {
		t.Errorf("backend calls: got %d, want 0", got)
	}
}

func ptr[T any](v T) *T { return &v }
