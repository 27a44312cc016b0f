package ecsmodel

import (
	"math/rand/v2"
	"testing"

	"github.com/berth-io/berth/internal/ecsmodel/jsonrand"
)

// FuzzTaskAppendJSON fills a Task from seed, taking every string from the
// fuzzed text (whole, or a random piece of it), and requires AppendJSON to
// match encoding/json byte for byte.
func FuzzTaskAppendJSON(f *testing.F) {
	for _, s := range []string{"", "task", "<&>\"\\\x00\x1f", "\xff\xe2\x80\xa8\u2029é😀", "\xed\xa0\x80\xf4\x90\x80\x80"} {
		f.Add(uint64(len(s)), s)
	}
	f.Fuzz(func(t *testing.T, seed uint64, text string) {
		fill := jsonrand.New(seed)
		fill.Strings = func(rng *rand.Rand) string {
			if len(text) == 0 || rng.IntN(2) == 0 {
				return text
			}
			i := rng.IntN(len(text))
			return text[i : i+rng.IntN(len(text)-i+1)]
		}
		var task Task
		fill.Fill(&task)
		checkAppendJSON(t, "Task", &task, seed)
	})
}
