package agent

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/berth-io/berth/internal/buildinfo"
)

// register registers the container instance with RegisterContainerInstance
// and records its ARN in <state-dir>/instance.json. When the file names an
// instance of the same cluster, that ARN is passed so the control plane
// re-attaches the agent to it; if the control plane refuses it for good
// (e.g. the instance was deregistered), a new instance is registered.
func (a *Agent) register(ctx context.Context) (string, error) {
	saved, err := loadInstance(a.cfg.StateDir)
	if err != nil {
		a.log.Warn("ignoring unreadable state; registering a new container instance", "err", err)
		saved = savedInstance{}
	}
	previous := ""
	if saved.ContainerInstanceArn != "" && saved.Cluster == a.cfg.Cluster {
		previous = saved.ContainerInstanceArn
	}
	in := a.registrationInput(ctx)
	in.ContainerInstanceArn = optString(previous)
	out, err := a.api.RegisterContainerInstance(ctx, in)
	if err != nil && previous != "" && errors.Is(permanent(err), ErrReportRejected) {
		a.log.Warn("saved container instance refused; registering a new one", "instance", previous, "err", err)
		in.ContainerInstanceArn = nil
		out, err = a.api.RegisterContainerInstance(ctx, in)
	}
	if err != nil {
		return "", err
	}
	if out.ContainerInstance == nil || aws.ToString(out.ContainerInstance.ContainerInstanceArn) == "" {
		return "", errors.New("agent: RegisterContainerInstance returned no container instance ARN")
	}
	arn := aws.ToString(out.ContainerInstance.ContainerInstanceArn)
	if err := saveInstance(a.cfg.StateDir, savedInstance{
		Cluster:              a.cfg.Cluster,
		ContainerInstanceArn: arn,
		RegisteredAt:         time.Now().UTC(),
	}); err != nil {
		return "", err
	}
	a.log.Info("container instance registered", "instance", arn, "reattached", arn == previous)
	return arn, nil
}

// registrationInput describes this node: resources, attributes and
// versions.
func (a *Agent) registrationInput(ctx context.Context) *ecs.RegisterContainerInstanceInput {
	version := &ecstypes.VersionInfo{AgentVersion: aws.String(buildinfo.Version)}
	if v := runtimeVersion(ctx, a.rt); v != "" {
		version.DockerVersion = aws.String(v)
	}
	return &ecs.RegisterContainerInstanceInput{
		Cluster:        aws.String(a.cfg.Cluster),
		TotalResources: totalResources(a.cpu, a.memMiB),
		Attributes:     registrationAttributes(a.cfg, a.rt.Name(), a.custom),
		VersionInfo:    version,
	}
}

// discover asks DiscoverPollEndpoint where the agent channel is; an empty
// answer means the API endpoint itself.
func (a *Agent) discover(ctx context.Context, instanceArn string) (string, error) {
	out, err := a.api.DiscoverPollEndpoint(ctx, &ecs.DiscoverPollEndpointInput{
		Cluster:           aws.String(a.cfg.Cluster),
		ContainerInstance: aws.String(instanceArn),
	})
	if err != nil {
		return "", fmt.Errorf("agent: DiscoverPollEndpoint: %w", err)
	}
	if ep := aws.ToString(out.Endpoint); ep != "" {
		return ep, nil
	}
	return a.cfg.Endpoint, nil
}
