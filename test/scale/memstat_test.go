package scale

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// procMem is what /proc/<pid>/status says about a process's memory, in
// bytes: VmRSS is RssAnon + RssFile (+ RssShmem); RssFile counts the pages
// of the bbolt mmap the process has touched.
type procMem struct {
	VmRSS, VmHWM, RssAnon, RssFile int64
}

// readProcMem reads /proc/<pid>/status ("self" for this process).
func readProcMem(pid string) (procMem, error) {
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		return procMem{}, err
	}
	defer f.Close()
	var m procMem
	fields := map[string]*int64{"VmRSS:": &m.VmRSS, "VmHWM:": &m.VmHWM, "RssAnon:": &m.RssAnon, "RssFile:": &m.RssFile}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Fields(sc.Text())
		if len(parts) < 2 {
			continue
		}
		if dst, ok := fields[parts[0]]; ok {
			kb, err := strconv.ParseInt(parts[1], 10, 64)
			if err != nil {
				return procMem{}, fmt.Errorf("parse %s: %w", sc.Text(), err)
			}
			*dst = kb << 10
		}
	}
	return m, sc.Err()
}

func (m procMem) String() string {
	return fmt.Sprintf("VmRSS %s (anon %s, file %s), peak VmHWM %s", mib(m.VmRSS), mib(m.RssAnon), mib(m.RssFile), mib(m.VmHWM))
}

// heapStats is the Go heap after a forced collection.
type heapStats struct {
	HeapAlloc, HeapInuse, HeapSys, Sys, HeapObjects uint64
}

// readHeap runs a collection and reads runtime.MemStats.
func readHeap() heapStats {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return heapStats{HeapAlloc: ms.HeapAlloc, HeapInuse: ms.HeapInuse, HeapSys: ms.HeapSys, Sys: ms.Sys, HeapObjects: ms.HeapObjects}
}

func (h heapStats) String() string {
	return fmt.Sprintf("Go heap after GC: alloc %s, in use %s, heap sys %s, total sys %s, %d objects",
		mib(int64(h.HeapAlloc)), mib(int64(h.HeapInuse)), mib(int64(h.HeapSys)), mib(int64(h.Sys)), h.HeapObjects)
}

// mib formats bytes as MiB.
func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// userHZ is the unit of the CPU times in /proc/<pid>/stat (USER_HZ, 100
// on Linux whatever the kernel's tick rate).
const userHZ = 100

// readCPUTime reads the user and system CPU time a process has used from
// /proc/<pid>/stat.
func readCPUTime(pid string) (user, sys time.Duration, err error) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces;
	// utime and stime are fields 14 and 15, the 12th and 13th after it.
	rest := string(b[strings.LastIndexByte(string(b), ')')+1:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, 0, fmt.Errorf("/proc/%s/stat: got %d fields after the name, want at least 13", pid, len(f))
	}
	ticks := make([]int64, 2)
	for i, s := range f[11:13] {
		if ticks[i], err = strconv.ParseInt(s, 10, 64); err != nil {
			return 0, 0, fmt.Errorf("/proc/%s/stat: %w", pid, err)
		}
	}
	return time.Duration(ticks[0]) * time.Second / userHZ, time.Duration(ticks[1]) * time.Second / userHZ, nil
}
