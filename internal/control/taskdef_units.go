package control

import (
	"math"
	"strconv"
	"strings"
)

// Task-level cpu and memory are strings. ECS accepts CPU units ("1024") or
// vCPUs ("1 vCPU", "0.5vcpu", any case), and MiB ("2048") or GB ("2GB",
// "0.5 GB"), and stores them converted to units and MiB ("1024", "2048").

// EC2 task-level CPU bounds in units (0.125 .. 192 vCPU).
const (
	minTaskCPU = 128
	maxTaskCPU = 196608
)

// parseTaskCPU converts a task cpu string to CPU units; ok is false when it
// is neither an integer nor a vCPU amount that is a whole number of units.
func parseTaskCPU(s string) (int64, bool) {
	return parseUnits(s, "vcpu")
}

// parseTaskMemory converts a task memory string to MiB; ok is false when it
// is neither an integer nor a GB amount that is a whole number of MiB.
func parseTaskMemory(s string) (int64, bool) {
	return parseUnits(s, "gb")
}

// parseUnits reads an integer count of base units, or a decimal number
// followed by suffix (case-insensitive, optionally after spaces) meaning
// that many times 1024 base units.
func parseUnits(s, suffix string) (int64, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n <= 0 {
			return 0, false
		}
		return n, true
	}
	lower := strings.ToLower(s)
	num, found := strings.CutSuffix(lower, suffix)
	if !found {
		return 0, false
	}
	num = strings.TrimSpace(num)
	if num == "" || strings.ContainsAny(num, "eE+-") {
		return 0, false
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f <= 0 || math.IsInf(f, 0) {
		return 0, false
	}
	units := f * 1024
	if units != math.Trunc(units) || units > math.MaxInt32 {
		return 0, false
	}
	return int64(units), true
}

// fargateMemory lists, per Fargate task CPU, the memory sizes (MiB) allowed:
// from min to max in steps of step.
var fargateMemory = map[int64]struct{ min, max, step int64 }{
	256:   {512, 2048, 512}, // 512, 1024, 2048 (1536 is rejected below)
	512:   {1024, 4096, 1024},
	1024:  {2048, 8192, 1024},
	2048:  {4096, 16384, 1024},
	4096:  {8192, 30720, 1024},
	8192:  {16384, 61440, 4096},
	16384: {32768, 122880, 8192},
}

// validFargateSize reports whether Fargate offers a task of cpu units and
// memory MiB.
func validFargateSize(cpu, memory int64) bool {
	r, ok := fargateMemory[cpu]
	if !ok || memory < r.min || memory > r.max || (memory-r.min)%r.step != 0 {
		return false
	}
	return !(cpu == 256 && memory == 1536)
}
