package runtimetest

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
)

// ProbeImage is the FROM-scratch image that holds the probe program at
// /probe, which is also its ENTRYPOINT.
const ProbeImage = "berth-test/probe:latest"

// ProbeImageLabel is the image label holding the SHA-256 of the probe
// binary inside ProbeImage, so that an unchanged probe is not rebuilt.
const ProbeImageLabel = "com.berth.probe-sha256"

// ImageBuilder is the part of the Docker client BuildProbeImage uses;
// *client.Client implements it.
type ImageBuilder interface {
	ImageInspect(ctx context.Context, ref string, opts ...client.ImageInspectOption) (image.InspectResponse, error)
	ImageBuild(ctx context.Context, buildContext io.Reader, opts build.ImageBuildOptions) (build.ImageBuildResponse, error)
	ImageRemove(ctx context.Context, ref string, opts image.RemoveOptions) ([]image.DeleteResponse, error)
}

// BuildProbeImage compiles the probe (BuildProbe) and builds ProbeImage
// from it through the Docker API, with no registry involved. An image that
// already holds the same binary (same ProbeImageLabel) is kept as it is; a
// replaced one is removed.
func BuildProbeImage(ctx context.Context, cli ImageBuilder) error {
	dir, err := os.MkdirTemp("", "berth-probe-image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path, err := BuildProbe(dir)
	if err != nil {
		return err
	}
	bin, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(bin)
	digest := hex.EncodeToString(sum[:])

	old, err := cli.ImageInspect(ctx, ProbeImage)
	if err == nil && old.Config != nil && old.Config.Labels[ProbeImageLabel] == digest {
		return nil
	}
	dockerfile := "FROM scratch\nCOPY probe /probe\nLABEL " + ProbeImageLabel + "=" + digest + "\nENTRYPOINT [\"/probe\"]\n"
	tarball, err := buildContext(map[string][]byte{"Dockerfile": []byte(dockerfile), "probe": bin})
	if err != nil {
		return err
	}
	resp, err := cli.ImageBuild(ctx, tarball, build.ImageBuildOptions{
		Tags: []string{ProbeImage}, Remove: true, ForceRemove: true, Version: build.BuilderV1,
	})
	if err != nil {
		return fmt.Errorf("build %s: %w", ProbeImage, err)
	}
	defer resp.Body.Close()
	if err := buildStreamError(resp.Body); err != nil {
		return fmt.Errorf("build %s: %w", ProbeImage, err)
	}
	if old.ID != "" {
		// The replaced image has lost its tag; nothing else uses it.
		_, _ = cli.ImageRemove(ctx, old.ID, image.RemoveOptions{PruneChildren: true})
	}
	return nil
}

// MissingDockerSocket returns the path of the unix socket the Docker
// client would use (DOCKER_HOST, else the default) when that socket does
// not exist, and "" when it exists or DOCKER_HOST is not a unix socket.
// Tests use it to tell "no Docker on this machine" (skip, or fail under
// CI) from a daemon that is there but misbehaves (fail).
func MissingDockerSocket() string {
	host := os.Getenv("DOCKER_HOST")
	if host == "" {
		host = client.DefaultDockerHost
	}
	path, ok := strings.CutPrefix(host, "unix://")
	if !ok {
		return ""
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return path
	}
	return ""
}

// buildContext returns a tar archive of files (all mode 0755) to send as
// an image build context.
func buildContext(files map[string][]byte) (*bytes.Buffer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, data := range files {
		hdr := &tar.Header{Name: name, Mode: 0o755, Size: int64(len(data)), ModTime: time.Unix(0, 0)}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	return &buf, tw.Close()
}

// buildStreamError reads the daemon's JSON message stream of a build to
// its end and returns the first error it reports.
func buildStreamError(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var msg struct {
			Error       string `json:"error"`
			ErrorDetail *struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		switch err := dec.Decode(&msg); {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return fmt.Errorf("reading the build output: %w", err)
		case msg.ErrorDetail != nil && msg.ErrorDetail.Message != "":
			return errors.New(msg.ErrorDetail.Message)
		case msg.Error != "":
			return errors.New(msg.Error)
		}
	}
}
