package scale

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/server"
	"github.com/berth-io/berth/internal/sigv4"
)

// The restarted server is this test binary run again with these variables
// set: TestMain then runs the server instead of the tests.
const (
	envChildDir     = "BERTH_SCALE_CHILD_DIR"
	envChildListen  = "BERTH_SCALE_CHILD_LISTEN"
	envChildProfile = "BERTH_SCALE_CHILD_PROFILE"
)

// Lines the child writes to stdout.
const (
	lineStarted = "started" // server.Start returned; followed by its duration
	lineStats   = "stats"   // followed by the JSON of childStats
	lineFailed  = "failed"  // followed by the error
)

// childStats is what the child reports about itself once serving.
type childStats struct {
	Heap heapStats `json:"heap"`
}

func TestMain(m *testing.M) {
	if dir := os.Getenv(envChildDir); dir != "" {
		os.Exit(runChild(dir, os.Getenv(envChildListen), os.Getenv(envChildProfile)))
	}
	os.Exit(m.Run())
}

// runChild serves the data dir as `berth server` would (fsync on, the
// janitor running with its default retention) until stdin closes. On the
// line "stats" from stdin it writes its Go heap (and, with a profile
// directory, ends the CPU profile of the startup and writes a heap
// profile).
func runChild(dir, listen, profileDir string) int {
	var stopCPU func()
	if profileDir != "" {
		f, err := os.Create(filepath.Join(profileDir, "startup-cpu.pprof"))
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Println(lineFailed, err)
			return 1
		}
		stopCPU = func() { pprof.StopCPUProfile(); f.Close() }
	}
	began := time.Now()
	srv, err := server.Start(context.Background(), server.Config{
		Listen: listen, DataDir: dir, Region: region, AccountID: accountID,
		Credentials: sigv4.StaticCredentials{accessKey: secretKey},
	})
	if err != nil {
		fmt.Println(lineFailed, err)
		return 1
	}
	fmt.Println(lineStarted, time.Since(began).Nanoseconds())
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if in.Text() != lineStats {
			continue
		}
		if stopCPU != nil {
			stopCPU()
			stopCPU = nil
		}
		st := childStats{Heap: readHeap()}
		if profileDir != "" {
			if err := writeHeapProfile(filepath.Join(profileDir, "serving-heap.pprof")); err != nil {
				fmt.Println(lineFailed, err)
				return 1
			}
		}
		b, _ := json.Marshal(st)
		fmt.Println(lineStats, string(b))
	}
	if err := srv.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "close:", err)
		return 1
	}
	return 0
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
