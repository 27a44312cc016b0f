package agent

import (
	"bufio"
	"fmt"
	"os"
	goruntime "runtime"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// reservedPorts are the TCP ports ECS agents register as taken by default:
// SSH, the Docker daemon and the ECS agent's own ports.
var reservedPorts = []string{"22", "2375", "2376", "51678", "51679"}

// Attribute names the agent sets itself.
const (
	attrOSType           = "ecs.os-type"
	attrOSFamily         = "ecs.os-family"
	attrCPUArchitecture  = "ecs.cpu-architecture"
	attrAvailabilityZone = "ecs.availability-zone"
	attrCapacityProvider = "berth.capacity-provider"
	attrRuntime          = "berth.runtime"
)

// memInfoPath is where the total memory is read from.
const memInfoPath = "/proc/meminfo"

// hostResources returns the CPU units and MiB of memory to register: the
// overrides when set, otherwise cores × 1024 and MemTotal from meminfo.
func hostResources(cpu, memMiB int32, meminfo string) (int32, int32, error) {
	if cpu == 0 {
		cpu = int32(goruntime.NumCPU() * 1024)
	}
	if memMiB == 0 {
		m, err := memTotalMiB(meminfo)
		if err != nil {
			return 0, 0, fmt.Errorf("agent: detect memory (set a memory override instead): %w", err)
		}
		memMiB = m
	}
	return cpu, memMiB, nil
}

// memTotalMiB reads "MemTotal: <n> kB" from a meminfo file.
func memTotalMiB(path string) (int32, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || fields[0] != "MemTotal:" {
			continue
		}
		kb, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil || kb <= 0 {
			return 0, fmt.Errorf("%s: bad MemTotal %q", path, fields[1])
		}
		if len(fields) > 2 && fields[2] != "kB" {
			return 0, fmt.Errorf("%s: MemTotal unit %q is not kB", path, fields[2])
		}
		return int32(min(kb/1024, 1<<31-1)), nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("%s: no MemTotal line", path)
}

// totalResources is the totalResources of RegisterContainerInstance, as the
// ECS agent sends it.
func totalResources(cpu, memMiB int32) []ecstypes.Resource {
	return []ecstypes.Resource{
		{Name: aws.String("CPU"), Type: aws.String("INTEGER"), IntegerValue: cpu},
		{Name: aws.String("MEMORY"), Type: aws.String("INTEGER"), IntegerValue: memMiB},
		{Name: aws.String("PORTS"), Type: aws.String("STRINGSET"), StringSetValue: append([]string(nil), reservedPorts...)},
		{Name: aws.String("PORTS_UDP"), Type: aws.String("STRINGSET"), StringSetValue: []string{}},
	}
}

// cpuArchitecture maps GOARCH to the value of ecs.cpu-architecture.
func cpuArchitecture(goarch string) string {
	switch goarch {
	case "amd64":
		return "x86_64"
	case "arm64":
		return "arm64"
	default:
		return goarch
	}
}

// registrationAttributes are the built-in attributes followed by the
// custom ones.
func registrationAttributes(cfg Config, runtimeName string, custom []attribute) []ecstypes.Attribute {
	attrs := []attribute{
		{attrOSType, "linux"},
		{attrOSFamily, "LINUX"},
		{attrCPUArchitecture, cpuArchitecture(goruntime.GOARCH)},
		{attrRuntime, runtimeName},
	}
	if cfg.AvailabilityZone != "" {
		attrs = append(attrs, attribute{attrAvailabilityZone, cfg.AvailabilityZone})
	}
	if cfg.CapacityProvider != "" {
		attrs = append(attrs, attribute{attrCapacityProvider, cfg.CapacityProvider})
	}
	attrs = append(attrs, custom...)
	out := make([]ecstypes.Attribute, 0, len(attrs))
	for _, a := range attrs {
		at := ecstypes.Attribute{Name: aws.String(a.Name)}
		if a.Value != "" {
			at.Value = aws.String(a.Value)
		}
		out = append(out, at)
	}
	return out
}
