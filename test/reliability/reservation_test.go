package reliability

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// reservation is what one task holds on its container instance, worked
// out by the test from the task definition and the task's overrides (not
// read from berth): the task-level cpu and memory when set, else the sum
// over the containers of cpu and of memoryReservation (memory where no
// reservation is given); and the static host ports of its port mappings.
type reservation struct {
	cpu, mem int64
	tcp, udp []int32
}

// reservationOf computes the reservation of a task of td launched with ov
// (nil: no overrides). It fails on what the suites do not use and so
// cannot predict: dynamic host ports, networkMode awsvpc, vCPU/GB units.
func reservationOf(td *types.TaskDefinition, ov *types.TaskOverride) (reservation, error) {
	var r reservation
	byName := map[string]types.ContainerOverride{}
	taskCPU, taskMem := aws.ToString(td.Cpu), aws.ToString(td.Memory)
	if ov != nil {
		for _, co := range ov.ContainerOverrides {
			byName[aws.ToString(co.Name)] = co
		}
		if ov.Cpu != nil {
			taskCPU = aws.ToString(ov.Cpu)
		}
		if ov.Memory != nil {
			taskMem = aws.ToString(ov.Memory)
		}
	}
	if td.NetworkMode != types.NetworkModeBridge && td.NetworkMode != "" {
		return r, fmt.Errorf("network mode %s: the suites use bridge mode only", td.NetworkMode)
	}
	for _, cd := range td.ContainerDefinitions {
		cpu, mem, memRes := cd.Cpu, cd.Memory, cd.MemoryReservation
		if co, ok := byName[aws.ToString(cd.Name)]; ok {
			if co.Cpu != nil {
				cpu = *co.Cpu
			}
			if co.Memory != nil {
				mem = co.Memory
			}
			if co.MemoryReservation != nil {
				memRes = co.MemoryReservation
			}
		}
		r.cpu += int64(cpu)
		switch {
		case memRes != nil:
			r.mem += int64(*memRes)
		case mem != nil:
			r.mem += int64(*mem)
		}
		for _, pm := range cd.PortMappings {
			host := aws.ToInt32(pm.HostPort)
			if host == 0 {
				return r, fmt.Errorf("container %s: a dynamic host port cannot be predicted", aws.ToString(cd.Name))
			}
			if pm.Protocol == types.TransportProtocolUdp {
				r.udp = append(r.udp, host)
			} else {
				r.tcp = append(r.tcp, host)
			}
		}
	}
	if taskCPU != "" {
		n, err := strconv.ParseInt(taskCPU, 10, 64)
		if err != nil {
			return r, fmt.Errorf("task cpu %q: the suites use plain units", taskCPU)
		}
		r.cpu = n
	}
	if taskMem != "" {
		n, err := strconv.ParseInt(taskMem, 10, 64)
		if err != nil {
			return r, fmt.Errorf("task memory %q: the suites use plain MiB", taskMem)
		}
		r.mem = n
	}
	return r, nil
}

// defCache describes task definitions once each.
type defCache struct {
	mu   sync.Mutex
	defs map[string]*types.TaskDefinition
}

func newDefCache() *defCache { return &defCache{defs: map[string]*types.TaskDefinition{}} }

// get returns the task definition arn, describing it on first use.
func (d *defCache) get(c *ecs.Client, arn string) (*types.TaskDefinition, error) {
	d.mu.Lock()
	td := d.defs[arn]
	d.mu.Unlock()
	if td != nil {
		return td, nil
	}
	ctx, cancel := callCtx()
	defer cancel()
	out, err := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("DescribeTaskDefinition(%s): %w", arn, err)
	}
	d.mu.Lock()
	d.defs[arn] = out.TaskDefinition
	d.mu.Unlock()
	return out.TaskDefinition, nil
}

// reservationOfTask computes a described task's reservation.
func (d *defCache) reservationOfTask(c *ecs.Client, task types.Task) (reservation, error) {
	td, err := d.get(c, aws.ToString(task.TaskDefinitionArn))
	if err != nil {
		return reservation{}, err
	}
	r, err := reservationOf(td, task.Overrides)
	if err != nil {
		return r, fmt.Errorf("task %s: %w", aws.ToString(task.TaskArn), err)
	}
	return r, nil
}
