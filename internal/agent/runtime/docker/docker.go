package docker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// Options configure a Runtime.
type Options struct {
	// Host is the daemon address, e.g. "unix:///var/run/docker.sock".
	// Empty means DOCKER_HOST, or the default socket.
	Host string
	// BindIP is the host address published ports bind to. Default
	// "0.0.0.0".
	BindIP string
}

// Runtime runs containers with Docker. Create one with New; Close releases
// its connection.
type Runtime struct {
	cli    *client.Client
	bindIP string
}

var _ runtime.Runtime = (*Runtime)(nil)

// New returns a Runtime for the daemon at opts.Host. It does not contact
// the daemon; use Ping to check that it answers.
func New(opts Options) (*Runtime, error) {
	clientOpts := []client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}
	if opts.Host != "" {
		clientOpts = append(clientOpts, client.WithHost(opts.Host))
	}
	cli, err := client.NewClientWithOpts(clientOpts...)
	if err != nil {
		return nil, fmt.Errorf("docker runtime: %w", err)
	}
	if opts.BindIP == "" {
		opts.BindIP = "0.0.0.0"
	}
	return &Runtime{cli: cli, bindIP: opts.BindIP}, nil
}

// Name returns "docker".
func (r *Runtime) Name() string { return "docker" }

// Ping checks that the daemon answers.
func (r *Runtime) Ping(ctx context.Context) error {
	_, err := r.cli.Ping(ctx)
	return err
}

// Close releases the client's connections.
func (r *Runtime) Close() error { return r.cli.Close() }

// Pull makes image available: a local image is used as is; otherwise it is
// pulled from its registry without credentials.
func (r *Runtime) Pull(ctx context.Context, ref string) error {
	_, err := r.cli.ImageInspect(ctx, ref)
	if err == nil {
		return nil
	}
	if !client.IsErrNotFound(err) {
		return runtime.NewError(runtime.CannotPullContainerError, err)
	}
	stream, err := r.cli.ImagePull(ctx, ref, image.PullOptions{})
	if err != nil {
		return runtime.NewError(runtime.CannotPullContainerError, err)
	}
	defer stream.Close()
	if err := pullStreamError(stream); err != nil {
		return runtime.Errorf(runtime.CannotPullContainerError, "pull image %q: %w", ref, err)
	}
	return nil
}

// pullStreamError reads a pull's progress stream to its end and returns the
// error the daemon reported in it, if any.
func pullStreamError(stream io.Reader) error {
	dec := json.NewDecoder(stream)
	for {
		var msg struct {
			Error       string `json:"error"`
			ErrorDetail *struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		err := dec.Decode(&msg)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the pull progress: %w", err)
		}
		if msg.ErrorDetail != nil && msg.ErrorDetail.Message != "" {
			return errors.New(msg.ErrorDetail.Message)
		}
		if msg.Error != "" {
			return errors.New(msg.Error)
		}
	}
}

// inspectOwned inspects container id and checks that berth created it; any
// other container counts as not found.
func (r *Runtime) inspectOwned(ctx context.Context, id string) (container.InspectResponse, error) {
	c, err := r.cli.ContainerInspect(ctx, id)
	if client.IsErrNotFound(err) {
		return c, notFound(id)
	}
	if err != nil {
		return c, err
	}
	if c.Config == nil || c.Config.Labels[runtime.LabelTaskARN] == "" {
		return c, notFound(id)
	}
	if c.State == nil {
		return c, fmt.Errorf("container %q: the daemon reported no state", id)
	}
	return c, nil
}

// notFound is the error for an unknown (or foreign) container ID.
func notFound(id string) error {
	return fmt.Errorf("container %q: %w", id, runtime.ErrNotFound)
}
