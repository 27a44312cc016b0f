package docker

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"

	"github.com/berth-io/berth/internal/agent/runtime/runtimetest"
)

// probeImage is the FROM-scratch image holding the probe at /probe, built
// once per test binary (and reused across runs while the probe is
// unchanged).
const probeImage = "berth-test/probe:latest"

// probeLabel holds the SHA-256 of the probe binary inside the image.
const probeLabel = "com.berth.probe-sha256"

var (
	setupOnce sync.Once
	// noSocket is set when there is no daemon socket at all.
	noSocket string
	setupErr error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if noSocket != "" {
		what := "SKIPPED"
		if os.Getenv("CI") == "true" {
			what = "FAILED (CI=true)"
		}
		fmt.Fprintf(os.Stderr, "\n*** DOCKER RUNTIME TESTS %s: no Docker daemon socket at %s ***\n\n", what, noSocket)
	}
	os.Exit(code)
}

// requireDocker returns a docker Runtime for this machine's daemon, with
// the probe image built. Without a daemon socket the test is skipped,
// unless CI=true, when it fails; any other setup problem fails it.
func requireDocker(t testing.TB) *Runtime {
	t.Helper()
	setupOnce.Do(setup)
	switch {
	case noSocket != "" && os.Getenv("CI") == "true":
		t.Fatalf("CI=true but there is no Docker daemon socket at %s: the docker runtime cannot be tested", noSocket)
	case noSocket != "":
		t.Skipf("NO DOCKER DAEMON: no socket at %s; the docker runtime tests did NOT run", noSocket)
	case setupErr != nil:
		t.Fatalf("docker test setup: %v", setupErr)
	}
	rt, err := New(Options{})
	if err != nil {
		t.Fatalf("docker.New: %v", err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt
}

// socketPath is the unix socket the client will use, or "" when
// DOCKER_HOST is not a unix socket.
func socketPath() string {
	host := os.Getenv("DOCKER_HOST")
	if host == "" {
		host = client.DefaultDockerHost
	}
	path, ok := strings.CutPrefix(host, "unix://")
	if !ok {
		return ""
	}
	return path
}

func setup() {
	if p := socketPath(); p != "" {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			noSocket = p
			return
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rt, err := New(Options{})
	if err != nil {
		setupErr = err
		return
	}
	defer rt.Close()
	if err := rt.Ping(ctx); err != nil {
		setupErr = fmt.Errorf("the Docker daemon socket exists but the daemon does not answer: %w", err)
		return
	}
	setupErr = buildProbeImage(ctx, rt.cli)
}

// buildProbeImage builds probeImage from a freshly compiled probe, unless
// the image already holds the same binary.
func buildProbeImage(ctx context.Context, cli *client.Client) error {
	dir, err := os.MkdirTemp("", "berth-docker-test-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path, err := runtimetest.BuildProbe(dir)
	if err != nil {
		return err
	}
	bin, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(bin)
	digest := hex.EncodeToString(sum[:])

	old, err := cli.ImageInspect(ctx, probeImage)
	if err == nil && old.Config != nil && old.Config.Labels[probeLabel] == digest {
		return nil
	}
	dockerfile := fmt.Sprintf("FROM scratch\nCOPY probe /probe\nLABEL %s=%s\nENTRYPOINT [\"/probe\"]\n", probeLabel, digest)
	buildCtx, err := tarFiles(map[string][]byte{"Dockerfile": []byte(dockerfile), "probe": bin})
	if err != nil {
		return err
	}
	resp, err := cli.ImageBuild(ctx, buildCtx, build.ImageBuildOptions{
		Tags:        []string{probeImage},
		Remove:      true,
		ForceRemove: true,
		Version:     build.BuilderV1,
	})
	if err != nil {
		return fmt.Errorf("building %s: %w", probeImage, err)
	}
	defer resp.Body.Close()
	if err := pullStreamError(resp.Body); err != nil {
		return fmt.Errorf("building %s: %w", probeImage, err)
	}
	if old.ID != "" {
		// The previous probe image is now untagged: drop it.
		_, _ = cli.ImageRemove(ctx, old.ID, image.RemoveOptions{PruneChildren: true})
	}
	return nil
}

// tarFiles returns a tar archive of files, all executable.
func tarFiles(files map[string][]byte) (*bytes.Buffer, error) {
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
