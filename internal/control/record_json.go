package control

import (
	"strconv"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// The task record is the control plane's hottest write (every RunTask,
// every state change), so it encodes itself like the ecsmodel shapes do,
// instead of going through encoding/json's reflection. The methods below
// follow the fields and tags of taskRecord, taskAlloc and
// hostPortAssignment (records.go) member by member; the tests in
// record_json_internal_test.go fill every field at random and hold them to
// encoding/json, so a field added there without a line here fails them.

// AppendJSON appends r as JSON, byte for byte what encoding/json writes
// with HTML escaping off.
func (r *taskRecord) AppendJSON(b []byte) []byte {
	if r == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"task":`...)
	b = r.Task.AppendJSON(b)
	b = append(b, `,"instanceId":`...)
	b = ecsmodel.AppendString(b, r.InstanceID)
	b = append(b, `,"family":`...)
	b = ecsmodel.AppendString(b, r.Family)
	b = append(b, `,"revision":`...)
	b = strconv.AppendInt(b, int64(r.Revision), 10)
	b = ecsmodel.AppendOmitEmptyString(b, `,"serviceName":`, r.ServiceName)
	b = append(b, `,"alloc":`...)
	b = r.Alloc.appendJSON(b)
	if len(r.HostPorts) > 0 {
		b = ecsmodel.AppendArray(append(b, `,"hostPorts":`...), r.HostPorts, (*hostPortAssignment).appendJSON)
	}
	b = ecsmodel.AppendOmitEmptyString(b, `,"referenceId":`, r.ReferenceID)
	if r.NetworkConfiguration != nil {
		b = append(b, `,"networkConfiguration":`...)
		b = r.NetworkConfiguration.AppendJSON(b)
	}
	if len(r.VolumeConfigurations) > 0 {
		b = ecsmodel.AppendArray(append(b, `,"volumeConfigurations":`...), r.VolumeConfigurations,
			(*ecsmodel.TaskVolumeConfiguration).AppendJSON)
	}
	return append(b, '}')
}

// appendJSON appends a as encoding/json writes it.
func (a *taskAlloc) appendJSON(b []byte) []byte {
	b = append(b, `{"group":`...)
	b = ecsmodel.AppendString(b, a.Group)
	b = append(b, `,"cpu":`...)
	b = strconv.AppendInt(b, a.CPU, 10)
	b = append(b, `,"memory":`...)
	b = strconv.AppendInt(b, a.Memory, 10)
	if len(a.Ports) > 0 {
		b = appendPorts(append(b, `,"ports":`...), a.Ports)
	}
	if len(a.PortsUDP) > 0 {
		b = appendPorts(append(b, `,"portsUdp":`...), a.PortsUDP)
	}
	if len(a.GPUIDs) > 0 {
		b = ecsmodel.AppendStrings(append(b, `,"gpuIds":`...), a.GPUIDs)
	}
	return append(b, '}')
}

// appendPorts appends ports as a JSON array of numbers.
func appendPorts(b []byte, ports []uint16) []byte {
	b = append(b, '[')
	for i, p := range ports {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, uint64(p), 10)
	}
	return append(b, ']')
}

// appendJSON appends h as encoding/json writes it.
func (h *hostPortAssignment) appendJSON(b []byte) []byte {
	b = append(b, `{"container":`...)
	b = ecsmodel.AppendString(b, h.Container)
	b = append(b, `,"containerPort":`...)
	b = strconv.AppendInt(b, int64(h.ContainerPort), 10)
	b = append(b, `,"hostPort":`...)
	b = strconv.AppendInt(b, int64(h.HostPort), 10)
	b = append(b, `,"protocol":`...)
	b = ecsmodel.AppendString(b, string(h.Protocol))
	return append(b, '}')
}
