package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// envCPUProfile names a file that every command writes a CPU profile of
// its whole run to (for `go tool pprof`), e.g. to see where `berth server`
// or `berth bench` spends its time under load.
const envCPUProfile = "BERTH_CPUPROFILE"

// startProfile starts the CPU profile BERTH_CPUPROFILE asks for and returns
// the function that finishes it; without the variable it does nothing.
func startProfile(getenv func(string) string) (stop func(), err error) {
	path := getenv(envCPUProfile)
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envCPUProfile, err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", envCPUProfile, err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
