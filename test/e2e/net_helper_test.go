package e2e

import (
	"bufio"
	"fmt"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/placement"
)

// The host port range placement takes dynamic ports from.
const (
	ephemeralLow  = int32(placement.EphemeralPortLow)
	ephemeralHigh = int32(placement.EphemeralPortHigh)
)

// agentReservedPorts are the ports every agent registers as reserved.
var agentReservedPorts = []int32{22, 2375, 2376, 51678, 51679}

// freePort returns a TCP port free on 127.0.0.1 right now, below the
// dynamic range and not reserved by the agent, for a static host port.
func freePort(t *testing.T) int32 {
	t.Helper()
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := int32(l.Addr().(*net.TCPAddr).Port)
		_ = l.Close()
		if port < ephemeralLow && !slices.Contains(agentReservedPorts, port) {
			return port
		}
	}
	t.Fatalf("no free port below %d on 127.0.0.1", ephemeralLow)
	return 0
}

// dialProbe connects to the probe on 127.0.0.1:port and returns the line
// it answers with. A refused or reset connection is retried for a while:
// a published port may take a moment to reach the container.
func dialProbe(t *testing.T, port int32) string {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	var line string
	var lastErr error
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		line, lastErr = readLine(addr)
		if lastErr == nil {
			return line
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("connect to %s: %v", addr, lastErr)
	return ""
}

func readLine(addr string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	return bufio.NewReader(conn).ReadString('\n')
}
