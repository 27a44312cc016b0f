package docker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/go-connections/nat"

	"github.com/berth-io/berth/internal/agent/runtime"
)

const mib = 1 << 20

// minCPUShares is the smallest cpu.shares value the kernel accepts.
const minCPUShares = 2

// Create creates the container (not started).
func (r *Runtime) Create(ctx context.Context, spec runtime.ContainerSpec) (string, error) {
	cfg, hostCfg, err := r.configs(spec)
	if err != nil {
		return "", runtime.NewError(runtime.CannotCreateContainerError, err)
	}
	resp, err := r.cli.ContainerCreate(ctx, cfg, hostCfg, nil, nil, containerName(spec))
	if err != nil {
		return "", runtime.NewError(runtime.CannotCreateContainerError, err)
	}
	return resp.ID, nil
}

// configs translates spec into the Engine API's container and host
// configuration.
func (r *Runtime) configs(spec runtime.ContainerSpec) (*container.Config, *container.HostConfig, error) {
	if err := spec.Validate(); err != nil {
		return nil, nil, err
	}
	if spec.Image == "" {
		return nil, nil, errors.New("image is empty")
	}
	labels := make(map[string]string, len(spec.Labels)+3)
	maps.Copy(labels, spec.Labels)
	labels[runtime.LabelTaskARN] = spec.TaskARN
	labels[runtime.LabelContainerName] = spec.ContainerName
	if spec.Owner != "" {
		labels[runtime.LabelOwner] = spec.Owner
	}

	stopSeconds := ceilSeconds(runtime.EffectiveStopTimeout(0, spec.StopTimeout))
	cfg := &container.Config{
		Image:       spec.Image,
		Entrypoint:  nilIfEmpty(spec.EntryPoint),
		Cmd:         nilIfEmpty(spec.Command),
		Env:         spec.EnvList(),
		WorkingDir:  spec.WorkingDir,
		Labels:      labels,
		StopTimeout: &stopSeconds,
	}
	hostCfg := &container.HostConfig{
		Resources: container.Resources{
			CPUShares:         spec.CPUShares,
			Memory:            spec.MemoryMiB * mib,
			MemoryReservation: spec.MemoryReservationMiB * mib,
		},
	}
	if spec.CPUShares > 0 && spec.CPUShares < minCPUShares {
		hostCfg.CPUShares = minCPUShares
	}
	if len(spec.PortMappings) > 0 {
		cfg.ExposedPorts = nat.PortSet{}
		hostCfg.PortBindings = nat.PortMap{}
		for _, pm := range spec.PortMappings {
			port := nat.Port(strconv.Itoa(pm.ContainerPort) + "/" + pm.Proto())
			cfg.ExposedPorts[port] = struct{}{}
			host := ""
			if pm.HostPort != 0 {
				host = strconv.Itoa(pm.HostPort)
			}
			hostCfg.PortBindings[port] = append(hostCfg.PortBindings[port], nat.PortBinding{HostIP: r.bindIP, HostPort: host})
		}
	}
	return cfg, hostCfg, nil
}

// nilIfEmpty returns nil for an empty list, which tells Docker to use the
// image's value.
func nilIfEmpty(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	return list
}

// ceilSeconds rounds d up to whole seconds.
func ceilSeconds(d time.Duration) int {
	return int((d + time.Second - 1) / time.Second)
}

// containerName is berth-<task id>-<container name>-<8 random hex digits>,
// with characters Docker does not allow in names replaced by '_'.
func containerName(spec runtime.ContainerSpec) string {
	task := spec.TaskARN
	if i := strings.LastIndexByte(task, '/'); i >= 0 {
		task = task[i+1:]
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "berth-" + sanitize(task) + "-" + sanitize(spec.ContainerName) + "-" + hex.EncodeToString(b[:])
}

// sanitize keeps [a-zA-Z0-9_.-] and replaces anything else with '_'.
func sanitize(s string) string {
	return strings.Map(func(c rune) rune {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '.', c == '-':
			return c
		default:
			return '_'
		}
	}, s)
}
