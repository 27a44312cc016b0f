package control

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// Task summaries
//
// Every task record at /tasks/<cluster>/<id> has a summary at
// /taskidx/<cluster>/<id>, written and deleted in the same commit as the
// record: the fields the index keeps (taskEntry.summarize, applyTask) in a
// compact binary form, about a tenth of the record. A restart builds the
// index from the summaries alone, so it reads and decodes ~150 MB instead
// of ~2.3 GB at a million tasks. The summary and its record always carry
// the same ModRevision.
//
// Layout (version 1): the version byte, then the strings desiredStatus,
// lastStatus, startedBy, group, launchType, capacityProviderName,
// instanceId, family, serviceName and alloc.group (each a uvarint length
// and the bytes), the times createdAt, stoppingAt and stoppedAt (each a
// uvarint: 0 for none, else Unix milliseconds + 1), alloc.cpu and
// alloc.memory (varints), and the lists alloc.ports, alloc.portsUdp
// (uvarint count, uvarint each) and alloc.gpuIds (uvarint count, strings).

// summaryVersion is the first byte of every summary.
const summaryVersion = 1

// taskSummaryOp is the put of rec's summary for a batch.
func taskSummaryOp(cluster, id string, rec *taskRecord) store.Op {
	return store.Op{Key: taskSummaryKey(cluster, id), Value: encodeTaskSummary(rec)}
}

// encodeTaskSummary encodes what the index keeps of rec.
func encodeTaskSummary(rec *taskRecord) []byte {
	t := &rec.Task
	b := make([]byte, 0, 128)
	b = append(b, summaryVersion)
	for _, s := range []string{t.DesiredStatus, t.LastStatus, t.StartedBy, t.Group, string(t.LaunchType),
		t.CapacityProviderName, rec.InstanceID, rec.Family, rec.ServiceName, rec.Alloc.Group} {
		b = appendString(b, s)
	}
	for _, tm := range []ecsmodel.Time{t.CreatedAt, t.StoppingAt, t.StoppedAt} {
		b = binary.AppendUvarint(b, summaryTime(tm))
	}
	b = binary.AppendVarint(b, rec.Alloc.CPU)
	b = binary.AppendVarint(b, rec.Alloc.Memory)
	for _, ports := range [][]uint16{rec.Alloc.Ports, rec.Alloc.PortsUDP} {
		b = binary.AppendUvarint(b, uint64(len(ports)))
		for _, p := range ports {
			b = binary.AppendUvarint(b, uint64(p))
		}
	}
	b = binary.AppendUvarint(b, uint64(len(rec.Alloc.GPUIDs)))
	for _, g := range rec.Alloc.GPUIDs {
		b = appendString(b, g)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// summaryTime is t as a summary stores it: 0 for the zero time, else Unix
// milliseconds + 1.
func summaryTime(t ecsmodel.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(t.UnixMilli()) + 1
}

// errShortSummary is a summary that ends early.
var errShortSummary = errors.New("summary ends early")

// summaryReader reads the fields of a summary in order; the first failure
// sticks in err.
type summaryReader struct {
	b   []byte
	err error
}

func (r *summaryReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errShortSummary
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *summaryReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errShortSummary
		return 0
	}
	r.b = r.b[n:]
	return v
}

// str reads a string.
func (r *summaryReader) str() string {
	n := r.uvarint()
	if r.err != nil {
		return ""
	}
	if n > uint64(len(r.b)) {
		r.err = errShortSummary
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *summaryReader) time() ecsmodel.Time {
	v := r.uvarint()
	if v == 0 {
		return ecsmodel.Time{}
	}
	return ecsmodel.Time{Time: time.UnixMilli(int64(v - 1)).UTC()}
}

func (r *summaryReader) ports() []uint16 {
	n := r.uvarint()
	if n > uint64(len(r.b)) { // every port takes at least a byte
		r.err = errShortSummary
		return nil
	}
	var out []uint16
	for range n {
		p := r.uvarint()
		if p > 65535 {
			r.err = fmt.Errorf("port %d out of range", p)
		}
		out = append(out, uint16(p))
	}
	return out
}

// decodeTaskSummary decodes the summary of task id into a taskRecord that
// holds only what the index keeps; its Task.TaskArn is the bare id (what
// applyTask takes the last segment of).
func decodeTaskSummary(id string, val []byte) (*taskRecord, error) {
	if len(val) == 0 || val[0] != summaryVersion {
		return nil, fmt.Errorf("control: task summary %s: unknown format", id)
	}
	r := &summaryReader{b: val[1:]}
	rec := &taskRecord{}
	t := &rec.Task
	t.TaskArn = id
	for _, s := range []*string{&t.DesiredStatus, &t.LastStatus, &t.StartedBy, &t.Group, (*string)(&t.LaunchType),
		&t.CapacityProviderName, &rec.InstanceID, &rec.Family, &rec.ServiceName, &rec.Alloc.Group} {
		*s = r.str()
	}
	t.CreatedAt, t.StoppingAt, t.StoppedAt = r.time(), r.time(), r.time()
	rec.Alloc.CPU, rec.Alloc.Memory = r.varint(), r.varint()
	rec.Alloc.Ports, rec.Alloc.PortsUDP = r.ports(), r.ports()
	if n := r.uvarint(); n <= uint64(len(r.b)) {
		for range n {
			rec.Alloc.GPUIDs = append(rec.Alloc.GPUIDs, r.str())
		}
	} else {
		r.err = errShortSummary
	}
	if r.err == nil && len(r.b) != 0 {
		r.err = fmt.Errorf("%d bytes after the last field", len(r.b))
	}
	if r.err != nil {
		return nil, fmt.Errorf("control: task summary %s: %w", id, r.err)
	}
	return rec, nil
}
