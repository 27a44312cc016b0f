// Package server assembles berth's control plane from its parts: the bbolt
// store in the data dir, the control plane use cases, the SigV4-checked ECS
// API edge, and the HTTP server with /metrics and /healthz. `berth server`
// and `berth up` start it, and so do the end-to-end tests, in process, so the
// tests run exactly what users run.
package server
