package agentbridge

import (
	"context"

	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// API is the agent-facing half of the ECS API. Its methods have the
// model's shapes, so ecsmodel.Bind serves them next to the control plane's.
type API struct {
	svc *control.Service
	// Endpoint is what DiscoverPollEndpoint answers for a request: the
	// control plane's URL as the agent can reach it, which it opens its
	// channel against.
	Endpoint func(ctx context.Context) string
}

// NewAPI returns the agent-facing operations over svc.
func NewAPI(svc *control.Service, endpoint func(ctx context.Context) string) *API {
	return &API{svc: svc, Endpoint: endpoint}
}

// DiscoverPollEndpoint tells an agent where to open its channel.
func (a *API) DiscoverPollEndpoint(ctx context.Context, _ *ecsmodel.DiscoverPollEndpointRequest) (*ecsmodel.DiscoverPollEndpointResponse, error) {
	ep := a.Endpoint(ctx)
	return &ecsmodel.DiscoverPollEndpointResponse{Endpoint: ep, TelemetryEndpoint: ep, ServiceConnectEndpoint: ep}, nil
}

// SubmitTaskStateChange records a task's state as its agent reports it.
func (a *API) SubmitTaskStateChange(ctx context.Context, in *ecsmodel.SubmitTaskStateChangeRequest) (*ecsmodel.SubmitTaskStateChangeResponse, error) {
	ch, err := taskStateChange(in)
	if err != nil {
		return nil, err
	}
	ch.Cluster = clusterOrDefault(in.Cluster)
	if _, err := a.svc.ApplyTaskStateChange(ctx, ch); err != nil {
		return nil, err
	}
	return &ecsmodel.SubmitTaskStateChangeResponse{Acknowledgment: "true"}, nil
}

// SubmitContainerStateChange records one container's state.
func (a *API) SubmitContainerStateChange(ctx context.Context, in *ecsmodel.SubmitContainerStateChangeRequest) (*ecsmodel.SubmitContainerStateChangeResponse, error) {
	ch, err := containerStateChange(in)
	if err != nil {
		return nil, err
	}
	ch.Cluster = clusterOrDefault(in.Cluster)
	if _, err := a.svc.ApplyTaskStateChange(ctx, ch); err != nil {
		return nil, err
	}
	return &ecsmodel.SubmitContainerStateChangeResponse{Acknowledgment: "true"}, nil
}

// taskStateChange is the control plane's form of a task's report, without
// the cluster.
func taskStateChange(in *ecsmodel.SubmitTaskStateChangeRequest) (control.TaskStateChange, error) {
	if in.Task == "" {
		return control.TaskStateChange{}, ecs.InvalidParameter("task must be specified.")
	}
	ch := control.TaskStateChange{
		Task:   in.Task,
		Status: in.Status,
		Reason: in.Reason,
	}
	if !in.PullStartedAt.IsZero() {
		ch.PullStartedAt = in.PullStartedAt.Time
	}
	if !in.PullStoppedAt.IsZero() {
		ch.PullStoppedAt = in.PullStoppedAt.Time
	}
	if !in.ExecutionStoppedAt.IsZero() {
		ch.ExecutionStoppedAt = in.ExecutionStoppedAt.Time
	}
	for _, c := range in.Containers {
		ch.Containers = append(ch.Containers, control.ContainerStateChange{
			Name: c.ContainerName, Status: c.Status, ExitCode: c.ExitCode, Reason: c.Reason,
			RuntimeID: c.RuntimeId, ImageDigest: c.ImageDigest, NetworkBindings: c.NetworkBindings,
		})
	}
	return ch, nil
}

// containerStateChange is the control plane's form of one container's
// report, without the cluster.
func containerStateChange(in *ecsmodel.SubmitContainerStateChangeRequest) (control.TaskStateChange, error) {
	if in.Task == "" || in.ContainerName == "" {
		return control.TaskStateChange{}, ecs.InvalidParameter("task and containerName must be specified.")
	}
	return control.TaskStateChange{
		Task: in.Task,
		Containers: []control.ContainerStateChange{{
			Name: in.ContainerName, Status: in.Status, ExitCode: in.ExitCode, Reason: in.Reason,
			RuntimeID: in.RuntimeId, NetworkBindings: in.NetworkBindings,
		}},
	}, nil
}

// SubmitAttachmentStateChanges acknowledges attachment reports; berth's
// attachments (awsvpc ENIs) are bookkeeping only, so nothing changes.
func (a *API) SubmitAttachmentStateChanges(_ context.Context, _ *ecsmodel.SubmitAttachmentStateChangesRequest) (*ecsmodel.SubmitAttachmentStateChangesResponse, error) {
	return &ecsmodel.SubmitAttachmentStateChangesResponse{Acknowledgment: "true"}, nil
}

func clusterOrDefault(c string) string {
	if c == "" {
		return control.DefaultCluster
	}
	return c
}
