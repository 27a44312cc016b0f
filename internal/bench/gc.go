package bench

import (
	"runtime/debug"
)

// measuredGCPercent is the garbage collector's target while the calls are
// measured. The SDK allocates a great deal per call (its deserializer most
// of all) while the tool's live heap stays a few MiB, so at Go's default
// of 100 the collector runs very often and takes CPU that, on a machine
// shared with the server under test, the server would otherwise have.
// Collecting four times less often costs a few tens of MiB of heap. It
// applies to every endpoint alike, and it changes what the tool spends,
// not what is measured.
const measuredGCPercent = 400

// lowerGCOverhead sets measuredGCPercent for the measured run and returns
// the function that restores the previous setting. A GOGC in the
// environment is the user's choice and is left alone.
func lowerGCOverhead(getenv func(string) string) (restore func()) {
	if getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(measuredGCPercent)
	return func() { debug.SetGCPercent(old) }
}
