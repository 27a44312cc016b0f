package httpserver

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"
)

// promptShutdown bounds how long Serve may take to return once the
// in-flight request is released. net/http alone waits 5 s for a connection
// that has sent nothing; this is a generous bound that only that wait
// exceeds, not a speed target.
const promptShutdown = 2 * time.Second

// unusedConn opens a connection to addr that carries no request in flight
// and returns it.
type unusedConn struct {
	name string
	open func(t *testing.T, addr string) net.Conn
}

var unusedConns = []unusedConn{
	{name: "opened, nothing written", open: func(t *testing.T, addr string) net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		return c
	}},
	{name: "idle after one request", open: func(t *testing.T, addr string) net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: berth\r\n\r\n"); err != nil {
			t.Fatalf("write: %v", err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("read response: %v", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /healthz: got status %d, want 200", resp.StatusCode)
		}
		return c
	}},
}

// TestShutdownClosesUnusedConnections holds a connection that carries no
// request while another request is in flight, and shuts down: the unused
// connection is closed at once, the in-flight request completes, and
// Serve returns promptly once it has.
func TestShutdownClosesUnusedConnections(t *testing.T) {
	for _, uc := range unusedConns {
		t.Run(uc.name, func(t *testing.T) {
			started, release, shutdownBegan := make(chan struct{}), make(chan struct{}), make(chan struct{})
			r := startServer(t, Config{},
				WithHandler("/slow", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					close(started)
					<-release
					_, _ = w.Write([]byte("finished"))
				})),
				OnShutdown(func() { close(shutdownBegan) }),
			)
			unused := uc.open(t, r.addr)
			defer unused.Close()

			// The server accepts connections in order, so once the request
			// on a later connection runs, the unused one has been accepted.
			got := make(chan result, 1)
			go func() { got <- getOnNewConn(r.url + "/slow") }()
			<-started

			r.cancel()
			<-shutdownBegan
			if err := readUntilClosed(unused, promptShutdown); err != nil {
				t.Errorf("unused connection after shutdown began: %v, want it closed by the server", err)
			}
			close(release)
			released := time.Now()
			if res := <-got; res.err != nil || res.body != "finished" {
				t.Errorf("in-flight request: got %q, %v; want \"finished\", no error", res.body, res.err)
			}
			if err := r.stop(); err != nil {
				t.Errorf("Serve: got %v, want nil", err)
			}
			if took := time.Since(released); took > promptShutdown {
				t.Errorf("Serve returned %s after the last request finished, want under %s", took, promptShutdown)
			}
		})
	}
}

type result struct {
	body string
	err  error
}

// getOnNewConn GETs url on a connection of its own.
func getOnNewConn(url string) result {
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(url)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return result{body: string(b), err: err}
}

// readUntilClosed reads c until the peer closes it, and fails if that
// takes longer than limit.
func readUntilClosed(c net.Conn, limit time.Duration) error {
	if err := c.SetReadDeadline(time.Now().Add(limit)); err != nil {
		return err
	}
	_, err := io.Copy(io.Discard, c)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return errors.New("still open after " + limit.String())
	}
	return nil // EOF (io.Copy returns nil) or a reset: closed either way
}
