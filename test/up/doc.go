// Package up tests the newcomer's path end to end: it builds the berth
// binary, starts `berth up` as a subprocess on 127.0.0.1 with a temporary
// data dir and the process runtime, runs the aws CLI lines the welcome
// prints exactly as printed, evaluates `berth env`, stops berth with
// SIGINT, and starts it again on the same data dir to check what survived.
//
// It needs bash and the aws CLI; without them the tests skip (and fail
// when CI=true).
package up
