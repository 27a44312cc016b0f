package bench

import (
	"bytes"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a buffer the progress goroutine and the test can share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestFormatProgress(t *testing.T) {
	tests := []struct {
		name string
		s    progressSnapshot
		want string
	}{
		{
			name: "busy second",
			s: progressSnapshot{elapsed: 12 * time.Second, calls: 24512, errors: 3, failures: 1, placed: 24000,
				intervalCalls: 1998, intervalPlaced: 1990, interval: time.Second, p50: 1210, p99: 4800},
			want: "[  12s] calls 24,512  1,998/s  tasks 1,990/s  errors 3  failures 1  p50 1.21ms  p99 4.80ms",
		},
		{
			name: "five-second interval, slow server",
			s: progressSnapshot{elapsed: 65 * time.Second, calls: 400, placed: 400,
				intervalCalls: 45, intervalPlaced: 45, interval: 5 * time.Second, p50: 210_000, p99: 1_500_000},
			want: "[ 1m5s] calls 400  9.0/s  tasks 9.0/s  errors 0  failures 0  p50 210ms  p99 1.50s",
		},
		{
			name: "nothing completed yet",
			s:    progressSnapshot{elapsed: time.Second, interval: time.Second},
			want: "[   1s] calls 0  0.0/s  tasks 0.0/s  errors 0  failures 0  p50 -  p99 -",
		},
		{
			name: "zero interval",
			s:    progressSnapshot{calls: 5, intervalCalls: 5},
			want: "[   0s] calls 5  0.0/s  tasks 0.0/s  errors 0  failures 0  p50 -  p99 -",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatProgress(tt.s); got != tt.want {
				t.Errorf("formatProgress() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormatLatency(t *testing.T) {
	tests := []struct {
		us   int64
		want string
	}{
		{0, "-"}, {1, "1µs"}, {999, "999µs"}, {1000, "1.00ms"}, {1234, "1.23ms"},
		{9994, "9.99ms"}, {9995, "10.0ms"}, {12_345, "12.3ms"}, {99_949, "99.9ms"},
		{99_950, "100ms"}, {123_456, "123ms"}, {999_499, "999ms"}, {999_500, "1.00s"}, {61_000_000, "61.00s"},
	}
	for _, tt := range tests {
		if got := formatLatency(tt.us); got != tt.want {
			t.Errorf("formatLatency(%d) = %q, want %q", tt.us, got, tt.want)
		}
	}
}

func TestFormatNumbers(t *testing.T) {
	ints := []struct {
		n    int64
		want string
	}{
		{0, "0"}, {999, "999"}, {1000, "1,000"}, {123456, "123,456"}, {1234567, "1,234,567"}, {-1234, "-1,234"},
	}
	for _, tt := range ints {
		if got := formatInt(tt.n); got != tt.want {
			t.Errorf("formatInt(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	rates := []struct {
		f    float64
		want string
	}{
		{0, "0.0"}, {9.96, "10.0"}, {99.94, "99.9"}, {100, "100"}, {1998.5, "1,999"},
	}
	for _, tt := range rates {
		if got := formatRate(tt.f); got != tt.want {
			t.Errorf("formatRate(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

// TestProgressKind checks which progress writer each destination gets:
// none when quiet, plain lines for a file or buffer.
func TestProgressKind(t *testing.T) {
	if p := newProgress(&bytes.Buffer{}, true); p != nil {
		t.Errorf("newProgress(quiet) = %+v, want nil", p)
	}
	f, err := os.Create(t.TempDir() + "/progress.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, w := range []io.Writer{&bytes.Buffer{}, f} {
		p := newProgress(w, false)
		if p == nil || p.terminal || p.every != plainEvery {
			t.Errorf("newProgress(%T) = %+v, want plain lines every %s", w, p, plainEvery)
		}
	}
}

// TestProgressLoop runs the loop over a collector with a short interval
// and checks it writes whole plain lines and stops when told.
func TestProgressLoop(t *testing.T) {
	var buf lockedBuffer
	col := newCollector()
	col.record(outcome{op: "RunTask", requested: 1, placed: 1}, time.Millisecond, nil)
	p := &progress{w: &buf, every: time.Millisecond}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		p.loop(col, time.Now(), done)
		close(finished)
	}()
	for !strings.Contains(buf.String(), "\n") {
		time.Sleep(time.Millisecond)
	}
	close(done)
	<-finished
	first := strings.SplitN(buf.String(), "\n", 2)[0]
	if !strings.Contains(first, "calls 1 ") || !strings.Contains(first, "p50 1.00ms") {
		t.Errorf("first progress line = %q, want 1 call with p50 1.00ms", first)
	}
}
