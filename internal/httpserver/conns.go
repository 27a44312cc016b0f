package httpserver

import (
	"net"
	"net/http"
	"sync"
)

// connTracker follows the state of a server's connections (it is the
// server's http.Server.ConnState hook) so that shutdown can close the ones
// that carry no request at once. net/http's Shutdown closes idle keep-alive
// connections itself, but waits up to 5 s for a connection that was opened
// and has not yet sent a request: a client holding such a connection
// would delay every shutdown by that much.
//
// Closing an unused connection during shutdown loses nothing: once
// shutdown has begun, net/http hands no newly read request to a handler,
// and a connection whose request did reach a handler turned StateActive
// before that and stays so until its response is written.
type connTracker struct {
	mu sync.Mutex
	// unused holds the connections in StateNew or StateIdle.
	unused map[net.Conn]struct{}
	// shuttingDown is set by closeUnused; from then on a connection that
	// becomes new (one accepted just before the listener closed) is closed
	// as soon as it is seen.
	shuttingDown bool
}

func newConnTracker() *connTracker {
	return &connTracker{unused: map[net.Conn]struct{}{}}
}

// track is the http.Server.ConnState hook.
func (t *connTracker) track(c net.Conn, state http.ConnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch state {
	case http.StateNew:
		if t.shuttingDown {
			_ = c.Close()
			return
		}
		t.unused[c] = struct{}{}
	case http.StateIdle:
		// During shutdown net/http closes a connection right after its
		// last response, so it is left to do that.
		if !t.shuttingDown {
			t.unused[c] = struct{}{}
		}
	default: // active, hijacked, closed
		delete(t.unused, c)
	}
}

// closeUnused closes every connection that is new or idle, and every one
// that becomes new later, and returns how many it closed now. Connections
// with a request in flight are left to finish.
func (t *connTracker) closeUnused() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.shuttingDown = true
	n := len(t.unused)
	for c := range t.unused {
		_ = c.Close()
		delete(t.unused, c)
	}
	return n
}
