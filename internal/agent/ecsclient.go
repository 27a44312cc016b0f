package agent

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// ecsAPI is the part of the ECS API the agent calls; *ecs.Client
// implements it.
type ecsAPI interface {
	RegisterContainerInstance(ctx context.Context, in *ecs.RegisterContainerInstanceInput, opts ...func(*ecs.Options)) (*ecs.RegisterContainerInstanceOutput, error)
	DiscoverPollEndpoint(ctx context.Context, in *ecs.DiscoverPollEndpointInput, opts ...func(*ecs.Options)) (*ecs.DiscoverPollEndpointOutput, error)
	SubmitTaskStateChange(ctx context.Context, in *ecs.SubmitTaskStateChangeInput, opts ...func(*ecs.Options)) (*ecs.SubmitTaskStateChangeOutput, error)
	SubmitContainerStateChange(ctx context.Context, in *ecs.SubmitContainerStateChangeInput, opts ...func(*ecs.Options)) (*ecs.SubmitContainerStateChangeOutput, error)
}

var _ ecsAPI = (*ecs.Client)(nil)

// newHTTPClient returns the client for ECS API calls; a fleet shares one.
func newHTTPClient(maxConnsPerHost int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = maxConnsPerHost
	return &http.Client{Transport: tr, Timeout: 60 * time.Second}
}

// newECSClient returns the official ECS client pointed at cfg.Endpoint with
// cfg's static credentials.
func newECSClient(cfg Config, httpClient *http.Client) *ecs.Client {
	return ecs.New(ecs.Options{
		Region:       cfg.Region,
		BaseEndpoint: aws.String(cfg.Endpoint),
		Credentials: aws.NewCredentialsCache(
			credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken)),
		HTTPClient: httpClient,
	})
}

// rejectedCodes are the ECS errors after which resending a report cannot
// help.
var rejectedCodes = map[string]bool{
	"ClientException":             true,
	"InvalidParameterException":   true,
	"ClusterNotFoundException":    true,
	"ResourceNotFoundException":   true,
	"UnsupportedFeatureException": true,
	"UnknownOperationException":   true,
	"SerializationException":      true,
	"AccessDeniedException":       true,
}

// permanent wraps ECS errors that retrying cannot fix with
// ErrReportRejected.
func permanent(err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) && rejectedCodes[ae.ErrorCode()] {
		return fmt.Errorf("%w: %w", ErrReportRejected, err)
	}
	return err
}

// sdkReporter sends reports with the official ECS client.
type sdkReporter struct {
	api ecsAPI
}

var _ Reporter = sdkReporter{}

// SubmitTaskStateChange sends change.Request; change.StopCode has no place
// on the wire (see TaskChange).
func (r sdkReporter) SubmitTaskStateChange(ctx context.Context, change TaskChange) error {
	req := change.Request
	in := &ecs.SubmitTaskStateChangeInput{
		Cluster:            optString(req.Cluster),
		Task:               optString(req.Task),
		Status:             optString(req.Status),
		Reason:             optString(req.Reason),
		PullStartedAt:      optTime(req.PullStartedAt),
		PullStoppedAt:      optTime(req.PullStoppedAt),
		ExecutionStoppedAt: optTime(req.ExecutionStoppedAt),
	}
	for _, c := range req.Containers {
		in.Containers = append(in.Containers, ecstypes.ContainerStateChange{
			ContainerName:   optString(c.ContainerName),
			Status:          optString(c.Status),
			ExitCode:        c.ExitCode,
			Reason:          optString(c.Reason),
			RuntimeId:       optString(c.RuntimeId),
			ImageDigest:     optString(c.ImageDigest),
			NetworkBindings: sdkBindings(c.NetworkBindings),
		})
	}
	_, err := r.api.SubmitTaskStateChange(ctx, in)
	return permanent(err)
}

// SubmitContainerStateChange sends one container's change.
func (r sdkReporter) SubmitContainerStateChange(ctx context.Context, c ecsmodel.SubmitContainerStateChangeRequest) error {
	_, err := r.api.SubmitContainerStateChange(ctx, &ecs.SubmitContainerStateChangeInput{
		Cluster:         optString(c.Cluster),
		Task:            optString(c.Task),
		ContainerName:   optString(c.ContainerName),
		Status:          optString(c.Status),
		ExitCode:        c.ExitCode,
		Reason:          optString(c.Reason),
		RuntimeId:       optString(c.RuntimeId),
		NetworkBindings: sdkBindings(c.NetworkBindings),
	})
	return permanent(err)
}

func sdkBindings(in []ecsmodel.NetworkBinding) []ecstypes.NetworkBinding {
	var out []ecstypes.NetworkBinding
	for _, b := range in {
		out = append(out, ecstypes.NetworkBinding{
			BindIP:        optString(b.BindIP),
			ContainerPort: b.ContainerPort,
			HostPort:      b.HostPort,
			Protocol:      ecstypes.TransportProtocol(b.Protocol),
		})
	}
	return out
}

// optString is nil for "" so that empty members are left out.
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optTime(t ecsmodel.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	v := t.Time
	return &v
}
