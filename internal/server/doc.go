// Package server assembles berth's control plane from its parts: the store
// (a bbolt file in the data dir, or an etcd cluster), the control plane use
// cases, the SigV4-checked ECS API edge, and the HTTP server with /metrics
// and /healthz. On etcd it also compacts etcd's history periodically, since
// etcd keeps every revision until told otherwise. `berth server` and `berth
// up` start it, and so do the end-to-end tests, in process, so the tests
// run exactly what users run.
package server
