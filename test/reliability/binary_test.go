package reliability

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The berth binary is built once per test run, into binDir.
var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// berthBinary builds cmd/berth (once) and returns its path.
func berthBinary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "berth-reliability-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "berth")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/berth-io/berth/cmd/berth").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return binPath
}

// serverProc is `berth server` running as a subprocess.
type serverProc struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	done   chan struct{} // closed once the process has been waited for
	err    error         // Wait's error, after done
}

// startProc starts `berth server` on 127.0.0.1 (a free port) over dataDir
// and waits for the endpoint line it prints once listening. The process
// is killed when the test ends, if it still runs.
func startProc(tb testing.TB, bin, dataDir string) *serverProc {
	tb.Helper()
	p := &serverProc{stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "server", "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--log-level", "warn")
	p.cmd.Env = append(cleanEnv(), "BERTH_ACCESS_KEY_ID="+testKey, "BERTH_SECRET_ACCESS_KEY="+testSecret,
		"BERTH_REGION="+testRegion, "BERTH_ACCOUNT_ID="+testAccount)
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", bin, err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "endpoint:"); ok {
				found <- strings.TrimSpace(v)
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	tb.Cleanup(func() { _ = p.kill() })
	select {
	case p.url = <-found:
		return p
	case <-p.done:
		tb.Fatalf("berth server exited before listening: %v\n%s", p.err, p.stderr)
	case <-time.After(60 * time.Second):
		_ = p.kill()
		tb.Fatalf("berth server printed no endpoint within 60s\n%s", p.stderr)
	}
	return nil
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *serverProc) kill() error {
	select {
	case <-p.done:
		return nil
	default:
	}
	err := p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	return err
}

// stop sends SIGINT and waits for a clean exit.
func (p *serverProc) stop() error {
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		return err
	}
	select {
	case <-p.done:
		return p.err
	case <-time.After(30 * time.Second):
		_ = p.kill()
		return errors.New("berth server did not exit within 30s of SIGINT")
	}
}

// cleanEnv is the environment without BERTH_* variables, so that a
// developer's settings do not leak into the server under test.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BERTH_") {
			env = append(env, kv)
		}
	}
	return env
}

// syncBuffer is a bytes.Buffer safe for a writer and readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
