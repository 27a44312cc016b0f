package process

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// procStat reads the start time (clock ticks after boot) and the state
// letter of pid from /proc/<pid>/stat.
func procStat(pid int) (start uint64, state byte, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, err
	}
	start, state, err = parseStat(b)
	if err != nil {
		return 0, 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return start, state, nil
}

// parseStat extracts the state letter (field 3) and start time (field 22)
// from the contents of a /proc/<pid>/stat file.
func parseStat(b []byte) (start uint64, state byte, err error) {
	// The command name (field 2) is in parentheses and may hold spaces or
	// parentheses itself; the fields after the last ')' are plain.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("no command name")
	}
	fields := bytes.Fields(b[i+1:])
	// fields[0] is field 3 (state); field 22 (starttime) is fields[19].
	if len(fields) < 20 || len(fields[0]) != 1 {
		return 0, 0, fmt.Errorf("%d fields after the command name, want at least 20", len(fields))
	}
	start, err = strconv.ParseUint(string(fields[19]), 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("start time: %w", err)
	}
	return start, fields[0][0], nil
}

// alive reports whether the process pid that started at start still runs:
// it exists, is not a zombie, and is not a later process that reused pid.
func alive(pid int, start uint64) bool {
	if pid <= 0 {
		return false
	}
	s, state, err := procStat(pid)
	return err == nil && s == start && state != 'Z' && state != 'X'
}
