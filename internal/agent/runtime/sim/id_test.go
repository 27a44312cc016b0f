package sim

import (
	"fmt"
	"testing"
)

func TestContainerID(t *testing.T) {
	prefix := New(Options{}).prefix
	for _, seq := range []uint64{0, 1, 0xf, 0x10, 0xdeadbeef, 1<<64 - 1} {
		if got, want := containerID(prefix, seq), fmt.Sprintf("%s%016x", prefix, seq); got != want {
			t.Errorf("containerID(%d): got %s, want %s", seq, got, want)
		}
	}
}
