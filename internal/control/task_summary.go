package control

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/berth-io/berth/internal/ecs"
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

// taskSummary is what the index keeps of a task record (taskEntry.summarize
// and applyTask read nothing else).
type taskSummary struct {
	id                               string
	desired, last, startedBy, group  string
	launchType, provider             string
	instanceID, family, service      string
	createdAt, stoppingAt, stoppedAt time.Time
	alloc                            taskAlloc
}

// summaryOf is the summary of rec.
func summaryOf(rec *taskRecord) taskSummary {
	t := &rec.Task
	return taskSummary{
		id: ecs.LastSegment(t.TaskArn), desired: t.DesiredStatus, last: t.LastStatus, startedBy: t.StartedBy,
		group: t.Group, launchType: string(t.LaunchType), provider: t.CapacityProviderName,
		instanceID: rec.InstanceID, family: rec.Family, service: rec.ServiceName,
		createdAt: t.CreatedAt.Time, stoppingAt: t.StoppingAt.Time, stoppedAt: t.StoppedAt.Time,
		alloc: rec.Alloc,
	}
}

// taskSummaryOp is the put of rec's summary for a batch.
func taskSummaryOp(cluster, id string, rec *taskRecord) store.Op {
	sum := summaryOf(rec)
	return store.Op{Key: taskSummaryKey(cluster, id), Value: encodeTaskSummary(&sum)}
}

// encodeTaskSummary encodes a summary.
func encodeTaskSummary(sum *taskSummary) []byte {
	b := make([]byte, 0, 128)
	b = append(b, summaryVersion)
	for _, s := range []string{sum.desired, sum.last, sum.startedBy, sum.group, sum.launchType,
		sum.provider, sum.instanceID, sum.family, sum.service, sum.alloc.Group} {
		b = appendString(b, s)
	}
	for _, tm := range []time.Time{sum.createdAt, sum.stoppingAt, sum.stoppedAt} {
		b = binary.AppendUvarint(b, summaryTime(tm))
	}
	b = binary.AppendVarint(b, sum.alloc.CPU)
	b = binary.AppendVarint(b, sum.alloc.Memory)
	for _, ports := range [][]uint16{sum.alloc.Ports, sum.alloc.PortsUDP} {
		b = binary.AppendUvarint(b, uint64(len(ports)))
		for _, p := range ports {
			b = binary.AppendUvarint(b, uint64(p))
		}
	}
	b = binary.AppendUvarint(b, uint64(len(sum.alloc.GPUIDs)))
	for _, g := range sum.alloc.GPUIDs {
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
func summaryTime(t time.Time) uint64 {
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
	in  interner // may be nil
}

func (r *summaryReader) uvarint() uint64 { return readVarint(r, binary.Uvarint) }

func (r *summaryReader) varint() int64 { return readVarint(r, binary.Varint) }

// readVarint reads one number with decode (binary.Uvarint or Varint).
func readVarint[T uint64 | int64](r *summaryReader, decode func([]byte) (T, int)) T {
	if r.err != nil {
		return 0
	}
	v, n := decode(r.b)
	if n <= 0 {
		r.err = errShortSummary
		return 0
	}
	r.b = r.b[n:]
	return v
}

// str reads a string, shared through the interner when it has one.
func (r *summaryReader) str() string {
	n := r.uvarint()
	if r.err != nil {
		return ""
	}
	if n > uint64(len(r.b)) {
		r.err = errShortSummary
		return ""
	}
	b := r.b[:n]
	r.b = r.b[n:]
	if r.in != nil {
		return r.in.bytes(b)
	}
	return string(b)
}

func (r *summaryReader) time() time.Time {
	v := r.uvarint()
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(v - 1)).UTC()
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

// decodeTaskSummary decodes the summary of task id. in, when not nil,
// shares repeated strings (statuses, families, groups) between summaries;
// it must not be used by two goroutines at once.
func decodeTaskSummary(id string, val []byte, in interner) (*taskSummary, error) {
	sum := &taskSummary{}
	if err := decodeTaskSummaryInto(sum, id, val, in); err != nil {
		return nil, err
	}
	return sum, nil
}

// decodeTaskSummaryInto decodes the summary of task id into sum, which it
// overwrites whole (see decodeTaskSummary). The load decodes into
// summaries it reuses, so that a task costs no allocation of its own
// before it becomes an index entry.
func decodeTaskSummaryInto(sum *taskSummary, id string, val []byte, in interner) error {
	if len(val) == 0 || val[0] != summaryVersion {
		return fmt.Errorf("control: task summary %s: unknown format", id)
	}
	r := &summaryReader{b: val[1:], in: in}
	*sum = taskSummary{id: id}
	for _, s := range []*string{&sum.desired, &sum.last, &sum.startedBy, &sum.group, &sum.launchType,
		&sum.provider, &sum.instanceID, &sum.family, &sum.service, &sum.alloc.Group} {
		*s = r.str()
	}
	sum.createdAt, sum.stoppingAt, sum.stoppedAt = r.time(), r.time(), r.time()
	sum.alloc.CPU, sum.alloc.Memory = r.varint(), r.varint()
	sum.alloc.Ports, sum.alloc.PortsUDP = r.ports(), r.ports()
	if n := r.uvarint(); n <= uint64(len(r.b)) {
		for range n {
			sum.alloc.GPUIDs = append(sum.alloc.GPUIDs, r.str())
		}
	} else {
		r.err = errShortSummary
	}
	if r.err == nil && len(r.b) != 0 {
		r.err = fmt.Errorf("%d bytes after the last field", len(r.b))
	}
	if r.err != nil {
		return fmt.Errorf("control: task summary %s: %w", id, r.err)
	}
	return nil
}

// interner makes equal strings of the loaded tasks share one copy. The
// index keeps a handful of strings per task (statuses, family, group,
// startedBy, ...) that are the same for most tasks; decoded, each would be
// an allocation of its own. It remembers at most maxInterned strings, so
// that a field unique per task (a startedBy, say) does not grow it.
type interner map[string]string

const maxInterned = 1 << 15

func (in interner) str(s *string) {
	if v, ok := in[*s]; ok {
		*s = v
	} else if len(in) < maxInterned {
		in[*s] = *s
	}
}

// bytes returns b as a string, the remembered copy when there is one:
// looking up string(b) in a map does not allocate.
func (in interner) bytes(b []byte) string {
	if v, ok := in[string(b)]; ok {
		return v
	}
	s := string(b)
	if len(in) < maxInterned {
		in[s] = s
	}
	return s
}

// task interns the fields of a record from decodeTaskForIndex that the
// index keeps and that repeat across tasks.
func (in interner) task(rec *taskRecord) {
	t := &rec.Task
	for _, s := range []*string{&t.DesiredStatus, &t.LastStatus, &t.StartedBy, &t.Group, (*string)(&t.LaunchType),
		&t.CapacityProviderName, &rec.Family, &rec.ServiceName, &rec.Alloc.Group} {
		in.str(s)
	}
}
