// Package httpserver is berth's HTTP front door: one server, on one listener,
// that routes
//
//	/          the ECS API handler (internal/ecsapi), which answers every
//	           path not listed below, with ECS-style errors; this includes
//	           paths that are not clean ("//", "/./", "/x/../"), which
//	           http.ServeMux would otherwise redirect with an empty body
//	/metrics   Prometheus metrics of a registry the caller owns (GET)
//	/healthz   liveness: 200 "ok" (GET, HEAD)
//
// plus any handler added with WithHandler, such as the agents' websocket
// endpoint at /ws. Every handler runs behind a recovery middleware that logs
// a panic with its stack and answers 500 instead of letting net/http drop the
// connection (the ECS handler recovers its own panics first, answering a
// well-formed ServerException).
//
// Serve runs until its context is cancelled, then shuts down gracefully:
// it stops accepting, closes at once the connections that carry no request
// (idle ones, and ones opened but not yet used, which net/http alone would
// wait 5 s for), lets in-flight requests finish within the shutdown
// timeout, runs the OnShutdown hooks (hijacked connections such as websockets
// are not tracked by net/http, so their owners close them there), and finally
// closes whatever is left.
package httpserver
