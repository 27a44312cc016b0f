package runtimetest

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// FreePort returns a TCP port that is free on 127.0.0.1 right now.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// testPorts publishes a port the probe listens on and connects to it on
// 127.0.0.1 through the host port: the same port, a different one, and one
// the runtime picks.
func testPorts(t *testing.T, h Harness) {
	if !h.Executes {
		t.Skip("runtime does not execute commands")
	}
	cases := []struct {
		name string
		// mapping returns the container and host ports given a free port.
		mapping func(free int) (container, host int)
		// remaps is set when the host port differs from the container port.
		remaps bool
	}{
		{"static host port equal to the container port", func(p int) (int, int) { return p, p }, false},
		{"static host port chosen by placement", func(p int) (int, int) { return 8080, p }, true},
		{"dynamic host port chosen by the runtime", func(p int) (int, int) {
			if h.HostNetwork {
				return p, 0
			}
			return 8080, 0
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.remaps && h.HostNetwork {
				t.Skip("containers share the host network: host port must equal container port")
			}
			e := newEnv(t, h)
			cport, hport := tc.mapping(FreePort(t))
			spec := e.spec("web", Program{Listen: cport, Forever: true})
			spec.PortMappings = []runtime.PortMapping{{ContainerPort: cport, HostPort: hport, Protocol: runtime.ProtocolTCP}}
			id := e.create(spec)
			e.start(id)
			e.waitReady(id)

			b := findBinding(t, e.inspect(id).NetworkBindings, cport)
			if hport != 0 && b.HostPort != hport {
				t.Fatalf("binding of %d: got host port %d, want %d", cport, b.HostPort, hport)
			}
			if b.HostPort == 0 {
				t.Fatalf("binding of %d: got host port 0, want the port the runtime chose", cport)
			}
			got := dial(t, b.HostPort)
			if want := fmt.Sprintf(":%d", cport); !strings.HasPrefix(got, "probe ") || !strings.HasSuffix(got, want) {
				t.Fatalf("answer on 127.0.0.1:%d: got %q, want \"probe ...%s\"", b.HostPort, got, want)
			}
		})
	}
}

// testBindings checks the network bindings Inspect reports, which even a
// runtime that executes nothing must report.
func testBindings(t *testing.T, h Harness) {
	e := newEnv(t, h)
	static, dynamic := FreePort(t), FreePort(t)
	spec := e.spec("app", Program{Forever: true})
	spec.PortMappings = []runtime.PortMapping{
		{ContainerPort: static, HostPort: static},
		{ContainerPort: dynamic, HostPort: 0, Protocol: runtime.ProtocolUDP},
	}
	id := e.create(spec)
	e.start(id)
	bs := e.inspect(id).NetworkBindings
	if len(bs) != 2 {
		t.Fatalf("network bindings: got %+v, want 2", bs)
	}
	s := findBinding(t, bs, static)
	if s.HostPort != static || s.Protocol != runtime.ProtocolTCP || s.BindIP == "" {
		t.Errorf("static binding: got %+v, want host port %d, tcp, a bind IP", s, static)
	}
	d := findBinding(t, bs, dynamic)
	if d.HostPort == 0 || d.Protocol != runtime.ProtocolUDP {
		t.Errorf("dynamic binding: got %+v, want a chosen host port, udp", d)
	}
}

func findBinding(t *testing.T, bs []runtime.NetworkBinding, containerPort int) runtime.NetworkBinding {
	t.Helper()
	for _, b := range bs {
		if b.ContainerPort == containerPort {
			return b
		}
	}
	t.Fatalf("network bindings: got %+v, want one for container port %d", bs, containerPort)
	return runtime.NetworkBinding{}
}

// dial reads the probe's one-line answer on 127.0.0.1:port.
func dial(t *testing.T, port int) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 10*time.Second)
	if err != nil {
		t.Fatalf("dial 127.0.0.1:%d: %v", port, err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("read from 127.0.0.1:%d: got %q, error %v", port, line, err)
	}
	return strings.TrimSpace(line)
}
