package control

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// summaryFixture is a task record holding every field a summary keeps;
// opts change it.
func summaryFixture(opts ...func(*taskRecord)) *taskRecord {
	rec := &taskRecord{InstanceID: "inst-1", Family: "web", ServiceName: "svc",
		Alloc: taskAlloc{Group: "family:web", CPU: 256, Memory: 512}}
	t := &rec.Task
	t.TaskArn = "arn:aws:ecs:us-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef"
	t.DesiredStatus, t.LastStatus = statusRunning, statusPending
	t.StartedBy, t.Group, t.LaunchType = "ci", "family:web", ecsmodel.LaunchTypeEc2
	t.CreatedAt = ecsmodel.NewTime(time.Date(2026, 11, 23, 15, 0, 0, 123e6, time.UTC))
	for _, o := range opts {
		o(rec)
	}
	return rec
}

func TestTaskSummaryRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		rec  *taskRecord
	}{
		{"pending", summaryFixture()},
		{"empty strings and no times", summaryFixture(func(r *taskRecord) {
			r.Task.StartedBy, r.Task.Group, r.ServiceName, r.Task.CreatedAt = "", "", "", ecsmodel.Time{}
		})},
		{"stopped with all times", summaryFixture(func(r *taskRecord) {
			r.Task.DesiredStatus, r.Task.LastStatus = statusStopped, statusStopped
			r.Task.StoppingAt = ecsmodel.NewTime(r.Task.CreatedAt.Add(time.Minute))
			r.Task.StoppedAt = ecsmodel.NewTime(r.Task.CreatedAt.Add(2 * time.Minute))
		})},
		{"ports, gpus, provider", summaryFixture(func(r *taskRecord) {
			r.Alloc.Ports, r.Alloc.PortsUDP = []uint16{80, 65535, 1}, []uint16{53}
			r.Alloc.GPUIDs = []string{"gpu-0", "gpu-1"}
			r.Task.CapacityProviderName, r.Task.LaunchType = "spot", ""
		})},
		{"negative and large sizes", summaryFixture(func(r *taskRecord) { r.Alloc.CPU, r.Alloc.Memory = -1, 1<<40 })},
	}
	for _, tc := range cases {
		for _, in := range []interner{nil, {}} {
			t.Run(tc.name, func(t *testing.T) {
				want := summaryOf(tc.rec)
				if want.id != "0123456789abcdef0123456789abcdef" {
					t.Fatalf("got id %q from the ARN, want its last segment", want.id)
				}
				b := encodeTaskSummary(&want)
				got, err := decodeTaskSummary(want.id, b, in)
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				if !reflect.DeepEqual(*got, want) {
					t.Errorf("got %+v, want %+v", *got, want)
				}
				if len(b) > 200 {
					t.Errorf("got a %d-byte summary, want a compact one (≤ 200 bytes)", len(b))
				}
			})
		}
	}
}

func TestTaskSummaryInternsRepeatedStrings(t *testing.T) {
	sum := summaryOf(summaryFixture())
	b := encodeTaskSummary(&sum)
	cases := []struct {
		name      string
		in        interner
		wantShare bool
	}{
		{"with an interner", interner{}, true},
		{"without", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			first, err1 := decodeTaskSummary("a", b, tc.in)
			second, err2 := decodeTaskSummary("b", b, tc.in)
			if err1 != nil || err2 != nil {
				t.Fatalf("got errors %v, %v, want none", err1, err2)
			}
			if first.family != "web" || second.family != "web" {
				t.Fatalf("got families %q, %q, want web twice", first.family, second.family)
			}
			shared := unsafe.StringData(first.family) == unsafe.StringData(second.family)
			if shared != tc.wantShare {
				t.Errorf("got family bytes shared %v, want %v", shared, tc.wantShare)
			}
		})
	}
}

func TestTaskSummaryRejectsBadPort(t *testing.T) {
	sum := summaryOf(summaryFixture(func(r *taskRecord) { r.Alloc.Ports = []uint16{80} }))
	b := encodeTaskSummary(&sum)
	// The port list is near the end: count 1, then 80 as one byte; make it
	// a three-byte uvarint of 70000 instead.
	i := len(b) - 4 // ports count, 80, udp count, gpu count
	bad := append(append(append([]byte{}, b[:i+1]...), 0xf0, 0xa2, 0x04), b[i+2:]...)
	_, err := decodeTaskSummary("x", bad, nil)
	if want := "port 70000 out of range"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got error %v, want one containing %q", err, want)
	}
}
